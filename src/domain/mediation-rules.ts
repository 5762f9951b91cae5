/**
 * The rules of a mediation: which step is legal at which stage and who may take it, which timers
 * run at each stage, when the judicial window closes, and the closing referral record. Pure, so
 * the workflow's Update validator and the unit tests share one source of truth.
 */
import { actsIn, holdsRole } from './actor-posts';
import { DateTime } from 'luxon';
import type { Actor } from './case-model';
import { conflict, forbidden, type Refusal } from './refusal';
import {
  isFinalStage,
  type MediationPlan,
  type MediationSession,
  type MediationStage,
  type MediationState,
  type ReferralRecord,
  type ReferralTarget,
  type SessionOutcome,
} from './mediation-model';
import type { Role } from './vocabulary';
import { isWorkingDay, type WorkingCalendar } from './working-calendar';

export type { Refusal } from './refusal';

/** A staff member as the directory knew them when the step was requested. */
export interface StaffRef {
  id: string;
  role: Role;
  unitId: string;
}

/** The agreement as the mediator records it when the session reaches one. */
export interface AgreementDraft {
  terms: string;
  /** ISO 8601 instant by which the parties must perform. */
  performanceDeadline: string;
  documentRef: string;
}

/** Where a dispute goes when mediation ends without settling it. */
export interface ReferralRequest {
  to: ReferralTarget;
  /** The court, arbitration commission or administrative body by name. */
  body: string;
  reason: string;
  /** The referral letter or notice (告知书), if one was issued. */
  documentRef?: string | undefined;
}

/**
 * What staff (and the integration speaking for the parties) can do to a mediation
 * (`POST /mediations/:id/actions`). Party steps name the party; staff record them on its behalf.
 */
export type MediationAction =
  | { type: 'consent'; partyId: string; given: boolean; note?: string | undefined; referralNote?: string | undefined }
  | { type: 'assign_mediator'; mediator: StaffRef; note?: string | undefined }
  | { type: 'schedule_session'; at: string; place: string; note?: string | undefined }
  | { type: 'record_outcome'; outcome: SessionOutcome; note?: string | undefined; documentRef?: string | undefined; agreement?: AgreementDraft | undefined }
  | { type: 'sign'; partyId: string; note?: string | undefined }
  | { type: 'extend'; reason: string }
  | { type: 'escalate'; reason: string }
  | ({ type: 'refer' } & ReferralRequest)
  | {
      type: 'follow_up';
      honoured: boolean;
      /** After a breach: mediate again, or send the dispute on. */
      next?: 'reopen' | 'refer' | undefined;
      referral?: ReferralRequest | undefined;
      note?: string | undefined;
      documentRef?: string | undefined;
    }
  | { type: 'judicial_confirmation'; documentRef: string; note?: string | undefined }
  | { type: 'withdraw'; partyId: string; reason?: string | undefined }
  | { type: 'note'; note: string };

export type MediationActionType = MediationAction['type'];

/** An action with the actor taking it, as the API hands it to the workflow. */
export interface MediationActionRequest {
  action: MediationAction;
  actor: Actor;
}

/** Stages in which a failure may be escalated or referred. */
const FAILABLE: readonly MediationStage[] = ['consent', 'assignment', 'sessions', 'agreement', 'failed'];
const OPEN: readonly MediationStage[] = ['consent', 'assignment', 'sessions', 'agreement', 'performance', 'failed'];

/** Which stages allow each action. */
const ALLOWED_IN: Record<MediationActionType, readonly MediationStage[]> = {
  consent: ['consent'],
  assign_mediator: ['assignment', 'sessions', 'agreement', 'performance', 'failed'],
  schedule_session: ['sessions'],
  record_outcome: ['sessions'],
  sign: ['agreement'],
  extend: ['sessions'],
  escalate: FAILABLE.filter((stage) => stage !== 'failed'),
  refer: FAILABLE,
  follow_up: ['performance'],
  judicial_confirmation: ['performance'],
  withdraw: OPEN,
  note: OPEN,
};

type Staff = Extract<Actor, { kind: 'staff' }>;
const isStaff = (actor: Actor): actor is Staff => actor.kind === 'staff';
const onLadder = (actor: Staff, state: MediationState, roles?: readonly Role[]) =>
  actsIn(
    actor,
    state.ladder.map((rung) => rung.unitId),
    roles,
  );

/** Admins anywhere; supervisors with a post at one of the mediation's committees. */
function supervises(actor: Actor, state: MediationState): boolean {
  return isStaff(actor) && (holdsRole(actor, ['admin']) || onLadder(actor, state, ['supervisor']));
}

function isMediator(actor: Actor, state: MediationState): boolean {
  return isStaff(actor) && state.mediatorId !== undefined && actor.id === state.mediatorId;
}

/** A mediator of the committee now holding the dispute: committees share out their own work. */
function onCommittee(actor: Actor, state: MediationState): boolean {
  return isStaff(actor) && actsIn(actor, [state.unitId], ['mediator']);
}

/** Staff of a unit on the ladder, the assigned mediator, or an admin. */
function inScope(actor: Actor, state: MediationState): boolean {
  return isStaff(actor) && (holdsRole(actor, ['admin']) || onLadder(actor, state) || isMediator(actor, state));
}

/** Parties act through staff in scope, or through the integration the dispute came in by. */
function speaksForParties(actor: Actor, state: MediationState): boolean {
  if (actor.kind === 'integration') return state.partyIntegrationId !== undefined && actor.id === state.partyIntegrationId;
  return inScope(actor, state);
}

const mediatorOrSupervisor = (actor: Actor, state: MediationState) => isMediator(actor, state) || supervises(actor, state);

/** Who may take each action, given the mediation. */
const ALLOWED_BY: Record<MediationActionType, (actor: Actor, state: MediationState) => boolean> = {
  consent: speaksForParties,
  assign_mediator: (actor, state) => supervises(actor, state) || onCommittee(actor, state),
  schedule_session: mediatorOrSupervisor,
  record_outcome: mediatorOrSupervisor,
  sign: speaksForParties,
  extend: supervises,
  escalate: mediatorOrSupervisor,
  refer: mediatorOrSupervisor,
  follow_up: mediatorOrSupervisor,
  judicial_confirmation: mediatorOrSupervisor,
  withdraw: speaksForParties,
  note: inScope,
};

/** The session scheduled and not yet recorded, if any. */
export function pendingSession(state: MediationState): MediationSession | undefined {
  const last = state.sessions.at(-1);
  return last && last.outcome === undefined ? last : undefined;
}

/**
 * Checks an action against the mediation's stage and the actor. Returns the refusal, or undefined
 * when the action may proceed. Field shapes are the API's; this judges what depends on the state.
 */
export function checkMediationAction(state: MediationState, request: MediationActionRequest, nowMs: number): Refusal | undefined {
  const { action, actor } = request;
  if (isFinalStage(state.stage)) return conflict('refusal.mediationFinal', { stage: state.stage });
  if (!ALLOWED_BY[action.type](actor, state)) return forbidden(`refusal.mediationActor.${action.type}`);
  if (!ALLOWED_IN[action.type].includes(state.stage)) return conflict('refusal.mediationWrongStage', { action: action.type, stage: state.stage });
  const party = 'partyId' in action ? state.parties.find((p) => p.id === action.partyId) : undefined;
  if ('partyId' in action && !party) return conflict('refusal.noSuchParty', { partyId: action.partyId });
  switch (action.type) {
    case 'consent':
      return party?.consent ? conflict('refusal.partyAnswered', { partyId: action.partyId }) : undefined;
    case 'assign_mediator':
      if (action.mediator.role !== 'mediator' || action.mediator.unitId !== state.unitId) {
        return conflict('refusal.notAMediator', { mediatorId: action.mediator.id, unitId: state.unitId });
      }
      return action.mediator.id === state.mediatorId ? conflict('refusal.alreadyMediator', { mediatorId: action.mediator.id }) : undefined;
    case 'schedule_session':
      return checkSchedule(state, action.at, nowMs);
    case 'record_outcome':
      return checkOutcome(state, action, nowMs);
    case 'sign':
      return state.agreement?.signatures.some((s) => s.partyId === action.partyId) ? conflict('refusal.partySigned', { partyId: action.partyId }) : undefined;
    case 'extend':
      if (state.round?.extended) return conflict('refusal.alreadyExtended');
      return state.round && Date.parse(state.round.endsBy) <= nowMs ? conflict('refusal.timeLimitPassed') : undefined;
    case 'escalate':
      return state.ladder.at(-1)?.unitId === state.unitId ? conflict('refusal.atHighestCommittee') : undefined;
    case 'follow_up':
      return checkFollowUp(state, action, nowMs);
    case 'judicial_confirmation': {
      const window = state.agreement?.judicialWindow;
      if (!window) return conflict('refusal.noJudicialWindow');
      if (window.confirmation) return conflict('refusal.alreadyConfirmed');
      return nowMs > Date.parse(window.closesAt) ? conflict('refusal.judicialWindowClosed', { closesAt: window.closesAt }) : undefined;
    }
    default:
      return undefined;
  }
}

function checkSchedule(state: MediationState, at: string, nowMs: number): Refusal | undefined {
  const round = state.round;
  if (!round || state.mediatorId === undefined) return conflict('refusal.noMediator');
  if (pendingSession(state)) return conflict('refusal.sessionPending');
  if (round.sessionsHeld >= round.sessionLimit) return conflict('refusal.sessionLimitReached');
  const atMs = Date.parse(at);
  if (Number.isNaN(atMs) || atMs <= nowMs) return conflict('refusal.sessionNotFuture');
  if (atMs > Date.parse(round.endsBy)) {
    return conflict(round.extended ? 'refusal.sessionAfterLimit' : 'refusal.sessionAfterLimitExtendable', { endsBy: round.endsBy });
  }
  return undefined;
}

function checkOutcome(state: MediationState, action: Extract<MediationAction, { type: 'record_outcome' }>, nowMs: number): Refusal | undefined {
  const session = pendingSession(state);
  if (!session) return conflict('refusal.noSessionWaiting');
  if (Date.parse(session.at) > nowMs) return conflict('refusal.sessionNotHeldYet', { no: session.no, at: session.at });
  if (action.outcome !== 'agreement') return action.agreement ? conflict('refusal.agreementOnlyWithAgreementOutcome') : undefined;
  if (!action.agreement) return conflict('refusal.agreementMissing');
  const deadline = Date.parse(action.agreement.performanceDeadline);
  return Number.isNaN(deadline) || deadline <= nowMs ? conflict('refusal.performanceDeadlineNotFuture') : undefined;
}

function checkFollowUp(state: MediationState, action: Extract<MediationAction, { type: 'follow_up' }>, nowMs: number): Refusal | undefined {
  const deadline = state.agreement?.performanceDeadline;
  if (action.honoured) {
    if (action.next !== undefined || action.referral !== undefined) return conflict('refusal.honouredNoNextStep');
    // A breach may show early; performance can only be confirmed once it was due.
    return deadline !== undefined && nowMs < Date.parse(deadline) ? conflict('refusal.performanceNotDueYet', { deadline }) : undefined;
  }
  if (action.next === undefined) return conflict('refusal.breachNeedsNext');
  if (action.next === 'refer' && !action.referral) return conflict('refusal.referralIncomplete');
  return undefined;
}

/** Kinds of timer a mediation runs; each fires once per stage entry. */
export type MediationTimerKind =
  | 'consent_reminder'
  | 'consent_deadline'
  | 'assignment_deadline'
  | 'session_reminder'
  | 'duration_limit'
  | 'signature_deadline'
  | 'judicial_reminder'
  | 'judicial_window_closed'
  | 'follow_up_due';

/** A timer of the current stage. `key` is unique per stage entry and instant, so it fires once. */
export interface MediationTimer {
  kind: MediationTimerKind;
  atMs: number;
  key: string;
}

/**
 * The timers the current stage runs, earliest first. A reminder that would fall before its stage
 * (or session) began is left out: the opening notice already told everybody.
 */
export function mediationTimers(state: MediationState, plan: MediationPlan): MediationTimer[] {
  const timers: MediationTimer[] = [];
  const add = (kind: MediationTimerKind, atMs: number, notBefore?: number) => {
    if (Number.isNaN(atMs) || (notBefore !== undefined && atMs <= notBefore)) return;
    timers.push({ kind, atMs, key: `${kind}:${state.stageSeq}:${atMs}` });
  };
  const due = state.dueAt === undefined ? Number.NaN : Date.parse(state.dueAt);
  const stageStart = Date.parse(state.timeline.find((entry) => entry.seq === state.stageSeq)?.at ?? state.startedAt);
  switch (state.stage) {
    case 'consent':
      add('consent_reminder', due - plan.reminderLeadMs, stageStart);
      add('consent_deadline', due);
      break;
    case 'assignment':
      add('assignment_deadline', due);
      break;
    case 'sessions': {
      const session = pendingSession(state);
      if (session) add('session_reminder', Date.parse(session.at) - plan.reminderLeadMs, Date.parse(session.scheduledAt));
      if (state.round) add('duration_limit', Date.parse(state.round.endsBy));
      break;
    }
    case 'agreement':
      add('signature_deadline', due);
      break;
    case 'performance': {
      const window = state.agreement?.judicialWindow;
      if (window) {
        add('judicial_reminder', Date.parse(window.closesAt) - plan.judicialReminderLeadMs, Date.parse(window.opensAt));
        add('judicial_window_closed', Date.parse(window.closesAt));
      }
      if (state.agreement) add('follow_up_due', Date.parse(state.agreement.performanceDeadline));
      break;
    }
    default:
      break;
  }
  return timers.sort((a, b) => a.atMs - b.atMs);
}

/** Bound on rest days skipped in a row, so a calendar with no working day cannot hang a workflow task. */
const MAX_REST_DAYS = 60;

/**
 * The end of a statutory period of `durationMs` calendar time from `startMs`. As in the Civil
 * Procedure Law (art. 85), a period whose last day is a rest day ends on the next working day,
 * at the same wall-clock time.
 */
export function legalPeriodEnd(startMs: number, durationMs: number, calendar: WorkingCalendar, timeZone: string): number {
  let end = DateTime.fromMillis(startMs + durationMs, { zone: timeZone });
  for (let skipped = 0; skipped < MAX_REST_DAYS && !isWorkingDay(end.toISODate() ?? '', calendar); skipped++) end = end.plus({ days: 1 });
  return end.toMillis();
}

/**
 * The closing record of a mediation that did not settle the dispute, from its timeline (which
 * already holds the closing step): every step with date and document, and the documents in order.
 */
export function referralRecordOf(
  state: MediationState,
  closing: Pick<ReferralRecord, 'outcome' | 'reason' | 'at' | 'to' | 'body' | 'note' | 'documentRef'>,
): ReferralRecord {
  const steps = state.timeline.map(({ seq, at, type, actor, level, unitId, note, documentRef }) => ({
    seq,
    at,
    type,
    actor,
    level,
    unitId,
    ...(note === undefined ? {} : { note }),
    ...(documentRef === undefined ? {} : { documentRef }),
  }));
  const documents = [...new Set(steps.flatMap((step) => (step.documentRef === undefined ? [] : [step.documentRef])))];
  return {
    outcome: closing.outcome,
    ...(closing.to === undefined ? {} : { to: closing.to }),
    ...(closing.body === undefined ? {} : { body: closing.body }),
    reason: closing.reason,
    ...(closing.note === undefined ? {} : { note: closing.note }),
    at: closing.at,
    level: state.level,
    unitId: state.unitId,
    ...(closing.documentRef === undefined ? {} : { documentRef: closing.documentRef }),
    steps,
    documents,
  };
}
