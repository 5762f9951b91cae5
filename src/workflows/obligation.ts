/**
 * `obligationWorkflow`: one contact obligation ("each street leader contacts each grid every
 * week"), one run per period.
 *
 * The shell around the obligation machine (src/domain/obligation-machine.ts): it wires the
 * Updates and the Query to it, sleeps until the reminder or the period's end, and continues-as-new
 * with the obligation's summary, so history stays flat for years.
 */
import { continueAsNew, patched, setHandler } from '@temporalio/workflow';
import { conflict } from '../domain/refusal';
import type { ObligationInput, ObligationState } from '../domain/obligation-model';
import {
  obligationStep,
  obligationWakeAt,
  openObligation,
  periodRunning,
  type ObligationEffect,
  type ObligationEntry,
  type ObligationEvent,
  type ObligationRun,
} from '../domain/obligation-machine';
import { checkContact, checkSupervisorAction, type ObligationRefusal } from '../domain/obligation-rules';
import type { RecordEvent } from '../records/events';
import { EntityRun } from './entity-run';
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
import { refusalFailure } from './refusal-failure';

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

/** What an obligation carries into its next period's run (a wire contract: never rename a field). */
export interface ObligationCarryOver {
  state: ObligationState;
  /** Absent when the run before did not write to the records store. */
  records?: ObligationRecordsCarry | undefined;
}

/**
 * @param carried the run before's carry-over; runs from before it was one object passed the state
 *   here and the records as a fourth argument, and still arrive so
 */
export async function obligationWorkflow(
  input: ObligationInput,
  carried?: ObligationCarryOver | ObligationState,
  options: ObligationWorkflowOptions = {},
  legacyRecords?: ObligationRecordsCarry,
): Promise<ObligationState> {
  // Obligations started before the records store write no events on replay (see caseWorkflow).
  const recording = patched('records-store');
  const carry: ObligationCarryOver | undefined = carried === undefined || 'state' in carried ? carried : { state: carried, records: legacyRecords };

  const run = new EntityRun<ObligationRun, ObligationEvent, ObligationEffect, ObligationEntry>({
    kind: 'obligation',
    state: { obligation: carry?.state ?? openObligation(input, Date.now()), recordSeq: carry?.records?.seq ?? 0, notices: 0 },
    step: (state, event, nowMs) => obligationStep(state, event, nowMs, input),
    recording,
    carriedRecords: carry?.records?.pending,
    snapshot: (state) => ({ ...state.obligation }),
    recordOf: (event) => event,
    searchAttributes: options.searchAttributes !== false,
  });
  const obligation = () => run.state.obligation;
  const refuse = (refusal: ObligationRefusal | undefined): void => {
    if (refusal) throw refusalFailure(refusal, { conflict: OBLIGATION_CONFLICT, forbidden: OBLIGATION_FORBIDDEN });
  };
  const send = (event: ObligationEvent): ObligationState => {
    void run.send(event);
    return obligation();
  };

  setHandler(getObligationQuery, obligation);
  setHandler(logContactUpdate, (request) => send({ type: 'contact_logged', ...request }), {
    validator: ({ at, channel, actor }: LogContactRequest) => refuse(checkContact(obligation(), input.units, { at, channel }, actor, Date.now())),
  });
  setHandler(changeObligeeUpdate, (request) => send({ type: 'obligee_changed', ...request }), {
    validator: ({ obligeeId, actor }: ChangeObligeeRequest) => {
      refuse(checkSupervisorAction(obligation(), input.units, actor));
      if (obligeeId === obligation().obligeeId) refuse(conflict('refusal.sameObligee'));
    },
  });
  setHandler(endObligationUpdate, ({ reason }) => send({ type: 'ended', reason }), {
    validator: ({ actor }: EndObligationRequest) => refuse(checkSupervisorAction(obligation(), input.units, actor)),
  });

  void run.send(carry ? { type: 'resume', recordingStarted: carry.records === undefined } : { type: 'open' });
  while (periodRunning(obligation(), Date.now())) {
    await run.waitForChange(obligationWakeAt(obligation(), input, Date.now()), 1);
    void run.send({ type: 'time' });
  }
  void run.send({ type: 'period_over' });

  await run.settle();
  if (obligation().status === 'ended') {
    await run.finishRecords();
    return obligation();
  }
  // A new run per period keeps the history of a years-long obligation at a few dozen events.
  const pending = await run.handOverRecords();
  const next: ObligationCarryOver = { state: obligation(), ...(pending ? { records: { seq: run.state.recordSeq, pending } } : {}) };
  return continueAsNew<typeof obligationWorkflow>(input, next, options);
}
