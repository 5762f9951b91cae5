/**
 * `mediationWorkflow`: one dispute through people's mediation — consent of every party, a
 * mediator from the committee holding it, sessions, a signed agreement with its 30-day judicial
 * confirmation window, and the follow-up on performance; or, when it fails, escalation to the next
 * committee (community → street → district) and referral to a court, arbitration or an
 * administrative body with a record of every step.
 *
 * Runs as a child of its dispute case or on its own. Deterministic: the policy arrives in the
 * input (MediationPlan), time is the workflow clock, and e-mails are fired without awaiting them,
 * so an SMTP outage never holds up a step or a deadline.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  patched,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Actor, MediationProgress, TimelineEntry } from '../domain/case-model';
import {
  isFinalStage,
  MIN_PARTIES,
  type MediationInput,
  type MediationPlan,
  type MediationParty,
  type MediationStage,
  type MediationState,
  type MediationTimelineEntry,
  type ReferralRecord,
} from '../domain/mediation-model';
import {
  checkMediationAction,
  legalPeriodEnd,
  mediationTimers,
  pendingSession,
  referralRecordOf,
  type MediationActionRequest,
  type MediationTimer,
  type ReferralRequest,
} from '../domain/mediation-rules';
import type { CaseFacts, NotificationRequest, NotificationTemplate } from '../domain/notification';
import type { RecordEvent } from '../records/events';
import { ASSIGNEE, CATEGORY, DUE_AT, KIND, LEVEL, OVERDUE, STATUS, UNIT, UNITS } from '../temporal/search-attributes';
import { calendarToTake, calendarUpdateSignal, type CalendarUpdate } from './calendar-definitions';
import { mediationProgressSignal } from './definitions';
import { getMediationQuery, MEDIATION_CONFLICT, MEDIATION_FORBIDDEN, mediationActionUpdate } from './mediation-definitions';
import { Notifier } from './notifier';
import { carriedRecordsOf, Recorder, recordEventOf, RECORDS_SETTLE_LIMIT, snapshotOf } from './recorder';
import { refusalFailure } from './refusal-failure';
import { SYSTEM_REASONS } from '../domain/system-reasons';
import { stripUndefined } from '../domain/strip-undefined';

/** Continue-as-new well before Temporal's own history limits (50k events / 50 MB). */
const DEFAULT_HISTORY_LIMIT = 5_000;

const SYSTEM: Actor = { kind: 'system' };

/** What a mediation carries into its next run when it continues-as-new. */
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

type EntryExtra = Pick<MediationTimelineEntry, 'note' | 'documentRef' | 'details'>;
type StaffAudience = Pick<NotificationRequest, 'staffIds' | 'supervisorsOf'> & { withTimeline?: boolean };
type Extra = Record<string, string | number | undefined>;

export async function mediationWorkflow(
  input: MediationInput,
  carried?: MediationCarryOver,
  options: MediationWorkflowOptions = {},
): Promise<MediationState> {
  // Mediations started before the records store write no events on replay (see caseWorkflow).
  const recording = patched('records-store');
  // The input's plan, until a newer calendar arrives by signal (see onCalendarUpdate).
  let plan: MediationPlan = carried?.plan ?? input.plan;
  const state: MediationState = carried?.state ?? initialState(input);
  const fired = new Set<string>(carried?.firedTimers ?? []);
  /** Bumped on every change, so the main loop wakes to recompute its next timer. */
  let version = 0;
  const notifier = new Notifier();
  const recorder = recording ? new Recorder('mediation', () => snapshotOf(state), carriedRecordsOf(carried, state.timeline)) : undefined;
  /** Progress signals to the parent case still in flight. */
  const reports = new Set<Promise<void>>();
  let reported = carried?.reported;

  const now = () => Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  const rung = () => state.ladder.find((candidate) => candidate.unitId === state.unitId);
  const committee = () => rung()?.mediatorIds ?? [];
  /** Whoever works the mediation now: its mediator, or before assignment the committee. */
  const handlers = () => (state.mediatorId === undefined ? committee() : [state.mediatorId]);

  function record(type: string, actor: Actor, extra: EntryExtra = {}): MediationTimelineEntry {
    const entry: MediationTimelineEntry = {
      seq: state.timeline.length + 1,
      at: iso(now()),
      type,
      actor,
      stage: state.stage,
      level: state.level,
      unitId: state.unitId,
      ...stripUndefined({ mediatorId: state.mediatorId, ...extra }),
    };
    state.timeline.push(entry);
    recorder?.add(recordEventOf(entry));
    version++;
    return entry;
  }

  function syncSearchAttributes(): void {
    if (options.searchAttributes === false) return;
    upsertSearchAttributes([
      { key: KIND, value: 'mediation' },
      { key: STATUS, value: state.stage },
      { key: LEVEL, value: state.level },
      { key: UNIT, value: state.unitId },
      { key: UNITS, value: state.ladder.map((candidate) => candidate.unitId) },
      { key: ASSIGNEE, value: state.mediatorId ?? null },
      { key: CATEGORY, value: state.category },
      { key: DUE_AT, value: state.dueAt === undefined ? null : new Date(state.dueAt) },
      { key: OVERDUE, value: state.overdue },
    ]);
  }

  /**
   * Tells the parent case, if there is one, where the mediation now stands. Addressed by workflow
   * id alone, so it reaches the case's current run; a case already closed is logged, not fatal.
   */
  function reportProgress(): void {
    const parent = workflowInfo().parent;
    const key = [state.stage, state.level, state.unitId, state.mediatorId ?? ''].join('|');
    if (!parent || key === reported) return;
    reported = key;
    const progress: MediationProgress = {
      mediationId: state.id,
      stage: state.stage,
      level: state.level,
      unitId: state.unitId,
      ...stripUndefined({ mediatorId: state.mediatorId }),
      final: isFinalStage(state.stage),
      at: iso(now()),
    };
    const delivery = getExternalWorkflowHandle(parent.workflowId)
      .signal(mediationProgressSignal, progress)
      .catch((error: unknown) => log.warn('parent case not told of mediation progress', { parent: parent.workflowId, error: String(error) }));
    reports.add(delivery);
    void delivery.finally(() => reports.delete(delivery));
  }

  function changed(): void {
    syncSearchAttributes();
    reportProgress();
    version++;
  }

  /** Waits for every e-mail and progress report still in flight (before completing or continuing-as-new). */
  async function drain(): Promise<void> {
    await Promise.all([notifier.drain(), ...reports]);
  }

  /** Begins a stage with the step that leads into it; that step's seq keys the stage's timers. */
  function begin(stage: MediationStage, type: string, actor: Actor, dueMs: number | undefined, extra: EntryExtra = {}): MediationTimelineEntry {
    state.stage = stage;
    state.dueAt = dueMs === undefined ? undefined : iso(dueMs);
    state.overdue = false;
    const entry = record(type, actor, extra);
    state.stageSeq = entry.seq;
    changed();
    return entry;
  }

  /** A fresh round of sessions for the committee now holding the dispute. */
  function startRound(): number {
    const endsBy = now() + plan.maxDurationMs;
    state.round = { startedAt: iso(now()), endsBy: iso(endsBy), extended: false, sessionsHeld: 0, sessionLimit: plan.sessionLimit };
    return endsBy;
  }

  function cancelPendingSession(): void {
    const session = pendingSession(state);
    if (session) {
      session.outcome = 'cancelled';
      session.outcomeAt = iso(now());
    }
  }

  // ── Notifications ───────────────────────────────────────────────────────────────────────

  /** The dispute as e-mail templates show it: the case's facts at the committee now holding it. */
  function facts(): CaseFacts {
    return {
      caseId: state.caseId,
      category: state.category,
      priority: state.priority,
      description: state.description,
      address: state.address,
      level: state.level,
      unitId: state.unitId,
      dueAt: state.dueAt,
      status: state.stage,
    };
  }

  function values(extra: Extra): Record<string, string | number> {
    return stripUndefined({ mediationId: state.id, ...extra });
  }

  function tellStaff(entry: MediationTimelineEntry, template: NotificationTemplate, audience: StaffAudience, extra: Extra = {}): void {
    const staffIds = [...new Set(audience.staffIds ?? [])];
    if (staffIds.length === 0 && audience.supervisorsOf === undefined) return;
    notifier.send({
      messageId: `${state.id}.${entry.seq}.${template}`,
      template,
      facts: facts(),
      staffIds,
      supervisorsOf: audience.supervisorsOf,
      extra: values(extra),
      timeline: audience.withTimeline ? state.timeline.map(asCaseTimelineEntry) : undefined,
    });
  }

  /**
   * One request per party with an e-mail address: the notify activity has a single resident slot,
   * and the party id in the Message-ID keeps each party's copy distinct.
   */
  function tellParties(entry: MediationTimelineEntry, template: NotificationTemplate, parties: readonly MediationParty[], extra: Extra = {}): void {
    for (const party of parties) {
      if (!party.email) continue;
      notifier.send({
        messageId: `${state.id}.${entry.seq}.${template}.${party.id}`,
        template,
        facts: facts(),
        resident: { email: party.email, name: party.name, locale: party.locale ?? state.locale },
        extra: values(extra),
      });
    }
  }

  // ── Moves between committees and endings ───────────────────────────────────────────────

  /** Hands the dispute to the next committee up: consent continues there, or it awaits a mediator. */
  function escalate(actor: Actor, reason: string): void {
    const target = state.ladder[state.ladder.findIndex((candidate) => candidate.unitId === state.unitId) + 1];
    if (!target) return;
    const from = stripUndefined({ level: state.level, unitId: state.unitId, mediatorId: state.mediatorId });
    cancelPendingSession();
    state.level = target.level;
    state.unitId = target.unitId;
    state.mediatorId = undefined;
    state.round = undefined;
    state.agreement = undefined;
    state.escalations++;
    const awaiting = state.parties.filter((party) => !party.consent);
    const stage: MediationStage = awaiting.length > 0 ? 'consent' : 'assignment';
    const due = now() + (stage === 'consent' ? plan.consentWithinMs : plan.assignWithinMs);
    const entry = begin(stage, 'escalated', actor, due, { note: reason, details: { from, to: { level: target.level, unitId: target.unitId } } });
    tellStaff(entry, 'mediation_escalated', { staffIds: target.mediatorIds, supervisorsOf: target.unitId, withTimeline: true }, { reason });
    if (stage === 'consent') tellParties(entry, 'mediation_consent_requested', awaiting, { consentBy: state.dueAt });
  }

  /** The committee now holding the dispute could not settle it: the next one takes over, or at the top it awaits referral. */
  function failHere(reason: string): void {
    if (state.ladder.at(-1)?.unitId !== state.unitId) {
      escalate(SYSTEM, reason);
      return;
    }
    cancelPendingSession();
    const entry = begin('failed', 'failed', SYSTEM, undefined, { note: reason });
    state.overdue = true;
    changed();
    tellStaff(entry, 'mediation_overdue', { staffIds: handlers(), supervisorsOf: state.unitId }, { reason });
  }

  /** A deadline passed with nobody above to take over, or with staff to act: supervisors are told. */
  function markOverdue(reason: string): void {
    state.overdue = true;
    changed();
    const entry = record('overdue', SYSTEM, { note: reason, details: { dueAt: state.dueAt } });
    tellStaff(entry, 'mediation_overdue', { staffIds: handlers(), supervisorsOf: state.unitId }, { reason });
  }

  function close(stage: MediationStage, type: string, actor: Actor, extra: EntryExtra = {}): MediationTimelineEntry {
    cancelPendingSession();
    state.closedAt = iso(now());
    return begin(stage, type, actor, undefined, extra);
  }

  /** Everyone who should hear that the mediation ended. */
  function tellEnding(entry: MediationTimelineEntry, template: NotificationTemplate, extra: Extra = {}): void {
    tellParties(entry, template, state.parties, extra);
    tellStaff(entry, template, { staffIds: handlers() }, extra);
  }

  function refer(actor: Actor, referral: ReferralRequest): void {
    const entry = close('referred', 'referred', actor, {
      note: referral.reason,
      documentRef: referral.documentRef,
      details: { to: referral.to, body: referral.body },
    });
    state.referral = referralRecordOf(state, { outcome: 'referred', to: referral.to, body: referral.body, reason: referral.reason, at: entry.at, documentRef: referral.documentRef });
    changed();
    tellEnding(entry, 'mediation_referred', { referredTo: referral.body, reason: referral.reason });
  }

  function decline(actor: Actor, partyId: string, note: string | undefined, referralNote: string | undefined): void {
    const reason = note ?? `party ${partyId} refused mediation`;
    const entry = close('declined', 'declined', actor, { note: referralNote, details: { partyId } });
    const closing: Pick<ReferralRecord, 'outcome' | 'reason' | 'at' | 'note'> = { outcome: 'declined', reason, at: entry.at, note: referralNote };
    state.referral = referralRecordOf(state, closing);
    changed();
    tellEnding(entry, 'mediation_declined', { referralNote: referralNote ?? '' });
  }

  // ── Steps ──────────────────────────────────────────────────────────────────────────────

  function apply({ action, actor }: MediationActionRequest): MediationState {
    const t = now();
    switch (action.type) {
      case 'consent': {
        const party = state.parties.find((candidate) => candidate.id === action.partyId)!;
        party.consent = stripUndefined({ given: action.given, at: iso(t), actor, note: action.note }) as typeof party.consent;
        record(action.given ? 'consent_given' : 'consent_refused', actor, { note: action.note, details: { partyId: party.id } });
        if (!action.given) {
          // Mediation is voluntary: one refusal ends it.
          decline(actor, party.id, action.note, action.referralNote);
        } else if (state.parties.every((candidate) => candidate.consent?.given)) {
          const entry = begin('assignment', 'consent_complete', SYSTEM, t + plan.assignWithinMs);
          tellStaff(entry, 'mediation_awaiting_mediator', { staffIds: committee(), supervisorsOf: state.unitId }, { assignBy: state.dueAt });
        } else {
          changed();
        }
        break;
      }
      case 'assign_mediator': {
        const from = state.mediatorId;
        state.mediatorId = action.mediator.id;
        const details = stripUndefined({ from, to: action.mediator.id });
        let entry: MediationTimelineEntry;
        if (state.stage === 'assignment') {
          entry = begin('sessions', 'mediator_assigned', actor, startRound(), { note: action.note, details });
        } else {
          const session = pendingSession(state);
          if (session) session.mediatorId = action.mediator.id;
          changed();
          entry = record('mediator_assigned', actor, { note: action.note, details });
        }
        tellStaff(entry, 'mediation_mediator_assigned', { staffIds: [action.mediator.id] }, { endsBy: state.round?.endsBy });
        break;
      }
      case 'schedule_session': {
        const no = state.sessions.length + 1;
        state.sessions.push({
          no,
          level: state.level,
          unitId: state.unitId,
          mediatorId: state.mediatorId!,
          at: action.at,
          place: action.place,
          scheduledAt: iso(t),
          scheduledBy: actor,
        });
        changed();
        const entry = record('session_scheduled', actor, { note: action.note, details: { sessionNo: no, at: action.at, place: action.place } });
        const extra = { sessionNo: no, sessionAt: action.at, place: action.place };
        tellParties(entry, 'mediation_session_scheduled', state.parties, extra);
        tellStaff(entry, 'mediation_session_scheduled', { staffIds: handlers() }, extra);
        break;
      }
      case 'record_outcome': {
        const session = pendingSession(state)!;
        Object.assign(session, stripUndefined({ outcome: action.outcome, outcomeAt: iso(t), note: action.note, documentRef: action.documentRef }));
        state.round!.sessionsHeld++;
        changed();
        record('session_held', actor, { note: action.note, documentRef: action.documentRef, details: { sessionNo: session.no, outcome: action.outcome } });
        if (action.outcome === 'agreement') {
          const draft = action.agreement!;
          state.agreement = { ...draft, reachedAt: iso(t), sessionNo: session.no, signatures: [] };
          begin('agreement', 'agreement_reached', actor, t + plan.signWithinMs, {
            documentRef: draft.documentRef,
            details: { performanceDeadline: draft.performanceDeadline },
          });
        } else if (action.outcome === 'no_agreement') {
          failHere(SYSTEM_REASONS.noAgreementAtSession);
        } else if (state.round!.sessionsHeld >= state.round!.sessionLimit) {
          failHere(SYSTEM_REASONS.sessionLimitReached);
        }
        break;
      }
      case 'sign':
        sign(action.partyId, actor, action.note, t);
        break;
      case 'extend': {
        const round = state.round!;
        const from = round.endsBy;
        round.endsBy = iso(Date.parse(round.endsBy) + plan.extensionMs);
        round.extended = true;
        state.dueAt = round.endsBy;
        changed();
        record('extended', actor, { note: action.reason, details: { from, to: round.endsBy } });
        break;
      }
      case 'escalate':
        escalate(actor, action.reason);
        break;
      case 'refer': {
        const { type: _type, ...referral } = action;
        refer(actor, referral);
        break;
      }
      case 'follow_up':
        followUp(action, actor);
        break;
      case 'judicial_confirmation': {
        const window = state.agreement!.judicialWindow!;
        window.confirmation = stripUndefined({ at: iso(t), documentRef: action.documentRef, note: action.note }) as typeof window.confirmation;
        changed();
        record('judicial_confirmed', actor, { note: action.note, documentRef: action.documentRef });
        break;
      }
      case 'withdraw': {
        const entry = close('withdrawn', 'withdrawn', actor, { note: action.reason, details: { partyId: action.partyId } });
        tellEnding(entry, 'mediation_withdrawn');
        break;
      }
      case 'note':
        record('note', actor, { note: action.note });
        break;
    }
    return state;
  }

  function sign(partyId: string, actor: Actor, note: string | undefined, t: number): void {
    const agreement = state.agreement!;
    agreement.signatures.push({ partyId, at: iso(t), actor });
    changed();
    record('agreement_signed', actor, { note, details: { partyId } });
    if (!state.parties.every((party) => agreement.signatures.some((signature) => signature.partyId === party.id))) return;
    // Signed by all: the agreement is in force and the art. 33 window runs from today.
    const closesAt = iso(legalPeriodEnd(t, plan.judicialWindowMs, plan.calendar, plan.timeZone));
    agreement.signedAt = iso(t);
    agreement.judicialWindow = { opensAt: iso(t), closesAt };
    const entry = begin('performance', 'agreement_in_force', SYSTEM, Date.parse(agreement.performanceDeadline), {
      documentRef: agreement.documentRef,
      details: { judicialWindowClosesAt: closesAt, performanceDeadline: agreement.performanceDeadline },
    });
    const extra = { closesAt, performanceDeadline: agreement.performanceDeadline };
    tellParties(entry, 'mediation_agreement_signed', state.parties, extra);
    tellStaff(entry, 'mediation_agreement_signed', { staffIds: handlers() }, extra);
  }

  function followUp(action: Extract<MediationActionRequest['action'], { type: 'follow_up' }>, actor: Actor): void {
    if (action.honoured) {
      const entry = close('fulfilled', 'fulfilled', actor, { note: action.note, documentRef: action.documentRef });
      tellEnding(entry, 'mediation_fulfilled');
      return;
    }
    record('breached', actor, { note: action.note, documentRef: action.documentRef });
    if (action.next === 'refer') {
      refer(actor, action.referral!);
      return;
    }
    // Reopened: the same committee and mediator mediate again, with a fresh round.
    state.reopens++;
    state.agreement = undefined;
    const entry = begin('sessions', 'reopened', actor, startRound(), { note: action.note, details: { reopens: state.reopens } });
    const extra = { note: action.note ?? '' };
    tellParties(entry, 'mediation_reopened', state.parties, extra);
    tellStaff(entry, 'mediation_reopened', { staffIds: handlers() }, extra);
  }

  // ── Time ───────────────────────────────────────────────────────────────────────────────

  function onTimer(timer: MediationTimer): void {
    switch (timer.kind) {
      case 'consent_reminder': {
        const entry = record('consent_reminded', SYSTEM, { details: { consentBy: state.dueAt } });
        const awaiting = state.parties.filter((party) => !party.consent);
        tellParties(entry, 'mediation_consent_reminder', awaiting, { consentBy: state.dueAt });
        tellStaff(entry, 'mediation_consent_reminder', { staffIds: committee() }, { consentBy: state.dueAt });
        break;
      }
      case 'consent_deadline':
        deadlinePassed(SYSTEM_REASONS.consentDeadline);
        break;
      case 'assignment_deadline':
        deadlinePassed(SYSTEM_REASONS.assignmentDeadline);
        break;
      case 'session_reminder': {
        const session = pendingSession(state)!;
        const entry = record('session_reminded', SYSTEM, { details: { sessionNo: session.no, at: session.at } });
        const extra = { sessionNo: session.no, sessionAt: session.at, place: session.place };
        tellParties(entry, 'mediation_session_reminder', state.parties, extra);
        tellStaff(entry, 'mediation_session_reminder', { staffIds: handlers() }, extra);
        break;
      }
      case 'duration_limit':
        failHere(SYSTEM_REASONS.timeLimitReached);
        break;
      case 'signature_deadline':
        markOverdue(SYSTEM_REASONS.signatureDeadline);
        break;
      case 'judicial_reminder': {
        const closesAt = state.agreement!.judicialWindow!.closesAt;
        const entry = record('judicial_reminded', SYSTEM, { details: { closesAt } });
        tellParties(entry, 'mediation_judicial_reminder', state.parties, { closesAt });
        break;
      }
      case 'judicial_window_closed': {
        const window = state.agreement!.judicialWindow!;
        record('judicial_window_closed', SYSTEM, { details: { closesAt: window.closesAt, confirmed: window.confirmation !== undefined } });
        break;
      }
      case 'follow_up_due': {
        const entry = record('follow_up_due', SYSTEM, { details: { performanceDeadline: state.agreement!.performanceDeadline } });
        tellStaff(entry, 'mediation_follow_up_due', { staffIds: handlers() }, { performanceDeadline: state.agreement!.performanceDeadline });
        break;
      }
    }
  }

  /** Consent and assignment deadlines escalate like a case's; at the top they stay, flagged overdue. */
  function deadlinePassed(reason: string): void {
    if (state.ladder.at(-1)?.unitId === state.unitId) markOverdue(reason);
    else escalate(SYSTEM, reason);
  }

  function nextTimer(): MediationTimer | undefined {
    return mediationTimers(state, plan).find((timer) => !fired.has(timer.key));
  }

  function fireDueTimers(): void {
    for (let timer = nextTimer(); timer && timer.atMs <= now() && !isFinalStage(state.stage); timer = nextTimer()) {
      fired.add(timer.key);
      onTimer(timer);
    }
  }

  /**
   * A newer calendar: the next judicial-confirmation window is computed on it. Statutory periods
   * run on calendar days, so only a window's end moved off a rest day can differ; a window already
   * open keeps the end the parties were told.
   */
  function onCalendarUpdate(update: CalendarUpdate): void {
    const calendar = calendarToTake(update, {
      open: !isFinalStage(state.stage),
      current: plan.calendar,
      tryOn: (candidate) => legalPeriodEnd(Date.now(), plan.judicialWindowMs, candidate, plan.timeZone),
      ids: { mediationId: state.id },
    });
    if (!calendar) return;
    plan = { ...plan, calendar };
    version++;
  }

  // ── Handlers and main loop ─────────────────────────────────────────────────────────────

  // Opened before the handlers exist: an update delivered with the start is applied on registration.
  if (!carried) {
    // Deadlines run from when the mediation was requested, not from when a worker picked it up.
    const entry = begin('consent', 'opened', input.requestedBy, Date.parse(input.startedAt) + plan.consentWithinMs, {
      details: { caseId: input.caseId, parties: input.parties.map((party) => party.id) },
    });
    tellParties(entry, 'mediation_consent_requested', state.parties, { consentBy: state.dueAt });
  } else {
    changed();
  }

  setHandler(getMediationQuery, () => state);
  setHandler(calendarUpdateSignal, onCalendarUpdate);
  setHandler(mediationActionUpdate, apply, {
    validator: (request: MediationActionRequest) => {
      const refusal = checkMediationAction(state, request, now());
      if (refusal) {
        throw refusalFailure(refusal, { conflict: MEDIATION_CONFLICT, forbidden: MEDIATION_FORBIDDEN });
      }
    },
  });

  const historyLimit = options.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  while (!isFinalStage(state.stage)) {
    const next = nextTimer();
    const seen = version;
    if (next === undefined) await condition(() => version !== seen);
    else if (next.atMs > now()) await condition(() => version !== seen, next.atMs - now());
    fireDueTimers();
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > historyLimit) {
      await condition(allHandlersFinished);
      if (isFinalStage(state.stage)) break;
      await drain();
      // Only the current stage's fired timers matter: older keys can never come back.
      const live = new Set(mediationTimers(state, plan).map((timer) => timer.key));
      await recorder?.settle(RECORDS_SETTLE_LIMIT);
      const records = recorder ? { records: recorder.unconfirmed() } : {};
      const replanned = plan === input.plan ? {} : { plan };
      await continueAsNew<typeof mediationWorkflow>(
        input,
        { state, firedTimers: [...fired].filter((key) => live.has(key)), reported, ...records, ...replanned },
        options,
      );
    }
  }
  await condition(allHandlersFinished);
  await drain();
  await recorder?.drain();
  return state;
}

function initialState(input: MediationInput): MediationState {
  const community = input.ladder[0];
  if (!community) throw ApplicationFailure.nonRetryable('a mediation needs a ladder starting at its community', 'InvalidMediationInput');
  if (input.parties.length < MIN_PARTIES) {
    throw ApplicationFailure.nonRetryable(`a mediation needs at least ${MIN_PARTIES} parties`, 'InvalidMediationInput');
  }
  return {
    id: input.mediationId,
    caseId: input.caseId,
    category: input.category,
    priority: input.priority,
    description: input.description,
    address: input.address,
    locale: input.locale,
    stage: 'consent',
    level: community.level,
    unitId: community.unitId,
    ladder: input.ladder,
    parties: input.parties.map((party) => ({ ...party })),
    requestedBy: input.requestedBy,
    partyIntegrationId: input.partyIntegrationId,
    startedAt: input.startedAt,
    stageSeq: 0,
    overdue: false,
    escalations: 0,
    reopens: 0,
    sessions: [],
    timeline: [],
  };
}

/** The timeline as e-mail templates read it (the case shape: the mediator is the assignee). */
function asCaseTimelineEntry(entry: MediationTimelineEntry): TimelineEntry {
  const { stage: _stage, mediatorId, documentRef: _documentRef, ...rest } = entry;
  return { ...rest, assigneeId: mediatorId ?? '' };
}
