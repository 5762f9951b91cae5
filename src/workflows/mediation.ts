/**
 * `mediationWorkflow`: one dispute through people's mediation — consent, a mediator, sessions, a
 * signed agreement with its 30-day judicial-confirmation window, follow-up, or escalation to the
 * next committee and referral.
 *
 * The shell around the mediation machine (src/domain/mediation-machine.ts), which decides every
 * step: this file wires the Update, Query and calendar Signal to it, reports progress to the
 * parent case, and sleeps until the stage's next timer. Runs as a child of its dispute case or on
 * its own. Deterministic: the policy arrives in the input (MediationPlan), time is the workflow clock.
 */
import { continueAsNew, getExternalWorkflowHandle, log, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import type { MediationProgress } from '../domain/case-model';
import { earliest } from '../domain/machine';
import {
  isFinalMediation,
  liveFiredTimers,
  mediationStep,
  nextMediationTimer,
  openMediation,
  type MediationEffect,
  type MediationEvent,
  type MediationRun,
} from '../domain/mediation-machine';
import type { MediationInput, MediationPlan, MediationState, MediationTimelineEntry } from '../domain/mediation-model';
import { checkMediationAction, legalPeriodEnd, type MediationActionRequest } from '../domain/mediation-rules';
import type { RecordEvent } from '../records/events';
import { calendarToTake, calendarUpdateSignal, type CalendarUpdate } from './calendar-definitions';
import { mediationProgressSignal } from './case-definitions';
import { DEFAULT_HISTORY_LIMIT, EntityRun, openOrFail } from './entity-run';
import { getMediationQuery, MEDIATION_CONFLICT, MEDIATION_FORBIDDEN, mediationActionUpdate } from './mediation-definitions';
import { carriedRecordsOf, recordEventOf, snapshotOf } from './recorder';
import { refusalFailure } from './refusal-failure';

/** What a mediation carries into its next run when it continues-as-new (a wire contract: never rename a field). */
export interface MediationCarryOver {
  state: MediationState;
  /** Keys of the current stage's timers that already fired, so none fires twice. */
  firedTimers: string[];
  /** What the parent case was last told, so a new run does not repeat it. */
  reported?: string | undefined;
  /** Events the records store had not confirmed yet; absent when the run before did not record. */
  records?: RecordEvent[] | undefined;
  /** The plan when a newer calendar has replaced the input's; absent otherwise. */
  plan?: MediationPlan | undefined;
}

/** Options that tests and operators may tune; production uses the defaults. */
export interface MediationWorkflowOptions {
  /** History length at which the mediation continues-as-new. */
  historyLimit?: number | undefined;
  /**
   * Keep the custom search attributes current (default true). Only the time-skipping test server,
   * which rejects unregistered attributes, turns this off (as for cases).
   */
  searchAttributes?: boolean | undefined;
}

export async function mediationWorkflow(input: MediationInput, carried?: MediationCarryOver, options: MediationWorkflowOptions = {}): Promise<MediationState> {
  // Mediations started before the records store write no events on replay (see caseWorkflow).
  const recording = patched('records-store');
  const parent = workflowInfo().parent;
  const start: MediationRun = {
    mediation: carried?.state ?? openOrFail(() => openMediation(input)),
    fired: carried?.firedTimers ?? [],
    reported: carried?.reported,
    plan: carried?.plan ?? input.plan,
  };

  const run = new EntityRun<MediationRun, MediationEvent, MediationEffect, MediationTimelineEntry>({
    kind: 'mediation',
    state: start,
    step: (state, event, nowMs) => mediationStep(state, event, nowMs, { reportsToCase: parent !== undefined }),
    recording,
    carriedRecords: carriedRecordsOf(carried, start.mediation.timeline),
    snapshot: (state) => snapshotOf(state.mediation),
    recordOf: recordEventOf,
    searchAttributes: options.searchAttributes !== false,
    perform: (effect) => report(effect.progress),
  });
  const mediation = () => run.state.mediation;

  /**
   * Tells the parent case where the mediation now stands. Addressed by workflow id alone, so it
   * reaches the case's current run; a case already closed is logged, not fatal.
   */
  function report(progress: MediationProgress): void {
    if (!parent) return;
    const delivery = getExternalWorkflowHandle(parent.workflowId)
      .signal(mediationProgressSignal, progress)
      .catch((error: unknown) => log.warn('parent case not told of mediation progress', { parent: parent.workflowId, error: String(error) }));
    run.track(delivery);
  }

  /**
   * A newer calendar: the next judicial-confirmation window is computed on it. Statutory periods
   * run on calendar days, so only a window's end moved off a rest day can differ; a window already
   * open keeps the end the parties were told.
   */
  function onCalendarUpdate(update: CalendarUpdate): void {
    const { plan } = run.state;
    const calendar = calendarToTake(update, {
      open: !isFinalMediation(run.state),
      current: plan.calendar,
      tryOn: (candidate) => legalPeriodEnd(Date.now(), plan.judicialWindowMs, candidate, plan.timeZone),
      ids: { mediationId: mediation().id },
    });
    if (calendar) void run.send({ type: 'calendar', calendar });
  }

  // Opened before the handlers exist: an update delivered with the start is applied on registration.
  void run.send(carried ? { type: 'resume' } : { type: 'open' });

  setHandler(getMediationQuery, mediation);
  setHandler(calendarUpdateSignal, onCalendarUpdate);
  setHandler(
    mediationActionUpdate,
    (request: MediationActionRequest) => {
      void run.send({ type: 'action', request });
      return mediation();
    },
    {
      validator: (request: MediationActionRequest) => {
        const refusal = checkMediationAction(mediation(), request, Date.now());
        if (refusal) throw refusalFailure(refusal, { conflict: MEDIATION_CONFLICT, forbidden: MEDIATION_FORBIDDEN });
      },
    },
  );

  await run.runUntilDone({
    done: () => isFinalMediation(run.state),
    wakeAtMs: () => earliest([nextMediationTimer(run.state)].filter((timer) => timer !== undefined)),
    onWake: () => run.send({ type: 'time' }),
    historyLimit: options.historyLimit ?? DEFAULT_HISTORY_LIMIT,
    continueAsNew: (records) => {
      const { mediation: state, reported, plan } = run.state;
      const next: MediationCarryOver = {
        state,
        firedTimers: liveFiredTimers(run.state),
        reported,
        ...(records ? { records } : {}),
        ...(plan === input.plan ? {} : { plan }),
      };
      return continueAsNew<typeof mediationWorkflow>(input, next, options);
    },
  });
  await run.complete();
  return mediation();
}
