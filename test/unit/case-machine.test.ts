/**
 * The case machine without a Temporal server: every transition of the closed loop and of the SLA
 * ladder, as (state, event, now) → (state, effects). The demo city's grid ladder (grid →
 * community → street → district) on the calendar clock, with round one-hour budgets so the
 * instants are easy to read: warnings at 50 % and 75 %, three days to confirm a resolution.
 */
import {
  caseIndexOf,
  caseStep,
  caseTimers,
  CURRENT_CASE_POLICY,
  firstDeadline,
  openCase,
  type CaseEffect,
  type CaseEvent,
  type CasePolicy,
  type CaseRun,
} from '../../src/domain/case-machine';
import type { Actor } from '../../src/domain/case-model';
import type { CaseAction } from '../../src/domain/case-rules';
import { caseInputFor } from '../helpers/fixtures';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const T0 = Date.parse('2026-03-16T02:00:00.000Z');
const BUDGETS = { grid: HOUR, community: HOUR, street: HOUR, district: HOUR };

const input = caseInputFor({ submittedAtMs: T0, reporterEmail: 'resident@example.test', sla: { clock: 'calendar', budgets: BUDGETS, warnAt: [0.5, 0.75] } });
const [grid, community, street, district] = input.ladder;
const worker: Actor = { kind: 'staff', id: input.assigneeId, role: 'grid_worker', unitId: grid!.unitId };
const resident: Actor = { kind: 'resident' };

/** Runs events in order from a fresh case, each at its own instant; returns the last step and every effect. */
function play(steps: [CaseEvent, number][], policy: CasePolicy = CURRENT_CASE_POLICY, from: CaseRun = openCase(input)) {
  let run = from;
  const effects: CaseEffect[][] = [];
  for (const [event, at] of steps) {
    const next = caseStep(run, event, at, policy);
    run = next.state;
    effects.push(next.effects);
  }
  return { run, effects, last: effects.at(-1) ?? [] };
}

const act = (action: CaseAction, actor: Actor = worker): CaseEvent => ({ type: 'action', request: { action, actor } });
const types = (effects: CaseEffect[]) =>
  effects.map((effect) =>
    effect.type === 'record' ? `record:${effect.entry.type}` : effect.type === 'notify' ? `notify:${effect.request.template}` : effect.type,
  );
const iso = (ms: number) => new Date(ms).toISOString();

describe('opening', () => {
  it('starts on the grid with the first deadline the API reports and indexes', () => {
    const run = openCase(input);
    expect(run.case).toMatchObject({ status: 'assigned', level: 'grid', unitId: grid!.unitId, assigneeId: input.assigneeId, dueAt: iso(T0 + HOUR) });
    expect(firstDeadline(input)).toBe(iso(T0 + HOUR));
    expect(caseIndexOf(run.case)).toEqual({
      kind: 'case',
      status: 'assigned',
      level: 'grid',
      unitId: grid!.unitId,
      units: input.ladder.map((rung) => rung.unitId),
      assigneeId: input.assigneeId,
      category: input.category,
      priority: input.priority,
      dueAt: iso(T0 + HOUR),
      overdue: false,
    });
  });

  it('records submitted and assigned and tells the grid worker', () => {
    const { run, last } = play([[{ type: 'open' }, T0]]);
    expect(types(last)).toEqual(['record:submitted', 'index', 'record:assigned', 'notify:case_assigned']);
    expect(run.case.timeline.map((entry) => entry.seq)).toEqual([1, 2]);
    const notify = last.find((effect) => effect.type === 'notify');
    expect(notify).toMatchObject({ request: { messageId: `${input.caseId}.2.case_assigned`, staffIds: [input.assigneeId] } });
  });

  it('a carried run only indexes again', () => {
    const { last } = play([[{ type: 'resume' }, T0]]);
    expect(types(last)).toEqual(['index']);
  });

  it('leaves the state it was given untouched (pure)', () => {
    const before = openCase(input);
    const frozen = JSON.stringify(before);
    caseStep(before, { type: 'open' }, T0, CURRENT_CASE_POLICY);
    expect(JSON.stringify(before)).toBe(frozen);
  });

  it('answers an event that changes nothing with the same state and no effects', () => {
    const { run } = play([[{ type: 'open' }, T0]]);
    const idle = caseStep(run, { type: 'time' }, T0 + MINUTE, CURRENT_CASE_POLICY);
    expect(idle.state).toBe(run);
    expect(idle.effects).toEqual([]);
  });
});

describe('the ladder', () => {
  it('lists its timers: the deadline and the next warning', () => {
    const { run } = play([[{ type: 'open' }, T0]]);
    expect(caseTimers(run)).toEqual([
      { kind: 'deadline', atMs: T0 + HOUR },
      { kind: 'warning', atMs: T0 + HOUR / 2, fraction: 0.5 },
    ]);
  });

  it('warns at 50 % and 75 %, and sends only the latest when both are due at once', () => {
    const at50 = play([
      [{ type: 'open' }, T0],
      [{ type: 'time' }, T0 + HOUR / 2],
    ]);
    expect(types(at50.last)).toEqual(['record:warned', 'notify:case_warning']);
    expect(at50.run.case.timeline.at(-1)?.details).toEqual({ fraction: 0.5, dueAt: iso(T0 + HOUR) });

    const late = play([
      [{ type: 'open' }, T0],
      [{ type: 'time' }, T0 + 50 * MINUTE],
    ]);
    expect(types(late.last)).toEqual(['record:warned', 'notify:case_warning']);
    expect(late.run.case.timeline.at(-1)?.details).toMatchObject({ fraction: 0.75 });
    expect(caseTimers(late.run)).toEqual([{ kind: 'deadline', atMs: T0 + HOUR }]);
  });

  it('escalates when the deadline passes: looks up the duty officer, then moves a rung with the budget from the deadline', () => {
    const { run, last } = play([
      [{ type: 'open' }, T0],
      [{ type: 'time' }, T0 + HOUR + 5_000],
    ]);
    expect(last).toEqual([
      {
        type: 'look_up_duty_officer',
        escalation: expect.objectContaining({
          fromRung: 0,
          unitId: community!.unitId,
          fallbackOfficerId: community!.dutyOfficerId,
          decidedAtMs: T0 + HOUR + 5_000,
          rungStartsAtMs: T0 + HOUR,
        }),
      },
    ]);
    expect(run.case.level).toBe('grid');
    const lookUp = last[0] as Extract<CaseEffect, { type: 'look_up_duty_officer' }>;
    const found = caseStep(
      run,
      { type: 'duty_officer_found', escalation: lookUp.escalation, officerId: 'someone-on-duty' },
      T0 + HOUR + 6_000,
      CURRENT_CASE_POLICY,
    );
    expect(found.state.case).toMatchObject({
      level: 'community',
      unitId: community!.unitId,
      assigneeId: 'someone-on-duty',
      status: 'assigned',
      escalations: 1,
      dueAt: iso(T0 + 2 * HOUR),
    });
    expect(types(found.effects)).toEqual(['index', 'record:escalated', 'notify:case_escalated']);
    expect(found.state.case.timeline.at(-1)).toMatchObject({ at: iso(T0 + HOUR + 5_000), type: 'escalated', note: 'systemReason.deadlinePassed' });
    const notify = found.effects.find((effect) => effect.type === 'notify');
    expect(notify).toMatchObject({ request: { staffIds: ['someone-on-duty'], supervisorsOf: community!.unitId } });
    expect((notify as Extract<CaseEffect, { type: 'notify' }>).request.timeline?.map((entry) => entry.type)).toEqual(['submitted', 'assigned', 'escalated']);
  });

  it('under the legacy policy a rung starts when the look-up answered', () => {
    const legacy: CasePolicy = { rungStartsAtDeadline: false };
    const { run, last } = play(
      [
        [{ type: 'open' }, T0],
        [{ type: 'time' }, T0 + HOUR],
      ],
      legacy,
    );
    const lookUp = last[0] as Extract<CaseEffect, { type: 'look_up_duty_officer' }>;
    const found = caseStep(run, { type: 'duty_officer_found', escalation: lookUp.escalation, officerId: 'x' }, T0 + HOUR + 700, legacy);
    expect(found.state.case.dueAt).toBe(iso(T0 + 2 * HOUR + 700));
    expect(found.state.case.timeline.at(-1)?.at).toBe(iso(T0 + HOUR + 700));
  });

  it('ignores an officer found for a case that moved or was resolved meanwhile', () => {
    const { run, last } = play([
      [{ type: 'open' }, T0],
      [{ type: 'time' }, T0 + HOUR],
    ]);
    const lookUp = last[0] as Extract<CaseEffect, { type: 'look_up_duty_officer' }>;
    const resolved = caseStep(run, act({ type: 'resolve', note: 'fixed' }), T0 + HOUR + 100, CURRENT_CASE_POLICY).state;
    const found = caseStep(resolved, { type: 'duty_officer_found', escalation: lookUp.escalation, officerId: 'x' }, T0 + HOUR + 200, CURRENT_CASE_POLICY);
    expect(found.state).toBe(resolved);
    expect(found.effects).toEqual([]);
  });

  it('climbs to the district and is flagged overdue there, keeping its passed deadline', () => {
    let { run } = play([[{ type: 'open' }, T0]]);
    for (const [rung, due] of [
      [0, T0 + HOUR],
      [1, T0 + 2 * HOUR],
      [2, T0 + 3 * HOUR],
    ] as const) {
      const timed = caseStep(run, { type: 'time' }, due, CURRENT_CASE_POLICY);
      const lookUp = timed.effects.find((effect) => effect.type === 'look_up_duty_officer')!;
      expect(lookUp.escalation.fromRung).toBe(rung);
      run = caseStep(
        timed.state,
        { type: 'duty_officer_found', escalation: lookUp.escalation, officerId: lookUp.escalation.fallbackOfficerId },
        due,
        CURRENT_CASE_POLICY,
      ).state;
    }
    expect(run.case).toMatchObject({ level: 'district', unitId: district!.unitId, escalations: 3 });
    const top = caseStep(run, { type: 'time' }, T0 + 4 * HOUR, CURRENT_CASE_POLICY);
    expect(types(top.effects)).toEqual(['index', 'record:overdue', 'notify:case_overdue']);
    expect(top.state.case).toMatchObject({ overdue: true, dueAt: iso(T0 + 4 * HOUR) });
    expect(caseTimers(top.state)).toEqual([]);
    expect(street).toBeDefined();
  });

  it('a supervisor escalates at once, the rung starting at the step', () => {
    const supervisor: Actor = { kind: 'staff', id: community!.dutyOfficerId, role: 'supervisor', unitId: community!.unitId };
    const { last } = play([
      [{ type: 'open' }, T0],
      [act({ type: 'escalate', reason: 'needs the community' }, supervisor), T0 + 10 * MINUTE],
    ]);
    expect(last).toEqual([
      {
        type: 'look_up_duty_officer',
        escalation: expect.objectContaining({ actor: supervisor, reason: 'needs the community', rungStartsAtMs: T0 + 10 * MINUTE }),
      },
    ]);
  });

  it('a supervisor moves the deadline: the overdue flag clears and warnings restart', () => {
    const { run } = play([
      [{ type: 'open' }, T0],
      [act({ type: 'move_deadline', dueAt: iso(T0 + 5 * HOUR), reason: 'parts on order' }), T0 + HOUR / 2],
    ]);
    expect(run.case.dueAt).toBe(iso(T0 + 5 * HOUR));
    expect(run.case.timeline.at(-1)).toMatchObject({ type: 'deadline_moved', details: { from: iso(T0 + HOUR), to: iso(T0 + 5 * HOUR) } });
    expect(caseTimers(run).find((timer) => timer.kind === 'warning')).toEqual({ kind: 'warning', atMs: T0 + HOUR / 2 + (4.5 * HOUR) / 2, fraction: 0.5 });
  });

  it('reassigns within the rung and tells the new assignee', () => {
    const { run, last } = play([
      [{ type: 'open' }, T0],
      [act({ type: 'reassign', assigneeId: 'colleague', reason: 'on leave' }), T0 + MINUTE],
    ]);
    expect(run.case.assigneeId).toBe('colleague');
    expect(types(last)).toEqual(['index', 'record:reassigned', 'notify:case_reassigned']);
  });
});

describe('the closed loop', () => {
  it('acknowledge and start change the status; a note only records', () => {
    const { run, effects } = play([
      [{ type: 'open' }, T0],
      [act({ type: 'acknowledge' }), T0 + MINUTE],
      [act({ type: 'start' }), T0 + 2 * MINUTE],
      [act({ type: 'note', note: 'on my way' }), T0 + 3 * MINUTE],
    ]);
    expect(run.case.status).toBe('in_progress');
    expect(effects.slice(1).map(types)).toEqual([['index', 'record:acknowledged'], ['index', 'record:started'], ['record:note']]);
  });

  it('pauses while the resident is asked and resumes with the time that was left', () => {
    const asked = play([
      [{ type: 'open' }, T0],
      [act({ type: 'start' }), T0],
      [act({ type: 'request_info', note: 'which lamp?' }), T0 + 20 * MINUTE],
    ]);
    expect(asked.run.case).toMatchObject({ status: 'waiting_info', dueAt: undefined });
    expect(caseTimers(asked.run)).toEqual([]);
    const answered = caseStep(asked.run, act({ type: 'info_provided', note: 'the third' }, resident), T0 + 5 * HOUR, CURRENT_CASE_POLICY).state;
    expect(answered.case).toMatchObject({ status: 'in_progress', dueAt: iso(T0 + 5 * HOUR + 40 * MINUTE) });
  });

  it('resolves, tells the resident, and auto-closes when the confirmation window ends unanswered', () => {
    const resolved = play([
      [{ type: 'open' }, T0],
      [act({ type: 'resolve', note: 'replaced the bulb' }), T0 + 30 * MINUTE],
    ]);
    expect(resolved.run.case).toMatchObject({ status: 'resolved', confirmBy: iso(T0 + 30 * MINUTE + 72 * HOUR), resolvedAtLevel: 'grid' });
    expect(resolved.run.case.timeline.at(-1)?.details).toEqual({ withinDeadline: true });
    const notify = resolved.last.find((effect) => effect.type === 'notify');
    expect(notify).toMatchObject({ request: { template: 'case_resolved', resident: { email: 'resident@example.test' } } });
    expect(caseTimers(resolved.run)).toEqual([{ kind: 'auto_close', atMs: T0 + 30 * MINUTE + 72 * HOUR }]);

    const early = caseStep(resolved.run, { type: 'time' }, T0 + 71 * HOUR, CURRENT_CASE_POLICY);
    expect(early.state).toBe(resolved.run);
    const closed = caseStep(resolved.run, { type: 'time' }, T0 + 30 * MINUTE + 72 * HOUR, CURRENT_CASE_POLICY);
    expect(closed.state.case).toMatchObject({ status: 'closed', confirmBy: undefined });
    expect(types(closed.effects)).toEqual(['index', 'record:auto_closed', 'notify:case_closed']);
  });

  it('closes with the rating when the resident confirms', () => {
    const { run, last } = play([
      [{ type: 'open' }, T0],
      [act({ type: 'resolve', note: 'done' }), T0 + 30 * MINUTE],
      [act({ type: 'feedback', satisfied: true, rating: 5, comment: '谢谢' }, resident), T0 + HOUR],
    ]);
    expect(run.case).toMatchObject({ status: 'closed', rating: 5, feedbackComment: '谢谢', closedAt: iso(T0 + HOUR) });
    expect(types(last)).toEqual(['index', 'record:closed', 'notify:case_closed']);
  });

  it('reopens at the level that resolved it, with a fresh budget there', () => {
    const { run, last } = play([
      [{ type: 'open' }, T0],
      [act({ type: 'resolve', note: 'done' }), T0 + 30 * MINUTE],
      [act({ type: 'feedback', satisfied: false, rating: 1, comment: 'still dark' }, resident), T0 + 2 * HOUR],
    ]);
    expect(run.case).toMatchObject({ status: 'in_progress', reopens: 1, rating: 1, confirmBy: undefined, dueAt: iso(T0 + 3 * HOUR) });
    expect(types(last)).toEqual(['index', 'record:reopened', 'notify:case_assigned']);
  });

  it('a resolution after the deadline is recorded as late', () => {
    const { run } = play([
      [{ type: 'open' }, T0],
      [act({ type: 'resolve', note: 'late' }), T0 + HOUR + 1],
    ]);
    expect(run.case.timeline.at(-1)?.details).toEqual({ withinDeadline: false });
  });

  it('cancels for good', () => {
    const { run } = play([
      [{ type: 'open' }, T0],
      [act({ type: 'cancel', reason: 'duplicate' }), T0 + MINUTE],
    ]);
    expect(run.case).toMatchObject({ status: 'cancelled', closedAt: iso(T0 + MINUTE) });
    expect(caseTimers(run)).toEqual([]);
  });
});

describe('mediation and calendars', () => {
  const mediation = { mediationId: 'm-1', ladder: [{ unitId: community!.unitId, level: 'community' }], parties: [{}, {}] } as never;

  it('asks the shell to start the mediation, then waits for it with no deadline', () => {
    const { run, last } = play([
      [{ type: 'open' }, T0],
      [act({ type: 'start_mediation', mediation, note: 'neighbours' }), T0 + MINUTE],
    ]);
    expect(last).toEqual([{ type: 'start_mediation', mediation, actor: worker, note: 'neighbours' }]);
    const started = caseStep(run, { type: 'mediation_started', mediation, actor: worker, note: 'neighbours' }, T0 + MINUTE, CURRENT_CASE_POLICY).state;
    expect(started.case).toMatchObject({
      status: 'in_mediation',
      dueAt: undefined,
      mediation: { mediationId: 'm-1', stage: 'consent', unitId: community!.unitId },
    });
    expect(caseTimers(started)).toEqual([]);

    const stage = { mediationId: 'm-1', stage: 'sessions', level: 'community' as const, unitId: community!.unitId, final: false, at: iso(T0 + HOUR) };
    const progressed = caseStep(started, { type: 'mediation_progress', progress: stage }, T0 + HOUR, CURRENT_CASE_POLICY).state;
    expect(progressed.case.timeline.at(-1)?.type).toBe('mediation_stage');
    const ended = caseStep(
      progressed,
      { type: 'mediation_progress', progress: { ...stage, stage: 'fulfilled', final: true } },
      T0 + 2 * HOUR,
      CURRENT_CASE_POLICY,
    ).state;
    expect(ended.case).toMatchObject({ status: 'closed', closedAt: iso(T0 + HOUR) });
    const stranger = caseStep(ended, { type: 'mediation_progress', progress: { ...stage, mediationId: 'other' } }, T0 + 3 * HOUR, CURRENT_CASE_POLICY);
    expect(stranger.state).toBe(ended);
  });

  it('takes a newer calendar, and records it when the deadline moves', () => {
    const working = caseInputFor({
      submittedAtMs: Date.parse('2026-09-30T01:00:00.000Z'),
      sla: { clock: 'working', budgets: { grid: 8 * HOUR, community: HOUR, street: HOUR, district: HOUR } },
    });
    const { run } = play([[{ type: 'open' }, Date.parse(working.submittedAt)]], CURRENT_CASE_POLICY, openCase(working));
    const calendar = { ...run.plan.calendar, version: 'with-2026-10-08-off', holidays: [...run.plan.calendar.holidays, '2026-10-08'] };
    const unchanged = caseStep(
      run,
      { type: 'calendar', calendar: { ...run.plan.calendar, version: 'same-dates' } },
      Date.parse(working.submittedAt),
      CURRENT_CASE_POLICY,
    );
    expect(unchanged.state.plan.calendar.version).toBe('same-dates');
    expect(unchanged.effects).toEqual([]);
    const moved = caseStep(run, { type: 'calendar', calendar }, Date.parse(working.submittedAt), CURRENT_CASE_POLICY);
    expect(types(moved.effects)).toEqual(['index', 'record:calendar_updated']);
    expect(moved.state.case.timeline.at(-1)?.details).toMatchObject({ from: { dueAt: run.case.dueAt }, to: { version: 'with-2026-10-08-off' } });
    expect(Date.parse(moved.state.case.dueAt!)).toBeGreaterThan(Date.parse(run.case.dueAt!));
  });
});
