/**
 * `obligationWorkflow`: one contact obligation ("each street leader contacts each grid every
 * week"), one run per period. During a period it takes logged contacts and reminds the obligee
 * before the period ends unmet; at the end it records the period, tells the supervisor of a miss,
 * escalates repeated misses, and continues-as-new with its summary so history stays flat for years.
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { NotificationRequest, NotificationTemplate } from '../domain/notification';
import { currentPeriodMet, obligationFactsOf, PERIOD_RECORDS_KEPT, type ObligationInput, type ObligationState } from '../domain/obligation-model';
import { nextPeriod, periodContaining, type ObligationPeriod } from '../domain/obligation-periods';
import { checkContact, checkSupervisorAction, type ObligationRefusal } from '../domain/obligation-rules';
import { ASSIGNEE, DUE_AT, KIND, LEVEL, MET_PERIODS, MISSED_PERIODS, OVERDUE, STATUS, UNIT, UNITS } from '../temporal/search-attributes';
import {
  changeObligeeUpdate,
  endObligationUpdate,
  getObligationQuery,
  logContactUpdate,
  OBLIGATION_CONFLICT,
  OBLIGATION_FORBIDDEN,
  type ChangeObligeeRequest,
  type EndObligationRequest,
  type LogContactRequest,
} from './obligation-definitions';
import { Notifier } from './notifier';
import { Recorder, RECORDS_SETTLE_LIMIT } from './recorder';
import type { RecordEvent } from '../records/events';
import { refusalFailure } from './refusal-failure';
import { conflict } from '../domain/refusal';

export interface ObligationWorkflowOptions {
  /** Keep search attributes current (off only on the time-skipping test server). */
  searchAttributes?: boolean | undefined;
}

/** The records-store sequence carried from run to run (one run per period). */
export interface ObligationRecordsCarry {
  /** Seq of the last event queued so far. */
  seq: number;
  /** Events the store had not confirmed when the run before continued-as-new. */
  pending: RecordEvent[];
}

function refuse(refusal: ObligationRefusal | undefined): void {
  if (!refusal) return;
  throw refusalFailure(refusal, { conflict: OBLIGATION_CONFLICT, forbidden: OBLIGATION_FORBIDDEN });
}

export async function obligationWorkflow(
  input: ObligationInput,
  carried?: ObligationState,
  options: ObligationWorkflowOptions = {},
  records?: ObligationRecordsCarry,
): Promise<ObligationState> {
  // Obligations started before the records store write no events on replay (see caseWorkflow).
  const recording = patched('records-store');
  const state: ObligationState = carried ?? initialState(input, Date.now());
  let version = 0;
  let seq = 0;
  const notifier = new Notifier();
  const iso = (ms: number) => new Date(ms).toISOString();
  let recordSeq = records?.seq ?? 0;
  const recorder = recording ? new Recorder('obligation', () => ({ ...state }), records?.pending) : undefined;

  /** Queues an event for the records store (contacts, staff changes, period results, the end). */
  function recordEvent(type: string, data: Record<string, unknown>): void {
    recorder?.add({ seq: ++recordSeq, type, at: iso(Date.now()), data: { type, ...data } });
  }

  function syncSearchAttributes(): void {
    if (options.searchAttributes === false) return;
    upsertSearchAttributes([
      { key: KIND, value: 'obligation' },
      { key: STATUS, value: state.status === 'ended' ? 'ended' : currentPeriodMet(state) ? 'met' : 'pending' },
      { key: LEVEL, value: input.unitLevel },
      { key: UNIT, value: input.unitId },
      { key: UNITS, value: input.units },
      { key: ASSIGNEE, value: state.obligeeId },
      { key: DUE_AT, value: state.status === 'ended' ? null : new Date(state.current.endAt) },
      { key: OVERDUE, value: state.streak.missed >= input.missesToEscalate },
      { key: MET_PERIODS, value: state.totals.met },
      { key: MISSED_PERIODS, value: state.totals.missed },
    ]);
  }

  function changed(): void {
    syncSearchAttributes();
    version++;
  }

  function tell(template: NotificationTemplate, who: Pick<NotificationRequest, 'staffIds' | 'supervisorsOf'>): void {
    const request: NotificationRequest = {
      // Period key + template: unique per event, and the same if a replayed run sends it again.
      messageId: `${state.id}.${state.current.key}.${++seq}.${template}`,
      template,
      obligation: obligationFactsOf(state),
      ...who,
    };
    notifier.send(request);
  }

  setHandler(getObligationQuery, () => state);
  setHandler(
    logContactUpdate,
    ({ at, channel, note, actor }) => {
      const contact = { at, channel, note, loggedBy: actor, loggedAt: iso(Date.now()), obligeeId: state.obligeeId };
      state.current.contacts.push(contact);
      changed();
      recordEvent('contact_logged', { periodKey: state.current.key, contact: { ...contact } });
      return state;
    },
    { validator: ({ at, channel, actor }: LogContactRequest) => refuse(checkContact(state, input.units, { at, channel }, actor, Date.now())) },
  );
  setHandler(
    changeObligeeUpdate,
    ({ obligeeId, obligeeUnitId, actor, reason }) => {
      const from = state.obligeeId;
      state.obligeeId = obligeeId;
      state.obligeeUnitId = obligeeUnitId;
      state.obligees.push({ staffId: obligeeId, from: iso(Date.now()) });
      changed();
      // Who and why go into the record (a hand-over says the previous holder left); data only, so
      // histories from before replay unchanged.
      recordEvent('obligee_changed', { from, to: obligeeId, actor, ...(reason === undefined ? {} : { reason }) });
      return state;
    },
    {
      validator: ({ obligeeId, actor }: ChangeObligeeRequest) => {
        refuse(checkSupervisorAction(state, input.units, actor));
        if (obligeeId === state.obligeeId) refuse(conflict('refusal.sameObligee'));
      },
    },
  );
  setHandler(
    endObligationUpdate,
    ({ reason }) => {
      state.status = 'ended';
      state.endedAt = iso(Date.now());
      state.endReason = reason;
      changed();
      recordEvent('ended', { reason });
      return state;
    },
    { validator: ({ actor }: EndObligationRequest) => refuse(checkSupervisorAction(state, input.units, actor)) },
  );

  changed();
  // The first event of an obligation (or of one that ran before the store): its row exists from now.
  if (!carried) recordEvent('opened', { periodKey: state.current.key, obligeeId: state.obligeeId, unitId: state.unitId, period: state.period, times: state.times });
  else if (records === undefined) recordEvent('recording_started', { periodKey: state.current.key });
  const endMs = Date.parse(state.current.endAt);
  const reminderAt = endMs - input.reminderLeadMs;
  while (state.status === 'active' && Date.now() < endMs) {
    const seen = version;
    const wakeAt = !state.current.reminded && reminderAt > Date.now() ? reminderAt : endMs;
    await condition(() => version !== seen, Math.max(wakeAt - Date.now(), 1));
    if (state.status === 'active' && !state.current.reminded && Date.now() >= reminderAt && Date.now() < endMs) {
      state.current.reminded = true;
      if (!currentPeriodMet(state)) tell('obligation_reminder', { staffIds: [state.obligeeId] });
    }
  }

  if (state.status === 'active') closePeriod();
  await condition(allHandlersFinished);
  await notifier.drain();
  if (state.status === 'ended') {
    await recorder?.drain();
    return state;
  }
  // A new run per period keeps the history of a years-long obligation at a few dozen events.
  if (!recorder) return continueAsNew<typeof obligationWorkflow>(input, state, options);
  await recorder.settle(RECORDS_SETTLE_LIMIT);
  return continueAsNew<typeof obligationWorkflow>(input, state, options, { seq: recordSeq, pending: recorder.unconfirmed() });

  /** Records the period that just ended and opens the next one. */
  function closePeriod(): void {
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
    if (met) {
      state.totals.met++;
      state.streak = { met: state.streak.met + 1, missed: 0 };
    } else {
      state.totals.missed++;
      state.streak = { met: 0, missed: state.streak.missed + 1 };
      tell('obligation_missed', { supervisorsOf: input.supervisorUnitId });
      if (state.streak.missed % input.missesToEscalate === 0) {
        state.escalations++;
        tell('obligation_escalated', { supervisorsOf: input.escalationUnitId });
      }
    }
    const closed = state.history.at(-1)!;
    recordEvent('period_closed', { ...closed, unitId: state.unitId, escalated: !met && state.streak.missed % input.missesToEscalate === 0 });
    const next: ObligationPeriod = nextPeriod(toPeriod(state.current), input.period, input.timeZone);
    state.current = { key: next.key, startAt: iso(next.startMs), endAt: iso(next.endMs), contacts: [], reminded: false };
    changed();
  }
}

function toPeriod(current: ObligationState['current']): ObligationPeriod {
  return { key: current.key, startMs: Date.parse(current.startAt), endMs: Date.parse(current.endAt) };
}

function initialState(input: ObligationInput, nowMs: number): ObligationState {
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
    current: { key: period.key, startAt: new Date(period.startMs).toISOString(), endAt: new Date(period.endMs).toISOString(), contacts: [], reminded: false },
    history: [],
    totals: { met: 0, missed: 0 },
    streak: { met: 0, missed: 0 },
    escalations: 0,
    obligees: [{ staffId: input.obligeeId, from: new Date(nowMs).toISOString() }],
  };
}
