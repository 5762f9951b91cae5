/**
 * The life of a case, as a pure machine: every transition of the closed loop (assign, sign for,
 * work, ask the resident, resolve, confirm or reopen, close) and of the SLA ladder (warn at the
 * plan's fractions, escalate grid → community → street → district when a deadline passes, flag
 * the case overdue at the top). `caseWorkflow` only carries out the effects this returns.
 *
 * When a case…
 * - **warns**: a `time` event finds one of the plan's warning instants passed on the running clock
 *   ({@link caseTimers}); one e-mail, for the latest warning due.
 * - **escalates**: a `time` event finds the deadline passed below the top of the ladder, or a
 *   supervisor asks; the next rung's duty officer is looked up (an effect), and the rung starts at
 *   the deadline that passed (`duty_officer_found`).
 * - **is overdue**: the deadline passes at the top rung; the clock stops and supervisors are told.
 * - **pauses**: staff request information; the clock stops until the resident answers.
 * - **closes**: the resident confirms, or says nothing until `confirmBy` (auto-close), or a
 *   dispute's mediation ends; `cancel` ends it too.
 *
 * Pure: no clock but the `nowMs` it is given, no I/O, so a replay computes the same steps.
 */
import { current, isDraft, type Draft } from 'immer';
import type { ActionRequest, CaseAction } from './case-rules';
import {
  FINAL_STATUSES,
  type Actor,
  type CaseInput,
  type CaseState,
  type CaseStatus,
  type MediationProgress,
  type SlaPlan,
  type TimelineEntry,
} from './case-model';
import { InvalidEntityInput, iso, MachineStep, transition, type CommonEffect, type StepContext, type Transition } from './machine';
import type { MediationInput } from './mediation-model';
import type { NotificationRequest, NotificationTemplate } from './notification';
import type { SearchIndex } from './search-index';
import { deadlineOf, moveDeadline, nextWarningAt, pauseClock, resumeClock, startLevelClock, stopClock, type LevelClock } from './sla-clock';
import { stripUndefined } from './strip-undefined';
import { SYSTEM_REASONS } from './system-reasons';

/** The working calendar a plan computes on. */
type WorkingCalendar = SlaPlan['calendar'];

/** Everything a case's machine decides on: the case, its clock at this level, and its plan. */
export interface CaseRun {
  case: CaseState;
  clock: LevelClock;
  /** Status to return to when the resident answers a request for information. */
  resumeStatus: CaseStatus;
  /** The SLA plan: the input's, until a newer calendar replaces it. */
  plan: SlaPlan;
}

/**
 * How a case decides where its history began under older rules. Each field is one `patched()`
 * marker read by the workflow; new cases run with {@link CURRENT_CASE_POLICY}.
 */
export interface CasePolicy {
  /**
   * A rung starts at the deadline that passed, and an escalation is recorded at the instant it was
   * decided. False only for cases started before that rule: they read "now" after the look-up.
   */
  rungStartsAtDeadline: boolean;
}

/** The policy of every case started today. */
export const CURRENT_CASE_POLICY: CasePolicy = { rungStartsAtDeadline: true };

/**
 * How much later than the live run a replay of a case from before `rungStartsAtDeadline` may read
 * the clock on an escalated rung (the local look-up's skew was 0.6-0.7 s; see the `time` event).
 */
export const LEGACY_REPLAY_SKEW_MS = 2_000;

/** An escalation waiting for the duty officer of the rung it moves to. */
export interface PendingEscalation {
  actor: Actor;
  reason: string;
  /** When the escalation was decided: the instant of the timer or step that caused it. */
  decidedAtMs: number;
  /** When the next level's budget begins: the deadline that passed, or the supervisor's step. */
  rungStartsAtMs: number;
  /** The rung the case stood on when it was decided: a case that moved meanwhile stays put. */
  fromRung: number;
  unitId: string;
  /** The ladder's own duty officer, when the directory does not answer. */
  fallbackOfficerId: string;
}

/** What happens to a case. */
export type CaseEvent =
  /** A new case: submitted and assigned to its grid worker. */
  | { type: 'open' }
  /** A run continued-as-new with the case carried over. */
  | { type: 'resume' }
  | { type: 'action'; request: ActionRequest }
  /** The duty officer of the next rung was found (or the ladder's fallback taken). */
  | { type: 'duty_officer_found'; escalation: PendingEscalation; officerId: string }
  /** The dispute's mediation workflow has started. */
  | { type: 'mediation_started'; mediation: MediationInput; actor: Actor; note?: string | undefined }
  | { type: 'mediation_progress'; progress: MediationProgress }
  /** A newer calendar the workflow has checked (see `calendarToTake`). */
  | { type: 'calendar'; calendar: WorkingCalendar }
  /** The clock reached one of {@link caseTimers}, or the case changed: act on what is due. */
  | { type: 'time' };

/** What the workflow shell carries out, in this order. */
export type CaseEffect =
  | CommonEffect<TimelineEntry, NotificationRequest>
  | { type: 'look_up_duty_officer'; escalation: PendingEscalation }
  | { type: 'start_mediation'; mediation: MediationInput; actor: Actor; note?: string | undefined };

/** One instant at which a case must wake. */
export type CaseTimer = { kind: 'deadline'; atMs: number } | { kind: 'warning'; atMs: number; fraction: number } | { kind: 'auto_close'; atMs: number };

/**
 * A new case as intake hands it to the workflow, with its first deadline: the API answers the
 * submission with that deadline and starts the workflow with its {@link caseIndexOf}, so both come
 * from here.
 */
export function openCase(input: CaseInput): CaseRun {
  const grid = input.ladder[0];
  if (!grid) throw new InvalidCaseInput('a case needs a ladder starting at its grid');
  const clock = startLevelClock(input.sla.budgets.grid, Date.parse(input.submittedAt));
  const due = deadlineOf(clock, input.sla);
  const state: CaseState = {
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
    dueAt: due === undefined ? undefined : iso(due),
    overdue: false,
    escalations: 0,
    reopens: 0,
    timeline: [],
  };
  return { case: state, clock, resumeStatus: 'in_progress', plan: input.sla };
}

/** A case's first deadline (ISO), as intake reports it and the workflow runs it. */
export function firstDeadline(input: CaseInput): string {
  const dueAt = openCase(input).case.dueAt;
  if (dueAt === undefined) throw new InvalidCaseInput('a new case has a running clock');
  return dueAt;
}

/** Input a case cannot start from; the workflow turns it into a non-retryable failure. */
export class InvalidCaseInput extends InvalidEntityInput {
  override readonly name = 'InvalidCaseInput';
}

/** The case's search-visible facts. */
export function caseIndexOf(state: CaseState): SearchIndex {
  return {
    kind: 'case',
    status: state.status,
    level: state.level,
    unitId: state.unitId,
    units: state.ladder.map((rung) => rung.unitId),
    assigneeId: state.assigneeId,
    category: state.category,
    priority: state.priority,
    dueAt: state.dueAt ?? null,
    overdue: state.overdue,
  };
}

export function isFinalCase(run: CaseRun): boolean {
  return FINAL_STATUSES.includes(run.case.status);
}

/** The instants the case must wake at: the deadline, the next warning, and the end of the confirmation window. */
export function caseTimers(run: CaseRun): CaseTimer[] {
  const timers: CaseTimer[] = [];
  const due = deadlineOf(run.clock, run.plan);
  if (due !== undefined) timers.push({ kind: 'deadline', atMs: due });
  const warning = nextWarningAt(run.clock, run.plan);
  if (warning) timers.push({ kind: 'warning', atMs: warning.atMs, fraction: warning.fraction });
  if (run.case.status === 'resolved' && run.case.confirmBy !== undefined) timers.push({ kind: 'auto_close', atMs: Date.parse(run.case.confirmBy) });
  return timers;
}

/**
 * Computes the deadline and warnings of `run` on a candidate calendar, so a calendar that cannot
 * answer for this case (its horizon ends too soon) throws before the case takes it.
 */
export function tryCaseCalendar(run: CaseRun, calendar: WorkingCalendar): void {
  const plan = { ...run.plan, calendar };
  deadlineOf(run.clock, plan);
  nextWarningAt(run.clock, plan);
}

/** One step of a case. */
export function caseStep(run: CaseRun, event: CaseEvent, nowMs: number, policy: CasePolicy): Transition<CaseRun, CaseEffect> {
  return transition(run, nowMs, (step) => new CaseStep(step, policy).on(event));
}

type EntryExtra = Pick<TimelineEntry, 'note' | 'details'>;
type Audience = Omit<NotificationRequest, 'messageId' | 'template' | 'facts'>;

/** One step's working copy: the transitions below change it, and list their effects in order. */
class CaseStep extends MachineStep<CaseRun, CaseEffect> {
  private readonly state: Draft<CaseState>;

  constructor(
    step: StepContext<CaseRun, CaseEffect>,
    private readonly policy: CasePolicy,
  ) {
    super(step);
    this.state = this.run.case;
  }

  on(event: CaseEvent): void {
    switch (event.type) {
      case 'open':
        return this.open();
      case 'resume':
        return this.changed();
      case 'action':
        return this.act(event.request);
      case 'duty_officer_found':
        return this.escalateTo(event.escalation, event.officerId);
      case 'mediation_started':
        return this.mediationStarted(event.mediation, event.actor, event.note);
      case 'mediation_progress':
        return this.mediationProgress(event.progress);
      case 'calendar':
        return this.takeCalendar(event.calendar);
      case 'time':
        return this.onTime();
    }
  }

  // ── Plumbing of a step ─────────────────────────────────────────────────────────────────

  private currentRung(): number {
    return this.state.ladder.findIndex((rung) => rung.unitId === this.state.unitId);
  }

  private record(type: string, actor: Actor, extra: EntryExtra = {}, atMs: number = this.now): TimelineEntry {
    const entry: TimelineEntry = {
      seq: this.state.timeline.length + 1,
      at: iso(atMs),
      type,
      actor,
      level: this.state.level,
      unitId: this.state.unitId,
      assigneeId: this.state.assigneeId,
      ...stripUndefined(extra),
    };
    this.state.timeline.push(entry as Draft<TimelineEntry>);
    this.effects.push({ type: 'record', entry });
    return entry;
  }

  /** The deadline follows the clock, and the search attributes follow the case. */
  private changed(): void {
    const due = deadlineOf(this.run.clock, this.run.plan);
    // An overdue case keeps its passed deadline so supervisors can sort by how long it is overdue.
    if (due !== undefined || !this.state.overdue) this.state.dueAt = due === undefined ? undefined : iso(due);
    this.effects.push({ type: 'index', index: caseIndexOf(this.state) });
  }

  private tell(entry: TimelineEntry, template: NotificationTemplate, who: Audience): void {
    const state = this.state;
    this.effects.push({
      type: 'notify',
      request: {
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
      },
    });
  }

  private residentContact(): NotificationRequest['resident'] {
    const email = this.state.reporter?.email;
    return email ? { email, name: this.state.reporter?.name, locale: this.state.locale } : undefined;
  }

  private timeline(): TimelineEntry[] {
    const timeline = this.state.timeline;
    return isDraft(timeline) ? current(timeline) : [...timeline];
  }

  // ── Opening ────────────────────────────────────────────────────────────────────────────

  private open(): void {
    this.record('submitted', this.before.case.submittedBy, { details: { category: this.state.category, priority: this.state.priority } });
    this.changed();
    const entry = this.record('assigned', { kind: 'system' }, { details: { assigneeId: this.state.assigneeId, dueAt: this.state.dueAt } });
    this.tell(entry, 'case_assigned', { staffIds: [this.state.assigneeId] });
  }

  // ── Steps staff, residents and integrations take ───────────────────────────────────────

  private act({ action, actor }: ActionRequest): void {
    const state = this.state;
    const run = this.run;
    const t = this.now;
    switch (action.type) {
      case 'acknowledge':
        state.status = 'acknowledged';
        this.changed();
        this.record('acknowledged', actor, { note: action.note });
        break;
      case 'start':
        state.status = 'in_progress';
        this.changed();
        this.record('started', actor, { note: action.note });
        break;
      case 'note':
        this.record('note', actor, { note: action.note });
        break;
      case 'request_info':
        // Paused: the time the resident takes to answer does not count against staff.
        run.resumeStatus = state.status;
        state.status = 'waiting_info';
        run.clock = pauseClock(run.clock, run.plan, t);
        this.changed();
        this.record('info_requested', actor, { note: action.note });
        break;
      case 'info_provided':
        state.status = run.resumeStatus;
        run.clock = resumeClock(run.clock, t);
        this.changed();
        this.record('info_provided', actor, { note: action.note });
        break;
      case 'resolve': {
        const dueMs = deadlineOf(run.clock, run.plan);
        state.status = 'resolved';
        state.resolvedAt = iso(t);
        state.resolvedAtLevel = state.level;
        state.confirmBy = iso(t + run.plan.confirmWithinMs);
        run.clock = stopClock(run.clock);
        this.changed();
        const withinDeadline = dueMs === undefined ? !state.overdue : t <= dueMs;
        const entry = this.record('resolved', actor, { note: action.note, details: { withinDeadline } });
        this.tell(entry, 'case_resolved', { resident: this.residentContact(), extra: { note: action.note, confirmBy: state.confirmBy } });
        break;
      }
      case 'escalate':
        this.escalate(actor, action.reason, t, t);
        break;
      case 'reassign': {
        const from = state.assigneeId;
        state.assigneeId = action.assigneeId;
        this.changed();
        const entry = this.record('reassigned', actor, { note: action.reason, details: { from, to: action.assigneeId } });
        this.tell(entry, 'case_reassigned', { staffIds: [action.assigneeId], extra: { reason: action.reason ?? '' } });
        break;
      }
      case 'move_deadline': {
        const from = state.dueAt;
        run.clock = moveDeadline(run.clock, run.plan, t, Date.parse(action.dueAt));
        state.overdue = false;
        this.changed();
        this.record('deadline_moved', actor, { note: action.reason, details: { from, to: state.dueAt } });
        break;
      }
      case 'cancel':
        state.status = 'cancelled';
        state.closedAt = iso(t);
        run.clock = stopClock(run.clock);
        this.changed();
        this.record('cancelled', actor, { note: action.reason });
        break;
      case 'feedback':
        this.feedback(action, actor);
        break;
      case 'start_mediation':
        this.effects.push({ type: 'start_mediation', mediation: action.mediation, actor, note: action.note });
        break;
    }
  }

  /** The resident's answer to a resolution: closed with a rating, or reopened. */
  private feedback(action: Extract<CaseAction, { type: 'feedback' }>, actor: Actor): void {
    const state = this.state;
    const t = this.now;
    if (action.satisfied) {
      state.status = 'closed';
      state.closedAt = iso(t);
      state.rating = action.rating;
      state.feedbackComment = action.comment;
      state.confirmBy = undefined;
      this.changed();
      const entry = this.record('closed', actor, { note: action.comment, details: { rating: action.rating, satisfied: true } });
      this.tell(entry, 'case_closed', { staffIds: [state.assigneeId], resident: this.residentContact(), extra: { rating: action.rating ?? '' } });
      return;
    }
    // Reopened: back to work at the level that resolved it, with a fresh budget there.
    state.status = 'in_progress';
    state.reopens++;
    state.rating = action.rating;
    state.confirmBy = undefined;
    this.run.clock = startLevelClock(this.run.plan.budgets[state.level], t);
    this.changed();
    const entry = this.record('reopened', actor, { note: action.comment, details: { rating: action.rating, reopens: state.reopens } });
    this.tell(entry, 'case_assigned', { staffIds: [state.assigneeId], extra: { reopened: state.reopens } });
  }

  // ── The ladder ─────────────────────────────────────────────────────────────────────────

  /** Decides to move the case one rung up: first the next rung's duty officer is looked up. */
  private escalate(actor: Actor, reason: string, decidedAtMs: number, rungStartsAtMs: number): void {
    const fromRung = this.currentRung();
    const target = this.state.ladder[fromRung + 1];
    if (!target) return;
    this.effects.push({
      type: 'look_up_duty_officer',
      escalation: { actor, reason, decidedAtMs, rungStartsAtMs, fromRung, unitId: target.unitId, fallbackOfficerId: target.dutyOfficerId },
    });
  }

  /** Moves the case to the next rung's duty officer, if it is still open where the escalation was decided. */
  private escalateTo(escalation: PendingEscalation, officer: string): void {
    const state = this.state;
    if (FINAL_STATUSES.includes(state.status) || state.status === 'resolved' || this.currentRung() !== escalation.fromRung) return;
    const target = state.ladder[escalation.fromRung + 1];
    if (!target) return;
    const stable = this.policy.rungStartsAtDeadline;
    const previous = { level: state.level, unitId: state.unitId, assigneeId: state.assigneeId };
    state.level = target.level;
    state.unitId = target.unitId;
    state.assigneeId = officer;
    state.status = 'assigned';
    state.escalations++;
    this.run.clock = startLevelClock(this.run.plan.budgets[target.level], stable ? escalation.rungStartsAtMs : this.now);
    this.changed();
    const details = { from: previous, to: { level: target.level, unitId: target.unitId, assigneeId: officer } };
    const entry = this.record('escalated', escalation.actor, { note: escalation.reason, details }, stable ? escalation.decidedAtMs : this.now);
    this.tell(entry, 'case_escalated', { staffIds: [officer], supervisorsOf: target.unitId, timeline: this.timeline(), extra: { reason: escalation.reason } });
  }

  /** The deadline at the top of the ladder passed: the clock stops and supervisors are told. */
  private markOverdue(): void {
    this.state.overdue = true;
    this.run.clock = stopClock(this.run.clock);
    this.changed();
    const entry = this.record('overdue', { kind: 'system' }, { details: { dueAt: this.state.dueAt } });
    this.tell(entry, 'case_overdue', { staffIds: [this.state.assigneeId], supervisorsOf: this.state.unitId, timeline: this.timeline() });
  }

  /** Acts on whatever time has brought: auto-close, warnings, deadline passed. */
  private onTime(): void {
    const state = this.state;
    const run = this.run;
    const t = this.now;
    if (state.status === 'resolved' && state.confirmBy !== undefined && t >= Date.parse(state.confirmBy)) {
      state.status = 'closed';
      state.closedAt = iso(t);
      state.confirmBy = undefined;
      this.changed();
      const entry = this.record('auto_closed', { kind: 'system' }, { details: { reason: SYSTEM_REASONS.noResidentAnswer } });
      this.tell(entry, 'case_closed', { staffIds: [state.assigneeId], resident: this.residentContact() });
      return;
    }
    // A wake-up that finds several warnings due (it ran late) sends only the latest: two e-mails
    // at once say nothing the second does not. Older cases send every due warning, as they did
    // live, except on an escalated rung a further warning that fell due only within the replay
    // skew: the live run, reading the clock earlier, had not seen it yet. That is what lets those
    // histories replay (test/replay/histories/case-nondeterministic-under-load.json); one due long
    // before (after a worker outage) is sent, as it was live.
    const coalesce = this.policy.rungStartsAtDeadline;
    const skewGuard = !coalesce && state.escalations > 0;
    const due = deadlineOf(run.clock, run.plan);
    let latest: { fraction: number } | undefined;
    let first = true;
    for (let warning = nextWarningAt(run.clock, run.plan); warning && warning.atMs <= t; warning = nextWarningAt(run.clock, run.plan)) {
      run.clock = { ...run.clock, warned: run.clock.warned + 1 };
      if (coalesce) latest = warning;
      else if (!(skewGuard && !first && warning.atMs > t - LEGACY_REPLAY_SKEW_MS)) this.warn(warning.fraction, due);
      first = false;
    }
    if (latest) this.warn(latest.fraction, due);
    if (due !== undefined && t >= due) {
      if (this.currentRung() < state.ladder.length - 1) this.escalate({ kind: 'system' }, SYSTEM_REASONS.deadlinePassed, t, due);
      else this.markOverdue();
    }
  }

  private warn(fraction: number, due: number | undefined): void {
    // A warning whose deadline has already passed would only precede the escalation e-mail.
    if (due === undefined || due <= this.now) return;
    const entry = this.record('warned', { kind: 'system' }, { details: { fraction, dueAt: this.state.dueAt } });
    this.tell(entry, 'case_warning', { staffIds: [this.state.assigneeId], extra: { percent: Math.round(fraction * 100) } });
  }

  // ── Mediation and calendars ────────────────────────────────────────────────────────────

  /** The dispute went to mediation: the case waits for it, with no deadline of its own. */
  private mediationStarted(mediation: MediationInput, actor: Actor, note: string | undefined): void {
    const state = this.state;
    state.status = 'in_mediation';
    this.run.clock = stopClock(this.run.clock);
    const community = mediation.ladder[0];
    state.mediation = {
      mediationId: mediation.mediationId,
      stage: 'consent',
      level: community?.level ?? state.level,
      unitId: community?.unitId ?? state.unitId,
      final: false,
      at: iso(this.now),
    };
    this.changed();
    this.record('mediation_started', actor, { note, details: { mediationId: mediation.mediationId, parties: mediation.parties.length } });
  }

  /** The mediation's progress; when it ends, so does the case, with the mediation's outcome. */
  private mediationProgress(progress: MediationProgress): void {
    const state = this.state;
    if (state.mediation?.mediationId !== progress.mediationId || FINAL_STATUSES.includes(state.status)) return;
    state.mediation = progress;
    if (progress.final) {
      state.status = 'closed';
      state.closedAt = progress.at;
      this.changed();
      this.record('mediation_ended', { kind: 'system' }, { details: { mediationId: progress.mediationId, outcome: progress.stage } });
      return;
    }
    this.changed();
    this.record('mediation_stage', { kind: 'system' }, { details: { stage: progress.stage, level: progress.level, unitId: progress.unitId } });
  }

  /**
   * A newer calendar: the deadline and warnings from now on are computed on it. The clock keeps
   * its segment and budget, so the working time already spent is measured on the new calendar too
   * (a holiday added inside the running segment moves the deadline by that day). Recorded on the
   * timeline when the deadline moves, so staff and the resident's next answer say why.
   */
  private takeCalendar(calendar: WorkingCalendar): void {
    const from = { version: this.before.plan.calendar.version, dueAt: this.before.case.dueAt };
    this.run.plan = { ...this.before.plan, calendar };
    const due = deadlineOf(this.run.clock, this.run.plan);
    if (due === undefined || iso(due) === from.dueAt) return;
    this.changed();
    this.record('calendar_updated', { kind: 'system' }, { details: { from, to: { version: calendar.version, dueAt: this.state.dueAt } } });
  }
}
