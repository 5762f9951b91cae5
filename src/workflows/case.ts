/**
 * `caseWorkflow`: one resident's service request, from assignment to closure, with an SLA
 * deadline at every level and escalation grid → community → street → district when it passes.
 *
 * The shell around the case machine (src/domain/case-machine.ts), which decides every step: this
 * file wires the Update, Query and Signals to it, looks up duty officers, starts the mediation
 * child, and sleeps until the machine's next timer. Deterministic: all policy arrives in the input
 * (SlaPlan), all I/O goes through activities, and time is the workflow clock.
 */
import { ParentClosePolicy, continueAsNew, patched, proxyActivities, proxyLocalActivities, setHandler, startChild } from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  caseStep,
  caseTimers,
  isFinalCase,
  openCase,
  tryCaseCalendar,
  type CaseEffect,
  type CaseEvent,
  type CasePolicy,
  type CaseRun,
  type PendingEscalation,
} from '../domain/case-machine';
import type { Actor, CaseInput, CaseState, SlaPlan, TimelineEntry } from '../domain/case-model';
import { checkAction, type ActionRequest } from '../domain/case-rules';
import { earliest } from '../domain/machine';
import type { MediationInput } from '../domain/mediation-model';
import type { LevelClock } from '../domain/sla-clock';
import type { RecordEvent } from '../records/events';
import { calendarToTake, calendarUpdateSignal, type CalendarUpdate } from './calendar-definitions';
import { CASE_CONFLICT, CASE_FORBIDDEN, caseActionUpdate, getCaseQuery, mediationProgressSignal } from './case-definitions';
import { DEFAULT_HISTORY_LIMIT, EntityRun, openOrFail } from './entity-run';
import { mediationWorkflow } from './mediation';
import { carriedRecordsOf, recordEventOf, snapshotOf } from './recorder';
import { refusalFailure } from './refusal-failure';

/**
 * The duty-officer look-up of cases started before RUNG_STARTS_AT_DEADLINE: a local activity, kept
 * for their replay. A local activity's result can reach the workflow in a later workflow task, and
 * one that outlasts a workflow task spans several: replay then reads the clock differently both
 * after it (its completion time, not the later task's) and before it (the last task's time).
 */
const { currentDutyOfficer: legacyDutyOfficerLookup } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '5 seconds',
  retry: { maximumAttempts: 3 },
});

/**
 * The look-up of newer cases: an ordinary activity, whose result arrives in a workflow task of its
 * own with the same time live and on replay. Bounded: when the directory does not answer within
 * 30 s the ladder's own duty officer takes the case, so a look-up never holds up an escalation long.
 */
const { currentDutyOfficer } = proxyActivities<Activities>({
  startToCloseTimeout: '5 seconds',
  scheduleToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 3 },
});

/**
 * The patch behind the rule that a case decides only on times replay reads the same: a rung starts
 * at the deadline that passed (not at "now" after the directory look-up), and the look-up is an
 * ordinary activity, not a local one. Cases started before it replay the old way.
 */
export const RUNG_STARTS_AT_DEADLINE = 'rung-starts-at-deadline';

/** What a case carries into its next run when it continues-as-new (a wire contract: never rename a field). */
export interface CaseCarryOver {
  state: CaseState;
  clock: LevelClock;
  /** Status to return to when the resident answers a request for information. */
  resumeStatus: CaseState['status'];
  /** Events the records store had not confirmed yet; absent when the run before did not record. */
  records?: RecordEvent[] | undefined;
  /** The SLA plan when a newer calendar has replaced the input's; absent otherwise. */
  sla?: SlaPlan | undefined;
}

/** Options that tests and operators may tune; production uses the defaults. */
export interface CaseWorkflowOptions {
  /** History length at which the case continues-as-new. */
  historyLimit?: number | undefined;
  /**
   * Keep the custom search attributes current (default true). Only a server without them can
   * turn this off: the time-skipping test server rejects unregistered attributes and offers no
   * way to register them, so workflow tests run without; integration tests cover visibility.
   */
  searchAttributes?: boolean | undefined;
}

export async function caseWorkflow(input: CaseInput, carried?: CaseCarryOver, options: CaseWorkflowOptions = {}): Promise<CaseState> {
  // Cases started before the records store write no events on replay: their history has no
  // activities for it. Decided once, at the start of each run.
  const recording = patched('records-store');
  // Cases started before this rule read the clock after the directory look-up; they keep doing so
  // on replay (see RUNG_STARTS_AT_DEADLINE).
  const policy: CasePolicy = { rungStartsAtDeadline: patched(RUNG_STARTS_AT_DEADLINE) };
  const start = carried ? carriedRun(input, carried) : openOrFail(() => openCase(input));

  const run = new EntityRun<CaseRun, CaseEvent, CaseEffect, TimelineEntry>({
    kind: 'case',
    state: start,
    step: (state, event, nowMs) => caseStep(state, event, nowMs, policy),
    recording,
    carriedRecords: carriedRecordsOf(carried, start.case.timeline),
    snapshot: (state) => snapshotOf(state.case),
    recordOf: recordEventOf,
    searchAttributes: options.searchAttributes !== false,
    perform: (effect) =>
      effect.type === 'look_up_duty_officer' ? lookUpDutyOfficer(effect.escalation) : startMediation(effect.mediation, effect.actor, effect.note),
  });

  async function lookUpDutyOfficer(escalation: PendingEscalation): Promise<void> {
    const lookUp = policy.rungStartsAtDeadline ? currentDutyOfficer : legacyDutyOfficerLookup;
    const officerId = (await lookUp(escalation.unitId).catch(() => undefined)) ?? escalation.fallbackOfficerId;
    await run.send({ type: 'duty_officer_found', escalation, officerId });
  }

  /**
   * Hands the dispute to `mediationWorkflow`, a child that reports its stages back by signal.
   * ABANDON: the mediation must outlive a continue-as-new of the case (which ends the parent run).
   */
  async function startMediation(mediation: MediationInput, actor: Actor, note?: string): Promise<void> {
    await startChild(mediationWorkflow, {
      workflowId: mediation.mediationId,
      args: [mediation, undefined, { searchAttributes: options.searchAttributes }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
    await run.send({ type: 'mediation_started', mediation, actor, note });
  }

  function onCalendarUpdate(update: CalendarUpdate): void {
    const calendar = calendarToTake(update, {
      open: !isFinalCase(run.state),
      current: run.state.plan.calendar,
      tryOn: (candidate) => tryCaseCalendar(run.state, candidate),
      ids: { caseId: run.state.case.id },
    });
    if (calendar) void run.send({ type: 'calendar', calendar });
  }

  const open = () => void run.send(carried ? { type: 'resume' } : { type: 'open' });
  // The opening steps are written before any handler exists, so a message delivered with the
  // start (update-with-start, an early update) finds the case already submitted and assigned.
  // Cases started before this change registered handlers first: they keep that order on replay.
  const openBeforeHandlers = patched('case-open-before-handlers');
  if (openBeforeHandlers) open();

  setHandler(getCaseQuery, () => run.state.case);
  setHandler(mediationProgressSignal, (progress) => void run.send({ type: 'mediation_progress', progress }));
  setHandler(calendarUpdateSignal, onCalendarUpdate);
  setHandler(
    caseActionUpdate,
    async (request: ActionRequest) => {
      await run.send({ type: 'action', request });
      return run.state.case;
    },
    {
      validator: (request: ActionRequest) => {
        const refusal = checkAction(run.state.case, request, Date.now());
        if (refusal) throw refusalFailure(refusal, { conflict: CASE_CONFLICT, forbidden: CASE_FORBIDDEN });
      },
    },
  );

  if (!openBeforeHandlers) open();

  // A dispute submitted with its parties goes straight to the community's mediation committee.
  if (!carried && input.mediation) await startMediation(input.mediation, input.submittedBy);

  await run.runUntilDone({
    done: () => isFinalCase(run.state),
    wakeAtMs: () => earliest(caseTimers(run.state)),
    // Awaited even when the step is synchronous: a case's histories write the records of a wake-up
    // before its next timer.
    onWake: async () => {
      await run.send({ type: 'time' });
    },
    historyLimit: options.historyLimit ?? DEFAULT_HISTORY_LIMIT,
    continueAsNew: (records) => {
      const { case: state, clock, resumeStatus, plan } = run.state;
      const next: CaseCarryOver = { state, clock, resumeStatus, ...(records ? { records } : {}), ...(plan === input.sla ? {} : { sla: plan }) };
      return continueAsNew<typeof caseWorkflow>(input, next, options);
    },
  });
  await run.complete();
  return run.state.case;
}

function carriedRun(input: CaseInput, carried: CaseCarryOver): CaseRun {
  return { case: carried.state, clock: carried.clock, resumeStatus: carried.resumeStatus, plan: carried.sla ?? input.sla };
}
