/**
 * `caseWorkflow`: one resident's service request, from assignment to closure, with an SLA
 * deadline at every level and escalation grid → community → street → district when it passes.
 *
 * Deterministic: all policy arrives in the input (SlaPlan), all I/O goes through activities, and
 * time is the workflow clock. E-mails are fired without awaiting them, so an SMTP outage never
 * holds up an escalation.
 */
import {
  ApplicationFailure,
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  proxyLocalActivities,
  startChild,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { Actor, CaseInput, CaseState, MediationProgress, SlaPlan, TimelineEntry } from '../domain/case-model';
import { FINAL_STATUSES } from '../domain/case-model';
import { checkAction, type ActionRequest, type CaseAction } from '../domain/case-rules';
import type { NotificationRequest, NotificationTemplate } from '../domain/notification';
import {
  deadlineOf,
  moveDeadline,
  nextWarningAt,
  pauseClock,
  resumeClock,
  startLevelClock,
  stopClock,
  type LevelClock,
} from '../domain/sla-clock';
import { ASSIGNEE, CATEGORY, DUE_AT, KIND, LEVEL, OVERDUE, PRIORITY, STATUS, UNIT, UNITS } from '../temporal/search-attributes';
import type { MediationInput } from '../domain/mediation-model';
import type { RecordEvent } from '../records/events';
import { calendarToTake, calendarUpdateSignal, type CalendarUpdate } from './calendar-definitions';
import { CASE_CONFLICT, CASE_FORBIDDEN, caseActionUpdate, getCaseQuery, mediationProgressSignal } from './definitions';
import { mediationWorkflow } from './mediation';
import { Notifier } from './notifier';
import { carriedRecordsOf, Recorder, recordEventOf, RECORDS_SETTLE_LIMIT, snapshotOf } from './recorder';
import { refusalFailure } from './refusal-failure';
import { SYSTEM_REASONS } from '../domain/system-reasons';
import { stripUndefined } from './strip-undefined';

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

/**
 * How much later than the live run a replay of a case from before RUNG_STARTS_AT_DEADLINE may
 * read the clock on an escalated rung (the local activity's skew was 0.6-0.7 s; see onTime).
 */
const LEGACY_REPLAY_SKEW_MS = 2_000;

/** Continue-as-new well before Temporal's own history limits (50k events / 50 MB). */
const DEFAULT_HISTORY_LIMIT = 5_000;

/** What a case carries into its next run when it continues-as-new. */
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

export async function caseWorkflow(
  input: CaseInput,
  carried?: CaseCarryOver,
  options: CaseWorkflowOptions = {},
): Promise<CaseState> {
  // Cases started before the records store write no events on replay: their history has no
  // activities for it. Decided once, at the start of each run.
  const recording = patched('records-store');
  // Cases started before this rule read the clock after the directory look-up; they keep doing so
  // on replay (see RUNG_STARTS_AT_DEADLINE).
  const stableTime = patched(RUNG_STARTS_AT_DEADLINE);
  // The input's plan, until a newer calendar arrives by signal (see onCalendarUpdate).
  let plan: SlaPlan = carried?.sla ?? input.sla;
  const state: CaseState = carried?.state ?? initialState(input);
  let clock: LevelClock = carried?.clock ?? startLevelClock(plan.budgets.grid, Date.parse(input.submittedAt));
  let resumeStatus: CaseState['status'] = carried?.resumeStatus ?? 'in_progress';
  /** Bumped on every change, so the main loop wakes to recompute its next timer. */
  let version = 0;
  const notifier = new Notifier();
  const recorder = recording ? new Recorder('case', () => snapshotOf(state), carriedRecordsOf(carried, state.timeline)) : undefined;

  const now = () => Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  const currentRung = () => state.ladder.findIndex((rung) => rung.unitId === state.unitId);

  function record(type: string, actor: Actor, extra: Pick<TimelineEntry, 'note' | 'details'> = {}, atMs: number = now()): TimelineEntry {
    const entry: TimelineEntry = {
      seq: state.timeline.length + 1,
      at: iso(atMs),
      type,
      actor,
      level: state.level,
      unitId: state.unitId,
      assigneeId: state.assigneeId,
      ...stripUndefined(extra),
    };
    state.timeline.push(entry);
    recorder?.add(recordEventOf(entry));
    version++;
    return entry;
  }

  function refreshDeadline(): void {
    const due = deadlineOf(clock, plan);
    // An overdue case keeps its passed deadline so supervisors can sort by how long it is overdue.
    if (due !== undefined || !state.overdue) state.dueAt = due === undefined ? undefined : iso(due);
  }

  function syncSearchAttributes(): void {
    if (options.searchAttributes === false) return;
    upsertSearchAttributes([
      { key: KIND, value: 'case' },
      { key: STATUS, value: state.status },
      { key: LEVEL, value: state.level },
      { key: UNIT, value: state.unitId },
      { key: UNITS, value: state.ladder.map((rung) => rung.unitId) },
      { key: ASSIGNEE, value: state.assigneeId },
      { key: CATEGORY, value: state.category },
      { key: PRIORITY, value: state.priority },
      { key: DUE_AT, value: state.dueAt === undefined ? null : new Date(state.dueAt) },
      { key: OVERDUE, value: state.overdue },
    ]);
  }

  function changed(): void {
    refreshDeadline();
    syncSearchAttributes();
    version++;
  }

  function tell(entry: TimelineEntry, template: NotificationTemplate, who: Omit<NotificationRequest, 'messageId' | 'template' | 'facts'>): void {
    const request: NotificationRequest = {
      messageId: `${state.id}.${entry.seq}.${template}`,
      template,
      facts: {
        caseId: state.id,
        category: state.category,
        priority: state.priority,
        title: state.title,
        description: state.description,
        address: state.address,
        level: state.level,
        unitId: state.unitId,
        dueAt: state.dueAt,
        status: state.status,
      },
      ...who,
    };
    notifier.send(request);
  }

  function residentContact(): NotificationRequest['resident'] {
    const email = state.reporter?.email;
    return email ? { email, name: state.reporter?.name, locale: state.locale } : undefined;
  }

  /**
   * Moves the case one rung up the ladder to that unit's duty officer.
   *
   * @param decidedAt when the escalation was decided: the instant of the timer or step that caused it
   * @param rungStartsAt when the next level's budget begins: the deadline that passed, or for a
   *   supervisor's escalation the instant of the step
   */
  async function escalate(actor: Actor, reason: string, decidedAt: number, rungStartsAt: number): Promise<void> {
    const from = currentRung();
    const target = state.ladder[from + 1];
    if (!target) return;
    const lookUp = stableTime ? currentDutyOfficer : legacyDutyOfficerLookup;
    const officer = (await lookUp(target.unitId).catch(() => undefined)) ?? target.dutyOfficerId;
    // The lookup yielded: act only if the case is still open at the rung we started from.
    if (FINAL_STATUSES.includes(state.status) || state.status === 'resolved' || currentRung() !== from) return;
    const previous = { level: state.level, unitId: state.unitId, assigneeId: state.assigneeId };
    state.level = target.level;
    state.unitId = target.unitId;
    state.assigneeId = officer;
    state.status = 'assigned';
    state.escalations++;
    clock = startLevelClock(plan.budgets[target.level], stableTime ? rungStartsAt : now());
    changed();
    const details = { from: previous, to: { level: target.level, unitId: target.unitId, assigneeId: officer } };
    const entry = stableTime ? record('escalated', actor, { note: reason, details }, decidedAt) : record('escalated', actor, { note: reason, details });
    tell(entry, 'case_escalated', { staffIds: [officer], supervisorsOf: target.unitId, timeline: state.timeline, extra: { reason } });
  }

  function markOverdue(): void {
    state.overdue = true;
    clock = stopClock(clock);
    changed();
    const entry = record('overdue', { kind: 'system' }, { details: { dueAt: state.dueAt } });
    tell(entry, 'case_overdue', { staffIds: [state.assigneeId], supervisorsOf: state.unitId, timeline: state.timeline });
  }

  async function apply(request: ActionRequest): Promise<CaseState> {
    const { action, actor } = request;
    const t = now();
    switch (action.type) {
      case 'acknowledge':
        state.status = 'acknowledged';
        changed();
        record('acknowledged', actor, { note: action.note });
        break;
      case 'start':
        state.status = 'in_progress';
        changed();
        record('started', actor, { note: action.note });
        break;
      case 'note':
        record('note', actor, { note: action.note });
        break;
      case 'request_info':
        resumeStatus = state.status;
        state.status = 'waiting_info';
        clock = pauseClock(clock, plan, t);
        changed();
        record('info_requested', actor, { note: action.note });
        break;
      case 'info_provided':
        state.status = resumeStatus;
        clock = resumeClock(clock, t);
        changed();
        record('info_provided', actor, { note: action.note });
        break;
      case 'resolve': {
        const dueMs = deadlineOf(clock, plan);
        state.status = 'resolved';
        state.resolvedAt = iso(t);
        state.resolvedAtLevel = state.level;
        state.confirmBy = iso(t + plan.confirmWithinMs);
        clock = stopClock(clock);
        changed();
        const entry = record('resolved', actor, { note: action.note, details: { withinDeadline: dueMs === undefined ? !state.overdue : t <= dueMs } });
        tell(entry, 'case_resolved', { resident: residentContact(), extra: { note: action.note, confirmBy: state.confirmBy } });
        break;
      }
      case 'escalate':
        await escalate(actor, action.reason, t, t);
        break;
      case 'reassign': {
        const from = state.assigneeId;
        state.assigneeId = action.assigneeId;
        changed();
        const entry = record('reassigned', actor, { note: action.reason, details: { from, to: action.assigneeId } });
        tell(entry, 'case_reassigned', { staffIds: [action.assigneeId], extra: { reason: action.reason ?? '' } });
        break;
      }
      case 'move_deadline': {
        const from = state.dueAt;
        clock = moveDeadline(clock, plan, t, Date.parse(action.dueAt));
        state.overdue = false;
        changed();
        record('deadline_moved', actor, { note: action.reason, details: { from, to: state.dueAt } });
        break;
      }
      case 'cancel':
        state.status = 'cancelled';
        state.closedAt = iso(t);
        clock = stopClock(clock);
        changed();
        record('cancelled', actor, { note: action.reason });
        break;
      case 'feedback':
        applyFeedback(action, actor, t);
        break;
      case 'start_mediation':
        await startMediation(action.mediation, actor, action.note);
        break;
    }
    return state;
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
    state.status = 'in_mediation';
    clock = stopClock(clock);
    const community = mediation.ladder[0];
    state.mediation = { mediationId: mediation.mediationId, stage: 'consent', level: community?.level ?? state.level, unitId: community?.unitId ?? state.unitId, final: false, at: iso(now()) };
    changed();
    record('mediation_started', actor, { note, details: { mediationId: mediation.mediationId, parties: mediation.parties.length } });
  }

  /** The mediation's progress; when it ends, so does the case, with the mediation's outcome. */
  function onMediationProgress(progress: MediationProgress): void {
    if (state.mediation?.mediationId !== progress.mediationId || FINAL_STATUSES.includes(state.status)) return;
    state.mediation = progress;
    if (progress.final) {
      state.status = 'closed';
      state.closedAt = progress.at;
      changed();
      record('mediation_ended', { kind: 'system' }, { details: { mediationId: progress.mediationId, outcome: progress.stage } });
      return;
    }
    changed();
    record('mediation_stage', { kind: 'system' }, { details: { stage: progress.stage, level: progress.level, unitId: progress.unitId } });
  }

  /**
   * A newer calendar: the deadline and warnings from now on are computed on it. The clock keeps
   * its segment and budget, so the working time already spent is measured on the new calendar too
   * (a holiday added inside the running segment moves the deadline by that day). Recorded on the
   * timeline when the deadline moves, so staff and the resident's next answer say why.
   */
  function onCalendarUpdate(update: CalendarUpdate): void {
    const calendar = calendarToTake(update, {
      open: !FINAL_STATUSES.includes(state.status),
      current: plan.calendar,
      tryOn: (candidate) => {
        deadlineOf(clock, { ...plan, calendar: candidate });
        nextWarningAt(clock, { ...plan, calendar: candidate });
      },
      ids: { caseId: state.id },
    });
    if (!calendar) return;
    const from = { version: plan.calendar.version, dueAt: state.dueAt };
    plan = { ...plan, calendar };
    version++;
    const due = deadlineOf(clock, plan);
    if (due === undefined || iso(due) === from.dueAt) return;
    changed();
    record('calendar_updated', { kind: 'system' }, { details: { from, to: { version: calendar.version, dueAt: state.dueAt } } });
  }

  function applyFeedback(action: Extract<CaseAction, { type: 'feedback' }>, actor: Actor, t: number): void {
    if (action.satisfied) {
      state.status = 'closed';
      state.closedAt = iso(t);
      state.rating = action.rating;
      state.feedbackComment = action.comment;
      state.confirmBy = undefined;
      changed();
      const entry = record('closed', actor, { note: action.comment, details: { rating: action.rating, satisfied: true } });
      tell(entry, 'case_closed', { staffIds: [state.assigneeId], resident: residentContact(), extra: { rating: action.rating ?? '' } });
      return;
    }
    // Reopened: back to work at the level that resolved it, with a fresh budget there.
    state.status = 'in_progress';
    state.reopens++;
    state.rating = action.rating;
    state.confirmBy = undefined;
    clock = startLevelClock(plan.budgets[state.level], t);
    changed();
    const entry = record('reopened', actor, { note: action.comment, details: { rating: action.rating, reopens: state.reopens } });
    tell(entry, 'case_assigned', { staffIds: [state.assigneeId], extra: { reopened: state.reopens } });
  }

  /** Acts on whatever time has brought: auto-close, warnings, deadline passed. */
  async function onTime(): Promise<void> {
    const t = now();
    if (state.status === 'resolved' && state.confirmBy !== undefined && t >= Date.parse(state.confirmBy)) {
      state.status = 'closed';
      state.closedAt = iso(t);
      state.confirmBy = undefined;
      changed();
      const entry = record('auto_closed', { kind: 'system' }, { details: { reason: SYSTEM_REASONS.noResidentAnswer } });
      tell(entry, 'case_closed', { staffIds: [state.assigneeId], resident: residentContact() });
      return;
    }
    // A wake-up that finds several warnings due (it ran late) sends only the latest: two e-mails
    // at once say nothing the second does not. Older cases send every due warning, as they did
    // live, except on an escalated rung a further warning that fell due only within the replay
    // skew: the live run, reading the clock earlier, had not seen it yet. That is what lets those
    // histories replay (test/replay/histories/case-nondeterministic-under-load.json); one due long
    // before (after a worker outage) is sent, as it was live.
    const coalesce = stableTime;
    const skewGuard = !stableTime && state.escalations > 0;
    const due = deadlineOf(clock, plan);
    let latest: { fraction: number } | undefined;
    let first = true;
    for (let warning = nextWarningAt(clock, plan); warning && warning.atMs <= t; warning = nextWarningAt(clock, plan)) {
      clock = { ...clock, warned: clock.warned + 1 };
      if (coalesce) latest = warning;
      else if (!(skewGuard && !first && warning.atMs > t - LEGACY_REPLAY_SKEW_MS)) warn(warning.fraction, due, t);
      first = false;
    }
    if (latest) warn(latest.fraction, due, t);
    if (due !== undefined && t >= due) {
      if (currentRung() < state.ladder.length - 1) await escalate({ kind: 'system' }, SYSTEM_REASONS.deadlinePassed, t, due);
      else markOverdue();
    }
  }

  function warn(fraction: number, due: number | undefined, t: number): void {
    // A warning whose deadline has already passed would only precede the escalation e-mail.
    if (due === undefined || due <= t) return;
    const entry = record('warned', { kind: 'system' }, { details: { fraction, dueAt: state.dueAt } });
    tell(entry, 'case_warning', { staffIds: [state.assigneeId], extra: { percent: Math.round(fraction * 100) } });
  }

  function nextWakeAt(): number | undefined {
    const candidates = [deadlineOf(clock, plan), nextWarningAt(clock, plan)?.atMs];
    if (state.status === 'resolved' && state.confirmBy !== undefined) candidates.push(Date.parse(state.confirmBy));
    const times = candidates.filter((value): value is number => value !== undefined);
    return times.length > 0 ? Math.min(...times) : undefined;
  }

  function open(): void {
    if (!carried) {
      record('submitted', input.submittedBy, { details: { category: input.category, priority: input.priority } });
      changed();
      const entry = record('assigned', { kind: 'system' }, { details: { assigneeId: state.assigneeId, dueAt: state.dueAt } });
      tell(entry, 'case_assigned', { staffIds: [state.assigneeId] });
    } else {
      changed();
    }
  }

  // The opening steps are written before any handler exists, so a message delivered with the
  // start (update-with-start, an early update) finds the case already submitted and assigned.
  // Cases started before this change registered handlers first: they keep that order on replay.
  const openBeforeHandlers = patched('case-open-before-handlers');
  if (openBeforeHandlers) open();

  setHandler(getCaseQuery, () => state);
  setHandler(mediationProgressSignal, onMediationProgress);
  setHandler(calendarUpdateSignal, onCalendarUpdate);
  setHandler(caseActionUpdate, apply, {
    validator: (request: ActionRequest) => {
      const refusal = checkAction(state, request, now());
      if (refusal) {
        throw refusalFailure(refusal, { conflict: CASE_CONFLICT, forbidden: CASE_FORBIDDEN });
      }
    },
  });

  if (!openBeforeHandlers) open();

  // A dispute submitted with its parties goes straight to the community's mediation committee.
  if (!carried && input.mediation) await startMediation(input.mediation, input.submittedBy);

  const historyLimit = options.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  while (!FINAL_STATUSES.includes(state.status)) {
    const wakeAt = nextWakeAt();
    const seen = version;
    if (wakeAt === undefined) await condition(() => version !== seen);
    else if (wakeAt > now()) await condition(() => version !== seen, wakeAt - now());
    await onTime();
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > historyLimit) {
      await condition(allHandlersFinished);
      if (FINAL_STATUSES.includes(state.status)) break;
      await notifier.drain();
      await recorder?.settle(RECORDS_SETTLE_LIMIT);
      const records = recorder ? { records: recorder.unconfirmed() } : {};
      const sla = plan === input.sla ? {} : { sla: plan };
      await continueAsNew<typeof caseWorkflow>(input, { state, clock, resumeStatus, ...records, ...sla }, options);
    }
  }
  await condition(allHandlersFinished);
  await notifier.drain();
  await recorder?.drain();
  return state;
}

function initialState(input: CaseInput): CaseState {
  const grid = input.ladder[0];
  if (!grid) throw ApplicationFailure.nonRetryable('a case needs a ladder starting at its grid', 'InvalidCaseInput');
  return {
    id: input.caseId,
    status: 'assigned',
    category: input.category,
    priority: input.priority,
    title: input.title,
    description: input.description,
    address: input.address,
    location: input.location,
    reporter: input.reporter,
    locale: input.locale,
    submittedBy: input.submittedBy,
    submittedAt: input.submittedAt,
    level: grid.level,
    unitId: grid.unitId,
    gridId: grid.unitId,
    ladder: input.ladder,
    assigneeId: input.assigneeId,
    overdue: false,
    escalations: 0,
    reopens: 0,
    timeline: [],
  };
}
