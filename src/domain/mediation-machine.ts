/**
 * A dispute through people's mediation, as a pure machine: consent of every party, a mediator from
 * the committee holding it, sessions, a signed agreement with its 30-day judicial-confirmation
 * window, and the follow-up on performance; or, when it fails, the next committee up (community →
 * street → district) and referral to a court, arbitration or an administrative body, with a record
 * of every step. `mediationWorkflow` only carries out the effects this returns.
 *
 * When a mediation…
 * - **reminds**: consent, session and judicial-window reminders fire `reminderLeadMs` (or
 *   `judicialReminderLeadMs`) before their instant ({@link mediationTimers}).
 * - **escalates**: a consent or assignment deadline passes below the top committee, or a round
 *   fails (no agreement, session limit or time limit), or a mediator asks; the next committee
 *   takes over, asking for consent again only from parties who have not given it.
 * - **is overdue**: a deadline passes at the top, or the signatures are late; supervisors are told.
 * - **ends**: fulfilled, declined (one refusal ends a voluntary mediation), withdrawn, or referred.
 *
 * Pure: no clock but the `nowMs` it is given, no I/O.
 */
import { current, isDraft, type Draft } from 'immer';
import type { Actor, MediationProgress, TimelineEntry } from './case-model';
import { InvalidEntityInput, iso, MachineStep, transition, type CommonEffect, type StepContext, type Transition } from './machine';
import {
  isFinalStage,
  MIN_PARTIES,
  type MediationInput,
  type MediationParty,
  type MediationPlan,
  type MediationStage,
  type MediationState,
  type MediationTimelineEntry,
  type ReferralRecord,
} from './mediation-model';
import {
  legalPeriodEnd,
  mediationTimers,
  pendingSession,
  referralRecordOf,
  type MediationActionRequest,
  type MediationTimer,
  type ReferralRequest,
} from './mediation-rules';
import type { CaseFacts, NotificationRequest, NotificationTemplate } from './notification';
import type { SearchIndex } from './search-index';
import { stripUndefined } from './strip-undefined';
import { SYSTEM_REASONS } from './system-reasons';

export { mediationTimers, type MediationTimer };

/** Everything a mediation's machine decides on. */
export interface MediationRun {
  mediation: MediationState;
  /** Keys of the current stage's timers that already fired, so none fires twice. */
  fired: string[];
  /** What the parent case was last told, so it is told only of a change. */
  reported?: string | undefined;
  /** The plan: the input's, until a newer calendar replaces it. */
  plan: MediationPlan;
}

/** Where the mediation runs: as a case's child, it reports its progress to the case. */
export interface MediationContext {
  reportsToCase: boolean;
}

/** What happens to a mediation. */
export type MediationEvent =
  | { type: 'open' }
  /** A run continued-as-new with the mediation carried over. */
  | { type: 'resume' }
  | { type: 'action'; request: MediationActionRequest }
  /** The clock reached one of the stage's timers, or the mediation changed: fire what is due. */
  | { type: 'time' }
  /** A newer calendar the workflow has checked (see `calendarToTake`). */
  | { type: 'calendar'; calendar: MediationPlan['calendar'] };

/** What the workflow shell carries out, in this order. */
export type MediationEffect =
  | CommonEffect<MediationTimelineEntry, NotificationRequest>
  /** Tell the parent case where the mediation now stands. */
  | { type: 'report'; progress: MediationProgress };

/** Input a mediation cannot start from; the workflow turns it into a non-retryable failure. */
export class InvalidMediationInput extends InvalidEntityInput {
  override readonly name = 'InvalidMediationInput';
}

/** A new mediation at the first committee of its ladder (opened by the `open` event). */
export function openMediation(input: MediationInput): MediationState {
  const community = input.ladder[0];
  if (!community) throw new InvalidMediationInput('a mediation needs a ladder starting at its community');
  if (input.parties.length < MIN_PARTIES) throw new InvalidMediationInput(`a mediation needs at least ${MIN_PARTIES} parties`);
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

/** The mediation's search-visible facts. */
export function mediationIndexOf(state: MediationState): SearchIndex {
  return {
    kind: 'mediation',
    status: state.stage,
    level: state.level,
    unitId: state.unitId,
    units: state.ladder.map((rung) => rung.unitId),
    assigneeId: state.mediatorId ?? null,
    category: state.category,
    dueAt: state.dueAt ?? null,
    overdue: state.overdue,
  };
}

export function isFinalMediation(run: MediationRun): boolean {
  return isFinalStage(run.mediation.stage);
}

/** The next of the stage's timers that has not fired yet. */
export function nextMediationTimer(run: MediationRun): MediationTimer | undefined {
  return mediationTimers(run.mediation, run.plan).find((timer) => !run.fired.includes(timer.key));
}

/** The fired timers a next run must remember: only the current stage's, older keys never come back. */
export function liveFiredTimers(run: MediationRun): string[] {
  const live = new Set(mediationTimers(run.mediation, run.plan).map((timer) => timer.key));
  return run.fired.filter((key) => live.has(key));
}

/** One step of a mediation. */
export function mediationStep(run: MediationRun, event: MediationEvent, nowMs: number, context: MediationContext): Transition<MediationRun, MediationEffect> {
  return transition(run, nowMs, (step) => new MediationStep(step, context).on(event));
}

const SYSTEM: Actor = { kind: 'system' };

type EntryExtra = Pick<MediationTimelineEntry, 'note' | 'documentRef' | 'details'>;
type StaffAudience = Pick<NotificationRequest, 'staffIds' | 'supervisorsOf'> & { withTimeline?: boolean };
type Extra = Record<string, string | number | undefined>;
type FollowUp = Extract<MediationActionRequest['action'], { type: 'follow_up' }>;

/** One step's working copy: the transitions below change it, and list their effects in order. */
class MediationStep extends MachineStep<MediationRun, MediationEffect> {
  private readonly state: Draft<MediationState>;

  constructor(
    step: StepContext<MediationRun, MediationEffect>,
    private readonly context: MediationContext,
  ) {
    super(step);
    this.state = this.run.mediation;
  }

  on(event: MediationEvent): void {
    switch (event.type) {
      case 'open':
        return this.open();
      case 'resume':
        return this.changed();
      case 'action':
        return this.act(event.request);
      case 'time':
        return this.fireDueTimers();
      case 'calendar':
        this.run.plan = { ...this.before.plan, calendar: event.calendar };
        return;
    }
  }

  // ── Plumbing of a step ─────────────────────────────────────────────────────────────────

  private get plan(): MediationPlan {
    return this.before.plan;
  }

  private rung() {
    return this.state.ladder.find((candidate) => candidate.unitId === this.state.unitId);
  }

  private committee(): string[] {
    return [...(this.rung()?.mediatorIds ?? [])];
  }

  /** Whoever works the mediation now: its mediator, or before assignment the committee. */
  private handlers(): string[] {
    return this.state.mediatorId === undefined ? this.committee() : [this.state.mediatorId];
  }

  private record(type: string, actor: Actor, extra: EntryExtra = {}): MediationTimelineEntry {
    const state = this.state;
    const entry: MediationTimelineEntry = {
      seq: state.timeline.length + 1,
      at: iso(this.now),
      type,
      actor,
      stage: state.stage,
      level: state.level,
      unitId: state.unitId,
      ...stripUndefined({ mediatorId: state.mediatorId, ...extra }),
    };
    state.timeline.push(entry as Draft<MediationTimelineEntry>);
    this.effects.push({ type: 'record', entry });
    return entry;
  }

  /** The search attributes follow the mediation, and so does the parent case. */
  private changed(): void {
    this.effects.push({ type: 'index', index: mediationIndexOf(this.state) });
    this.reportProgress();
  }

  /** Tells the parent case, if there is one, where the mediation now stands (once per change). */
  private reportProgress(): void {
    const state = this.state;
    const key = [state.stage, state.level, state.unitId, state.mediatorId ?? ''].join('|');
    if (!this.context.reportsToCase || key === this.run.reported) return;
    this.run.reported = key;
    this.effects.push({
      type: 'report',
      progress: {
        mediationId: state.id,
        stage: state.stage,
        level: state.level,
        unitId: state.unitId,
        ...stripUndefined({ mediatorId: state.mediatorId }),
        final: isFinalStage(state.stage),
        at: iso(this.now),
      },
    });
  }

  /** Begins a stage with the step that leads into it; that step's seq keys the stage's timers. */
  private begin(stage: MediationStage, type: string, actor: Actor, dueMs: number | undefined, extra: EntryExtra = {}): MediationTimelineEntry {
    const state = this.state;
    state.stage = stage;
    state.dueAt = dueMs === undefined ? undefined : iso(dueMs);
    state.overdue = false;
    const entry = this.record(type, actor, extra);
    state.stageSeq = entry.seq;
    this.changed();
    return entry;
  }

  /** A fresh round of sessions for the committee now holding the dispute. */
  private startRound(): number {
    const endsBy = this.now + this.plan.maxDurationMs;
    this.state.round = { startedAt: iso(this.now), endsBy: iso(endsBy), extended: false, sessionsHeld: 0, sessionLimit: this.plan.sessionLimit };
    return endsBy;
  }

  private cancelPendingSession(): void {
    const session = pendingSession(this.state);
    if (session) {
      session.outcome = 'cancelled';
      session.outcomeAt = iso(this.now);
    }
  }

  // ── Notifications ───────────────────────────────────────────────────────────────────────

  /** The dispute as e-mail templates show it: the case's facts at the committee now holding it. */
  private facts(): CaseFacts {
    const state = this.state;
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

  private values(extra: Extra): Record<string, string | number> {
    return stripUndefined({ mediationId: this.state.id, ...extra });
  }

  private tellStaff(entry: MediationTimelineEntry, template: NotificationTemplate, audience: StaffAudience, extra: Extra = {}): void {
    const staffIds = [...new Set(audience.staffIds ?? [])];
    if (staffIds.length === 0 && audience.supervisorsOf === undefined) return;
    this.effects.push({
      type: 'notify',
      request: {
        messageId: `${this.state.id}.${entry.seq}.${template}`,
        template,
        facts: this.facts(),
        staffIds,
        supervisorsOf: audience.supervisorsOf,
        extra: this.values(extra),
        timeline: audience.withTimeline ? this.timeline().map(asCaseTimelineEntry) : undefined,
      },
    });
  }

  /**
   * One request per party with an e-mail address: the notify activity has a single resident slot,
   * and the party id in the Message-ID keeps each party's copy distinct.
   */
  private tellParties(entry: MediationTimelineEntry, template: NotificationTemplate, parties: readonly MediationParty[], extra: Extra = {}): void {
    for (const party of parties) {
      if (!party.email) continue;
      this.effects.push({
        type: 'notify',
        request: {
          messageId: `${this.state.id}.${entry.seq}.${template}.${party.id}`,
          template,
          facts: this.facts(),
          resident: { email: party.email, name: party.name, locale: party.locale ?? this.state.locale },
          extra: this.values(extra),
        },
      });
    }
  }

  /** Everyone who should hear that the mediation ended. */
  private tellEnding(entry: MediationTimelineEntry, template: NotificationTemplate, extra: Extra = {}): void {
    this.tellParties(entry, template, this.state.parties, extra);
    this.tellStaff(entry, template, { staffIds: this.handlers() }, extra);
  }

  private timeline(): MediationTimelineEntry[] {
    const timeline = this.state.timeline;
    return isDraft(timeline) ? current(timeline) : [...timeline];
  }

  // ── Opening ────────────────────────────────────────────────────────────────────────────

  private open(): void {
    const state = this.before.mediation;
    // Deadlines run from when the mediation was requested, not from when a worker picked it up.
    const entry = this.begin('consent', 'opened', state.requestedBy, Date.parse(state.startedAt) + this.plan.consentWithinMs, {
      details: { caseId: state.caseId, parties: state.parties.map((party) => party.id) },
    });
    this.tellParties(entry, 'mediation_consent_requested', this.state.parties, { consentBy: this.state.dueAt });
  }

  // ── Moves between committees and endings ───────────────────────────────────────────────

  /** Hands the dispute to the next committee up: consent continues there, or it awaits a mediator. */
  private escalate(actor: Actor, reason: string): void {
    const state = this.state;
    const target = state.ladder[state.ladder.findIndex((candidate) => candidate.unitId === state.unitId) + 1];
    if (!target) return;
    const from = stripUndefined({ level: state.level, unitId: state.unitId, mediatorId: state.mediatorId });
    this.cancelPendingSession();
    state.level = target.level;
    state.unitId = target.unitId;
    state.mediatorId = undefined;
    state.round = undefined;
    state.agreement = undefined;
    state.escalations++;
    const awaiting = state.parties.filter((party) => !party.consent);
    const stage: MediationStage = awaiting.length > 0 ? 'consent' : 'assignment';
    const due = this.now + (stage === 'consent' ? this.plan.consentWithinMs : this.plan.assignWithinMs);
    const entry = this.begin(stage, 'escalated', actor, due, { note: reason, details: { from, to: { level: target.level, unitId: target.unitId } } });
    this.tellStaff(entry, 'mediation_escalated', { staffIds: [...target.mediatorIds], supervisorsOf: target.unitId, withTimeline: true }, { reason });
    if (stage === 'consent') this.tellParties(entry, 'mediation_consent_requested', awaiting, { consentBy: state.dueAt });
  }

  /** The committee now holding the dispute could not settle it: the next one takes over, or at the top it awaits referral. */
  private failHere(reason: string): void {
    if (this.state.ladder.at(-1)?.unitId !== this.state.unitId) {
      this.escalate(SYSTEM, reason);
      return;
    }
    this.cancelPendingSession();
    const entry = this.begin('failed', 'failed', SYSTEM, undefined, { note: reason });
    this.state.overdue = true;
    this.changed();
    this.tellStaff(entry, 'mediation_overdue', { staffIds: this.handlers(), supervisorsOf: this.state.unitId }, { reason });
  }

  /** A deadline passed with nobody above to take over, or with staff to act: supervisors are told. */
  private markOverdue(reason: string): void {
    this.state.overdue = true;
    this.changed();
    const entry = this.record('overdue', SYSTEM, { note: reason, details: { dueAt: this.state.dueAt } });
    this.tellStaff(entry, 'mediation_overdue', { staffIds: this.handlers(), supervisorsOf: this.state.unitId }, { reason });
  }

  private close(stage: MediationStage, type: string, actor: Actor, extra: EntryExtra = {}): MediationTimelineEntry {
    this.cancelPendingSession();
    this.state.closedAt = iso(this.now);
    return this.begin(stage, type, actor, undefined, extra);
  }

  private refer(actor: Actor, referral: ReferralRequest): void {
    const entry = this.close('referred', 'referred', actor, {
      note: referral.reason,
      documentRef: referral.documentRef,
      details: { to: referral.to, body: referral.body },
    });
    this.state.referral = referralRecordOf(this.state, {
      outcome: 'referred',
      to: referral.to,
      body: referral.body,
      reason: referral.reason,
      at: entry.at,
      documentRef: referral.documentRef,
    }) as Draft<ReferralRecord>;
    this.changed();
    this.tellEnding(entry, 'mediation_referred', { referredTo: referral.body, reason: referral.reason });
  }

  private decline(actor: Actor, partyId: string, note: string | undefined, referralNote: string | undefined): void {
    const reason = note ?? `party ${partyId} refused mediation`;
    const entry = this.close('declined', 'declined', actor, { note: referralNote, details: { partyId } });
    const closing: Pick<ReferralRecord, 'outcome' | 'reason' | 'at' | 'note'> = { outcome: 'declined', reason, at: entry.at, note: referralNote };
    this.state.referral = referralRecordOf(this.state, closing) as Draft<ReferralRecord>;
    this.changed();
    this.tellEnding(entry, 'mediation_declined', { referralNote: referralNote ?? '' });
  }

  // ── Steps ──────────────────────────────────────────────────────────────────────────────

  private act({ action, actor }: MediationActionRequest): void {
    const state = this.state;
    const t = this.now;
    switch (action.type) {
      case 'consent': {
        const party = state.parties.find((candidate) => candidate.id === action.partyId)!;
        party.consent = stripUndefined({ given: action.given, at: iso(t), actor, note: action.note }) as typeof party.consent;
        this.record(action.given ? 'consent_given' : 'consent_refused', actor, { note: action.note, details: { partyId: party.id } });
        if (!action.given) {
          // Mediation is voluntary: one refusal ends it.
          this.decline(actor, party.id, action.note, action.referralNote);
        } else if (state.parties.every((candidate) => candidate.consent?.given)) {
          const entry = this.begin('assignment', 'consent_complete', SYSTEM, t + this.plan.assignWithinMs);
          this.tellStaff(entry, 'mediation_awaiting_mediator', { staffIds: this.committee(), supervisorsOf: state.unitId }, { assignBy: state.dueAt });
        } else {
          this.changed();
        }
        break;
      }
      case 'assign_mediator': {
        const from = state.mediatorId;
        state.mediatorId = action.mediator.id;
        const details = stripUndefined({ from, to: action.mediator.id });
        let entry: MediationTimelineEntry;
        if (state.stage === 'assignment') {
          entry = this.begin('sessions', 'mediator_assigned', actor, this.startRound(), { note: action.note, details });
        } else {
          const session = pendingSession(state);
          if (session) session.mediatorId = action.mediator.id;
          this.changed();
          entry = this.record('mediator_assigned', actor, { note: action.note, details });
        }
        this.tellStaff(entry, 'mediation_mediator_assigned', { staffIds: [action.mediator.id] }, { endsBy: state.round?.endsBy });
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
          scheduledBy: actor as Draft<Actor>,
        });
        this.changed();
        const entry = this.record('session_scheduled', actor, { note: action.note, details: { sessionNo: no, at: action.at, place: action.place } });
        const extra = { sessionNo: no, sessionAt: action.at, place: action.place };
        this.tellParties(entry, 'mediation_session_scheduled', state.parties, extra);
        this.tellStaff(entry, 'mediation_session_scheduled', { staffIds: this.handlers() }, extra);
        break;
      }
      case 'record_outcome':
        this.recordOutcome(action, actor);
        break;
      case 'sign':
        this.sign(action.partyId, actor, action.note);
        break;
      case 'extend': {
        const round = state.round!;
        const from = round.endsBy;
        round.endsBy = iso(Date.parse(round.endsBy) + this.plan.extensionMs);
        round.extended = true;
        state.dueAt = round.endsBy;
        this.changed();
        this.record('extended', actor, { note: action.reason, details: { from, to: round.endsBy } });
        break;
      }
      case 'escalate':
        this.escalate(actor, action.reason);
        break;
      case 'refer': {
        const { type: _type, ...referral } = action;
        this.refer(actor, referral);
        break;
      }
      case 'follow_up':
        this.followUp(action, actor);
        break;
      case 'judicial_confirmation': {
        const window = state.agreement!.judicialWindow!;
        window.confirmation = stripUndefined({ at: iso(t), documentRef: action.documentRef, note: action.note }) as typeof window.confirmation;
        this.changed();
        this.record('judicial_confirmed', actor, { note: action.note, documentRef: action.documentRef });
        break;
      }
      case 'withdraw': {
        const entry = this.close('withdrawn', 'withdrawn', actor, { note: action.reason, details: { partyId: action.partyId } });
        this.tellEnding(entry, 'mediation_withdrawn');
        break;
      }
      case 'note':
        this.record('note', actor, { note: action.note });
        break;
    }
  }

  private recordOutcome(action: Extract<MediationActionRequest['action'], { type: 'record_outcome' }>, actor: Actor): void {
    const state = this.state;
    const t = this.now;
    const session = pendingSession(state)!;
    Object.assign(session, stripUndefined({ outcome: action.outcome, outcomeAt: iso(t), note: action.note, documentRef: action.documentRef }));
    state.round!.sessionsHeld++;
    this.changed();
    this.record('session_held', actor, { note: action.note, documentRef: action.documentRef, details: { sessionNo: session.no, outcome: action.outcome } });
    if (action.outcome === 'agreement') {
      const draft = action.agreement!;
      state.agreement = { ...draft, reachedAt: iso(t), sessionNo: session.no, signatures: [] };
      this.begin('agreement', 'agreement_reached', actor, t + this.plan.signWithinMs, {
        documentRef: draft.documentRef,
        details: { performanceDeadline: draft.performanceDeadline },
      });
    } else if (action.outcome === 'no_agreement') {
      this.failHere(SYSTEM_REASONS.noAgreementAtSession);
    } else if (state.round!.sessionsHeld >= state.round!.sessionLimit) {
      this.failHere(SYSTEM_REASONS.sessionLimitReached);
    }
  }

  private sign(partyId: string, actor: Actor, note: string | undefined): void {
    const state = this.state;
    const t = this.now;
    const agreement = state.agreement!;
    agreement.signatures.push({ partyId, at: iso(t), actor: actor as Draft<Actor> });
    this.changed();
    this.record('agreement_signed', actor, { note, details: { partyId } });
    if (!state.parties.every((party) => agreement.signatures.some((signature) => signature.partyId === party.id))) return;
    // Signed by all: the agreement is in force and the art. 33 window runs from today.
    const closesAt = iso(legalPeriodEnd(t, this.plan.judicialWindowMs, this.plan.calendar, this.plan.timeZone));
    agreement.signedAt = iso(t);
    agreement.judicialWindow = { opensAt: iso(t), closesAt };
    const entry = this.begin('performance', 'agreement_in_force', SYSTEM, Date.parse(agreement.performanceDeadline), {
      documentRef: agreement.documentRef,
      details: { judicialWindowClosesAt: closesAt, performanceDeadline: agreement.performanceDeadline },
    });
    const extra = { closesAt, performanceDeadline: agreement.performanceDeadline };
    this.tellParties(entry, 'mediation_agreement_signed', state.parties, extra);
    this.tellStaff(entry, 'mediation_agreement_signed', { staffIds: this.handlers() }, extra);
  }

  private followUp(action: FollowUp, actor: Actor): void {
    const state = this.state;
    if (action.honoured) {
      const entry = this.close('fulfilled', 'fulfilled', actor, { note: action.note, documentRef: action.documentRef });
      this.tellEnding(entry, 'mediation_fulfilled');
      return;
    }
    this.record('breached', actor, { note: action.note, documentRef: action.documentRef });
    if (action.next === 'refer') {
      this.refer(actor, action.referral!);
      return;
    }
    // Reopened: the same committee and mediator mediate again, with a fresh round.
    state.reopens++;
    state.agreement = undefined;
    const entry = this.begin('sessions', 'reopened', actor, this.startRound(), { note: action.note, details: { reopens: state.reopens } });
    const extra = { note: action.note ?? '' };
    this.tellParties(entry, 'mediation_reopened', state.parties, extra);
    this.tellStaff(entry, 'mediation_reopened', { staffIds: this.handlers() }, extra);
  }

  // ── Time ───────────────────────────────────────────────────────────────────────────────

  /** Fires every timer of the stage that is due, in order; a timer that ends the mediation stops the rest. */
  private fireDueTimers(): void {
    const next = () => mediationTimers(this.state as MediationState, this.plan).find((timer) => !this.run.fired.includes(timer.key));
    for (let timer = next(); timer && timer.atMs <= this.now && !isFinalStage(this.state.stage); timer = next()) {
      this.run.fired.push(timer.key);
      this.onTimer(timer);
    }
  }

  private onTimer(timer: MediationTimer): void {
    const state = this.state;
    switch (timer.kind) {
      case 'consent_reminder': {
        const entry = this.record('consent_reminded', SYSTEM, { details: { consentBy: state.dueAt } });
        const awaiting = state.parties.filter((party) => !party.consent);
        this.tellParties(entry, 'mediation_consent_reminder', awaiting, { consentBy: state.dueAt });
        this.tellStaff(entry, 'mediation_consent_reminder', { staffIds: this.committee() }, { consentBy: state.dueAt });
        break;
      }
      case 'consent_deadline':
        this.deadlinePassed(SYSTEM_REASONS.consentDeadline);
        break;
      case 'assignment_deadline':
        this.deadlinePassed(SYSTEM_REASONS.assignmentDeadline);
        break;
      case 'session_reminder': {
        const session = pendingSession(state)!;
        const entry = this.record('session_reminded', SYSTEM, { details: { sessionNo: session.no, at: session.at } });
        const extra = { sessionNo: session.no, sessionAt: session.at, place: session.place };
        this.tellParties(entry, 'mediation_session_reminder', state.parties, extra);
        this.tellStaff(entry, 'mediation_session_reminder', { staffIds: this.handlers() }, extra);
        break;
      }
      case 'duration_limit':
        this.failHere(SYSTEM_REASONS.timeLimitReached);
        break;
      case 'signature_deadline':
        this.markOverdue(SYSTEM_REASONS.signatureDeadline);
        break;
      case 'judicial_reminder': {
        const closesAt = state.agreement!.judicialWindow!.closesAt;
        const entry = this.record('judicial_reminded', SYSTEM, { details: { closesAt } });
        this.tellParties(entry, 'mediation_judicial_reminder', state.parties, { closesAt });
        break;
      }
      case 'judicial_window_closed': {
        const window = state.agreement!.judicialWindow!;
        this.record('judicial_window_closed', SYSTEM, { details: { closesAt: window.closesAt, confirmed: window.confirmation !== undefined } });
        break;
      }
      case 'follow_up_due': {
        const performanceDeadline = state.agreement!.performanceDeadline;
        const entry = this.record('follow_up_due', SYSTEM, { details: { performanceDeadline } });
        this.tellStaff(entry, 'mediation_follow_up_due', { staffIds: this.handlers() }, { performanceDeadline });
        break;
      }
    }
  }

  /** Consent and assignment deadlines escalate like a case's; at the top they stay, flagged overdue. */
  private deadlinePassed(reason: string): void {
    if (this.state.ladder.at(-1)?.unitId === this.state.unitId) this.markOverdue(reason);
    else this.escalate(SYSTEM, reason);
  }
}

/** The timeline as e-mail templates read it (the case shape: the mediator is the assignee). */
function asCaseTimelineEntry(entry: MediationTimelineEntry): TimelineEntry {
  const { stage: _stage, mediatorId, documentRef: _documentRef, ...rest } = entry;
  return { ...rest, assigneeId: mediatorId ?? '' };
}
