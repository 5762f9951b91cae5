/**
 * The obligation machine without a Temporal server: one weekly period (Monday 00:00 in Shanghai),
 * two contacts required, reminded a day before the end, escalated on every second miss in a row.
 */
import type { Actor } from '../../src/domain/case-model';
import {
  obligationIndexOf,
  obligationStep,
  obligationTimers,
  obligationWakeAt,
  openObligation,
  periodRunning,
  type ObligationEffect,
  type ObligationEvent,
  type ObligationRun,
} from '../../src/domain/obligation-machine';
import type { ObligationInput } from '../../src/domain/obligation-model';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// Wednesday 2026-03-18 10:00 in Shanghai; the week runs Monday 2026-03-16 00:00 → 2026-03-23 00:00 (+08:00).
const T0 = Date.parse('2026-03-18T02:00:00.000Z');
const WEEK_END = Date.parse('2026-03-22T16:00:00.000Z');

const input: ObligationInput = {
  obligationId: 'o-leader-grid-p7d',
  obligeeId: 'leader',
  obligeeUnitId: 'street-1',
  unitId: 'grid-1',
  unitLevel: 'grid',
  units: ['grid-1', 'community-1', 'street-1', 'district'],
  supervisorUnitId: 'district',
  escalationUnitId: 'district',
  period: 'P7D',
  times: 2,
  reminderLeadMs: DAY,
  missesToEscalate: 2,
  timeZone: 'Asia/Shanghai',
  createdAt: new Date(T0).toISOString(),
};
const leader: Actor = { kind: 'staff', id: 'leader', role: 'officer', unitId: 'street-1' };
const supervisor: Actor = { kind: 'staff', id: 'boss', role: 'supervisor', unitId: 'district' };

function fresh(): ObligationRun {
  return { obligation: openObligation(input, T0), recordSeq: 0, notices: 0 };
}
function play(steps: [ObligationEvent, number][], from: ObligationRun = fresh()) {
  let run = from;
  const all: ObligationEffect[][] = [];
  for (const [event, at] of steps) {
    const next = obligationStep(run, event, at, input);
    run = next.state;
    all.push(next.effects);
  }
  return { run, last: all.at(-1) ?? [] };
}
const contact = (at: number): ObligationEvent => ({ type: 'contact_logged', at: new Date(at).toISOString(), channel: 'visit', actor: leader });
const kinds = (effects: ObligationEffect[]) =>
  effects.map((effect) =>
    effect.type === 'record' ? `record:${effect.entry.type}` : effect.type === 'notify' ? `notify:${effect.request.template}` : effect.type,
  );

describe('a period', () => {
  it('opens on the week containing now, indexed pending, its row recorded first', () => {
    const { run, last } = play([[{ type: 'open' }, T0]]);
    expect(run.obligation.current).toMatchObject({ startAt: '2026-03-15T16:00:00.000Z', endAt: new Date(WEEK_END).toISOString(), reminded: false });
    expect(kinds(last)).toEqual(['index', 'record:opened']);
    expect(last[1]).toMatchObject({ entry: { seq: 1 } });
    expect(obligationIndexOf(run.obligation, input)).toMatchObject({
      kind: 'obligation',
      status: 'pending',
      dueAt: new Date(WEEK_END).toISOString(),
      overdue: false,
      metPeriods: 0,
    });
  });

  it('lists the reminder and the end, and wakes at the reminder while it is ahead', () => {
    const run = fresh();
    expect(obligationTimers(run.obligation, input)).toEqual([
      { kind: 'reminder', atMs: WEEK_END - DAY },
      { kind: 'period_end', atMs: WEEK_END },
    ]);
    expect(obligationWakeAt(run.obligation, input, T0)).toBe(WEEK_END - DAY);
    expect(obligationWakeAt(run.obligation, input, WEEK_END - DAY + 1)).toBe(WEEK_END);
    expect(periodRunning(run.obligation, WEEK_END - 1)).toBe(true);
    expect(periodRunning(run.obligation, WEEK_END)).toBe(false);
  });

  it('takes contacts; two meet the period', () => {
    const { run, last } = play([
      [{ type: 'open' }, T0],
      [contact(T0), T0 + HOUR],
      [contact(T0 + DAY), T0 + DAY],
    ]);
    expect(run.obligation.current.contacts).toHaveLength(2);
    expect(kinds(last)).toEqual(['index', 'record:contact_logged']);
    expect(obligationIndexOf(run.obligation, input).status).toBe('met');
  });

  it('reminds once, a day before the end, only while the period is unmet', () => {
    const early = play([
      [{ type: 'open' }, T0],
      [{ type: 'time' }, T0 + HOUR],
    ]);
    expect(early.last).toEqual([]);
    const due = play([
      [{ type: 'open' }, T0],
      [{ type: 'time' }, WEEK_END - DAY],
    ]);
    expect(kinds(due.last)).toEqual(['notify:obligation_reminder']);
    expect(due.last[0]).toMatchObject({
      request: { messageId: `${input.obligationId}.${due.run.obligation.current.key}.1.obligation_reminder`, staffIds: ['leader'] },
    });
    expect(obligationStep(due.run, { type: 'time' }, WEEK_END - HOUR, input).effects).toEqual([]);
    const met = play([
      [{ type: 'open' }, T0],
      [contact(T0), T0],
      [contact(T0), T0],
      [{ type: 'time' }, WEEK_END - DAY],
    ]);
    expect(met.run.obligation.current.reminded).toBe(true);
    expect(met.last).toEqual([]);
  });

  it('hands over to another holder, recording who and why', () => {
    const { run, last } = play([
      [{ type: 'open' }, T0],
      [{ type: 'obligee_changed', obligeeId: 'new-leader', obligeeUnitId: 'street-1', actor: supervisor, reason: 'left' }, T0 + HOUR],
    ]);
    expect(run.obligation.obligees.map((holder) => holder.staffId)).toEqual(['leader', 'new-leader']);
    expect(last[1]).toMatchObject({ entry: { type: 'obligee_changed', data: { from: 'leader', to: 'new-leader', actor: supervisor, reason: 'left' } } });
  });

  it('ends at a supervisor’s word; a period then closes no more', () => {
    const { run } = play([
      [{ type: 'open' }, T0],
      [{ type: 'ended', reason: 'grid merged' }, T0 + HOUR],
    ]);
    expect(run.obligation).toMatchObject({ status: 'ended', endReason: 'grid merged' });
    expect(periodRunning(run.obligation, T0 + 2 * HOUR)).toBe(false);
    expect(obligationStep(run, { type: 'period_over' }, WEEK_END, input).effects).toEqual([]);
    expect(obligationIndexOf(run.obligation, input)).toMatchObject({ status: 'ended', dueAt: null });
  });
});

describe('the end of a period', () => {
  it('a met period counts, and the next week opens', () => {
    const { run, last } = play([
      [{ type: 'open' }, T0],
      [contact(T0), T0],
      [contact(T0), T0],
      [{ type: 'period_over' }, WEEK_END],
    ]);
    expect(run.obligation.history).toEqual([expect.objectContaining({ met: true, contacts: 2, required: 2 })]);
    expect(run.obligation).toMatchObject({ totals: { met: 1, missed: 0 }, streak: { met: 1, missed: 0 } });
    expect(run.obligation.current).toMatchObject({ startAt: new Date(WEEK_END).toISOString(), contacts: [], reminded: false });
    expect(kinds(last)).toEqual(['record:period_closed', 'index']);
  });

  it('a miss tells the supervisor; the second in a row escalates and flags the obligation overdue', () => {
    const first = play([
      [{ type: 'open' }, T0],
      [{ type: 'period_over' }, WEEK_END],
    ]);
    expect(kinds(first.last)).toEqual(['notify:obligation_missed', 'record:period_closed', 'index']);
    expect(first.last[1]).toMatchObject({ entry: { data: { met: false, escalated: false } } });
    const second = obligationStep({ ...first.run, notices: 0 }, { type: 'period_over' }, WEEK_END + 7 * DAY, input);
    expect(kinds(second.effects)).toEqual(['notify:obligation_missed', 'notify:obligation_escalated', 'record:period_closed', 'index']);
    expect(second.effects[1]).toMatchObject({ request: { supervisorsOf: 'district' } });
    expect(second.effects[2]).toMatchObject({ entry: { data: { escalated: true } } });
    expect(second.state.obligation).toMatchObject({ escalations: 1, streak: { met: 0, missed: 2 }, totals: { missed: 2 } });
    expect(obligationIndexOf(second.state.obligation, input).overdue).toBe(true);
  });

  it('numbers its records across periods, and the next run says when recording started', () => {
    const { run } = play([
      [{ type: 'open' }, T0],
      [contact(T0), T0],
      [{ type: 'period_over' }, WEEK_END],
    ]);
    expect(run.recordSeq).toBe(3);
    const resumed = obligationStep({ ...run, notices: 0 }, { type: 'resume', recordingStarted: true }, WEEK_END, input);
    expect(resumed.effects[1]).toMatchObject({ entry: { seq: 4, type: 'recording_started' } });
    expect(obligationStep(run, { type: 'resume', recordingStarted: false }, WEEK_END, input).effects.map((effect) => effect.type)).toEqual(['index']);
  });
});
