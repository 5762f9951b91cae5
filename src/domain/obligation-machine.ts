/**
 * A contact obligation, as a pure machine: one period at a time ("each street leader contacts each
 * grid every week"). During a period it takes logged contacts and hands-over to another holder,
 * and reminds the holder once, `reminderLeadMs` before the period ends unmet; when the period ends
 * it is recorded as met or missed, a miss is told to the holder's supervisor, and every
 * `missesToEscalate`-th miss in a row goes one level further up. `obligationWorkflow` carries out
 * the effects and continues-as-new into the next period.
 *
 * Pure: no clock but the `nowMs` it is given, no I/O.
 */
import type { Draft } from 'immer';
import type { Actor } from './case-model';
import { iso, MachineStep, transition, type CommonEffect, type StepContext, type Transition } from './machine';
import { currentPeriodMet, obligationFactsOf, PERIOD_RECORDS_KEPT, type ContactChannel, type ObligationInput, type ObligationState } from './obligation-model';
import { nextPeriod, periodContaining, type ObligationPeriod } from './obligation-periods';
import type { NotificationRequest, NotificationTemplate } from './notification';
import type { SearchIndex } from './search-index';

/**
 * One event of an obligation for the records store (contacts, staff changes, period results, the
 * end): numbered across periods, since an obligation has no timeline of its own to number them.
 */
export interface ObligationEntry {
  seq: number;
  type: string;
  at: string;
  data: Record<string, unknown>;
}

/** Everything an obligation's machine decides on in one run (one period). */
export interface ObligationRun {
  obligation: ObligationState;
  /** Seq of the last records-store event queued, carried from period to period. */
  recordSeq: number;
  /** Notifications sent in this run: numbers their Message-IDs, which are stable on replay. */
  notices: number;
}

/** What happens to an obligation. */
export type ObligationEvent =
  /** A new obligation: its first period opens. */
  | { type: 'open' }
  /** The next period's run began; `recordingStarted` when the run before wrote no records. */
  | { type: 'resume'; recordingStarted: boolean }
  | { type: 'contact_logged'; at: string; channel: ContactChannel; note?: string | undefined; actor: Actor }
  | { type: 'obligee_changed'; obligeeId: string; obligeeUnitId: string; actor: Actor; reason?: string | undefined }
  | { type: 'ended'; reason?: string | undefined }
  /** The wait ended (a change or the reminder instant): remind if it is time. */
  | { type: 'time' }
  /** The period is over: record it and open the next. */
  | { type: 'period_over' };

/** What the workflow shell carries out, in this order. */
export type ObligationEffect = CommonEffect<ObligationEntry, NotificationRequest>;

/** A fresh obligation, its first period the one containing `nowMs`. */
export function openObligation(input: ObligationInput, nowMs: number): ObligationState {
  const period = periodContaining(nowMs, input.period, input.timeZone);
  return {
    id: input.obligationId,
    ruleId: input.ruleId,
    status: 'active',
    obligeeId: input.obligeeId,
    obligeeUnitId: input.obligeeUnitId,
    unitId: input.unitId,
    period: input.period,
    times: input.times,
    current: { key: period.key, startAt: iso(period.startMs), endAt: iso(period.endMs), contacts: [], reminded: false },
    history: [],
    totals: { met: 0, missed: 0 },
    streak: { met: 0, missed: 0 },
    escalations: 0,
    obligees: [{ staffId: input.obligeeId, from: iso(nowMs) }],
  };
}

/** The obligation's search-visible facts: `met`/`pending` for the current period, overdue after repeated misses. */
export function obligationIndexOf(state: ObligationState, input: ObligationInput): SearchIndex {
  const ended = state.status === 'ended';
  return {
    kind: 'obligation',
    status: ended ? 'ended' : currentPeriodMet(state) ? 'met' : 'pending',
    level: input.unitLevel,
    unitId: input.unitId,
    units: input.units,
    assigneeId: state.obligeeId,
    dueAt: ended ? null : state.current.endAt,
    overdue: state.streak.missed >= input.missesToEscalate,
    metPeriods: state.totals.met,
    missedPeriods: state.totals.missed,
  };
}

/** The two instants of a period: the reminder (until it is sent) and the period's end. */
export function obligationTimers(state: ObligationState, input: ObligationInput): { kind: 'reminder' | 'period_end'; atMs: number }[] {
  const endMs = Date.parse(state.current.endAt);
  const reminder = state.current.reminded ? [] : [{ kind: 'reminder' as const, atMs: endMs - input.reminderLeadMs }];
  return [...reminder, { kind: 'period_end', atMs: endMs }];
}

/** When the run should wake next: the reminder while it is still ahead, else the period's end. */
export function obligationWakeAt(state: ObligationState, input: ObligationInput, nowMs: number): number {
  const ahead = obligationTimers(state, input).find((timer) => timer.atMs > nowMs);
  return ahead?.atMs ?? Date.parse(state.current.endAt);
}

/** True while the period runs for an active obligation. */
export function periodRunning(state: ObligationState, nowMs: number): boolean {
  return state.status === 'active' && nowMs < Date.parse(state.current.endAt);
}

/** One step of an obligation; `input` is its policy (period, contacts required, reminder lead, escalation). */
export function obligationStep(run: ObligationRun, event: ObligationEvent, nowMs: number, input: ObligationInput): Transition<ObligationRun, ObligationEffect> {
  return transition(run, nowMs, (step) => new ObligationStep(step, input).on(event));
}

class ObligationStep extends MachineStep<ObligationRun, ObligationEffect> {
  private readonly state: Draft<ObligationState>;

  constructor(
    step: StepContext<ObligationRun, ObligationEffect>,
    private readonly input: ObligationInput,
  ) {
    super(step);
    this.state = this.run.obligation;
  }

  on(event: ObligationEvent): void {
    const state = this.state;
    switch (event.type) {
      case 'open':
        this.changed();
        // The first event of an obligation: its row in the records store exists from now.
        this.record('opened', { periodKey: state.current.key, obligeeId: state.obligeeId, unitId: state.unitId, period: state.period, times: state.times });
        return;
      case 'resume':
        this.changed();
        if (event.recordingStarted) this.record('recording_started', { periodKey: state.current.key });
        return;
      case 'contact_logged': {
        const contact = { at: event.at, channel: event.channel, note: event.note, loggedBy: event.actor, loggedAt: iso(this.now), obligeeId: state.obligeeId };
        state.current.contacts.push(contact as Draft<typeof contact>);
        this.changed();
        this.record('contact_logged', { periodKey: state.current.key, contact: { ...contact } });
        return;
      }
      case 'obligee_changed': {
        const from = state.obligeeId;
        state.obligeeId = event.obligeeId;
        state.obligeeUnitId = event.obligeeUnitId;
        state.obligees.push({ staffId: event.obligeeId, from: iso(this.now) });
        this.changed();
        // Who and why go into the record (a hand-over says the previous holder left).
        this.record('obligee_changed', { from, to: event.obligeeId, actor: event.actor, ...(event.reason === undefined ? {} : { reason: event.reason }) });
        return;
      }
      case 'ended':
        state.status = 'ended';
        state.endedAt = iso(this.now);
        state.endReason = event.reason;
        this.changed();
        this.record('ended', { reason: event.reason });
        return;
      case 'time':
        return this.remindIfDue();
      case 'period_over':
        return this.closePeriod();
    }
  }

  private changed(): void {
    this.effects.push({ type: 'index', index: obligationIndexOf(this.state, this.input) });
  }

  /** Queues an event for the records store (contacts, staff changes, period results, the end). */
  private record(type: string, data: Record<string, unknown>): void {
    this.run.recordSeq++;
    this.effects.push({ type: 'record', entry: { seq: this.run.recordSeq, type, at: iso(this.now), data: { type, ...data } } });
  }

  private tell(template: NotificationTemplate, who: Pick<NotificationRequest, 'staffIds' | 'supervisorsOf'>): void {
    const state = this.state as ObligationState;
    this.run.notices++;
    this.effects.push({
      type: 'notify',
      // Period key + number: unique per event, and the same if a replayed run sends it again.
      request: { messageId: `${state.id}.${state.current.key}.${this.run.notices}.${template}`, template, obligation: obligationFactsOf(state), ...who },
    });
  }

  /** Once per period, before it ends: the holder is reminded if the period is not yet met. */
  private remindIfDue(): void {
    const state = this.state;
    const endMs = Date.parse(state.current.endAt);
    if (state.status !== 'active' || state.current.reminded || this.now < endMs - this.input.reminderLeadMs || this.now >= endMs) return;
    state.current.reminded = true;
    if (!currentPeriodMet(state)) this.tell('obligation_reminder', { staffIds: [state.obligeeId] });
  }

  /** Records the period that just ended and opens the next one. */
  private closePeriod(): void {
    const state = this.state;
    const input = this.input;
    if (state.status !== 'active') return;
    const met = currentPeriodMet(state);
    state.history.push({
      key: state.current.key,
      startAt: state.current.startAt,
      endAt: state.current.endAt,
      required: state.times,
      contacts: state.current.contacts.length,
      met,
      obligeeId: state.obligeeId,
    });
    if (state.history.length > PERIOD_RECORDS_KEPT) state.history.splice(0, state.history.length - PERIOD_RECORDS_KEPT);
    const escalated = !met && (state.streak.missed + 1) % input.missesToEscalate === 0;
    if (met) {
      state.totals.met++;
      state.streak = { met: state.streak.met + 1, missed: 0 };
    } else {
      state.totals.missed++;
      state.streak = { met: 0, missed: state.streak.missed + 1 };
      this.tell('obligation_missed', { supervisorsOf: input.supervisorUnitId });
      if (escalated) {
        state.escalations++;
        this.tell('obligation_escalated', { supervisorsOf: input.escalationUnitId });
      }
    }
    const closed = { ...state.history.at(-1)! };
    this.record('period_closed', { ...closed, unitId: state.unitId, escalated });
    const next: ObligationPeriod = nextPeriod(toPeriod(state.current), input.period, input.timeZone);
    state.current = { key: next.key, startAt: iso(next.startMs), endAt: iso(next.endMs), contacts: [], reminded: false };
    this.changed();
  }
}

function toPeriod(current: ObligationState['current']): ObligationPeriod {
  return { key: current.key, startMs: Date.parse(current.startAt), endMs: Date.parse(current.endAt) };
}
