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
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { NotificationRequest, NotificationTemplate } from '../domain/notification';
import { currentPeriodMet, PERIOD_RECORDS_KEPT, type ObligationInput, type ObligationState } from '../domain/obligation-model';
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
import { refusalFailure } from './refusal-failure';
import { conflict } from '../domain/refusal';

export interface ObligationWorkflowOptions {
  /** Keep search attributes current (off only on the time-skipping test server). */
  searchAttributes?: boolean | undefined;
}

function refuse(refusal: ObligationRefusal | undefined): void {
  if (!refusal) return;
  throw refusalFailure(refusal, { conflict: OBLIGATION_CONFLICT, forbidden: OBLIGATION_FORBIDDEN });
}

export async function obligationWorkflow(
  input: ObligationInput,
  carried?: ObligationState,
  options: ObligationWorkflowOptions = {},
): Promise<ObligationState> {
  const state: ObligationState = carried ?? initialState(input, Date.now());
  let version = 0;
  let seq = 0;
  const notifier = new Notifier();
  const iso = (ms: number) => new Date(ms).toISOString();

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
      obligation: {
        obligationId: state.id,
        obligeeId: state.obligeeId,
        unitId: state.unitId,
        periodKey: state.current.key,
        periodEndsAt: state.current.endAt,
        required: state.times,
        contacts: state.current.contacts.length,
        missedInARow: state.streak.missed,
      },
      ...who,
    };
    notifier.send(request);
  }

  setHandler(getObligationQuery, () => state);
  setHandler(
    logContactUpdate,
    ({ at, channel, note, actor }) => {
      state.current.contacts.push({ at, channel, note, loggedBy: actor, loggedAt: iso(Date.now()), obligeeId: state.obligeeId });
      changed();
      return state;
    },
    { validator: ({ at, channel, actor }: LogContactRequest) => refuse(checkContact(state, input.units, { at, channel }, actor, Date.now())) },
  );
  setHandler(
    changeObligeeUpdate,
    ({ obligeeId, obligeeUnitId }) => {
      state.obligeeId = obligeeId;
      state.obligeeUnitId = obligeeUnitId;
      state.obligees.push({ staffId: obligeeId, from: iso(Date.now()) });
      changed();
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
      return state;
    },
    { validator: ({ actor }: EndObligationRequest) => refuse(checkSupervisorAction(state, input.units, actor)) },
  );

  changed();
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
  if (state.status === 'ended') return state;
  // A new run per period keeps the history of a years-long obligation at a few dozen events.
  return continueAsNew<typeof obligationWorkflow>(input, state, options);

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
