/**
 * What a dispute mediation (人民调解) is: its input, its state, its timeline and its closing record.
 * Shared by the API (which builds the input from a dispute case), the mediation workflow (which
 * owns the state) and activities. Pure and sandbox-safe: workflow code imports it.
 */
import type { Actor } from './actor';
import { postsOf } from './directory-rules';
import type { LadderRung, OrgTree } from './org-tree';
import type { Staff } from './org-types';
import { isoDurationMs } from './sla-policy';
import type { Level, Locale, Priority } from './vocabulary';
import type { WorkingCalendar } from './working-calendar';

/**
 * Stages of a mediation. It runs consent → assignment → sessions → agreement → performance and
 * ends `fulfilled`; `failed` holds a mediation that failed at the top committee until it is
 * referred. `fulfilled`, `declined`, `withdrawn` and `referred` are final.
 */
export const MEDIATION_STAGES = [
  'consent',
  'assignment',
  'sessions',
  'agreement',
  'performance',
  'failed',
  'fulfilled',
  'declined',
  'withdrawn',
  'referred',
] as const;
export type MediationStage = (typeof MEDIATION_STAGES)[number];

/** Stages in which the mediation is over and its workflow completes. */
export const FINAL_MEDIATION_STAGES: readonly MediationStage[] = ['fulfilled', 'declined', 'withdrawn', 'referred'];

/** Whether a stage is final. */
export function isFinalStage(stage: MediationStage): boolean {
  return FINAL_MEDIATION_STAGES.includes(stage);
}

/** A party's standing in the dispute (申请人, 被申请人, 第三人). */
export const PARTY_ROLES = ['applicant', 'respondent', 'third_party'] as const;
export type PartyRole = (typeof PARTY_ROLES)[number];

/** What a mediator records after a session; `adjourned` leads to the next session. */
export const SESSION_OUTCOMES = ['agreement', 'no_agreement', 'adjourned'] as const;
export type SessionOutcome = (typeof SESSION_OUTCOMES)[number];

/** Where a dispute goes when mediation cannot settle it. */
export const REFERRAL_TARGETS = ['court', 'arbitration', 'administrative'] as const;
export type ReferralTarget = (typeof REFERRAL_TARGETS)[number];

/** A dispute needs someone on each side. */
export const MIN_PARTIES = 2;

/** A party as the case or the caller names them. Personal data: shown only to staff in scope. */
export interface MediationPartyInput {
  name: string;
  role: PartyRole;
  phone?: string | undefined;
  /** Where reminders go; a party without one is told by the mediator in person. */
  email?: string | undefined;
  locale?: Locale | undefined;
}

/** A party with the id the mediation's steps refer to (`p1`, `p2`, ...). */
export interface MediationParty extends MediationPartyInput {
  id: string;
}

/** One party's answer to the invitation to mediate. */
export interface ConsentAnswer {
  given: boolean;
  at: string;
  actor: Actor;
  note?: string | undefined;
}

/** A party and where they stand in the mediation. */
export interface MediationPartyState extends MediationParty {
  consent?: ConsentAnswer | undefined;
}

/** A rung of the mediation ladder: the unit whose people's mediation committee holds the dispute. */
export interface MediationRung extends LadderRung {
  /** Staff with role `mediator` in this unit when the mediation began: the committee told of new work. */
  mediatorIds: string[];
}

/**
 * The mediation policy of one dispute, fixed when it starts (from `mediation` in the config) so
 * the workflow needs no config. Durations are milliseconds of calendar time: statutory periods
 * run on calendar days, not on working hours.
 */
export interface MediationPlan {
  /** How long the parties have to consent, at each committee. */
  consentWithinMs: number;
  /** How long before a consent deadline or a session the reminder goes out. */
  reminderLeadMs: number;
  /** How long a committee has to assign a mediator once every party consented. */
  assignWithinMs: number;
  /** Sessions a committee may hold before the mediation counts as failed there. */
  sessionLimit: number;
  /** How long a committee may mediate (from assignment) before it counts as failed there. */
  maxDurationMs: number;
  /** The one extension of that duration a supervisor may grant. */
  extensionMs: number;
  /** How long the parties have to sign an agreement once it is reached. */
  signWithinMs: number;
  /** The window for applying for judicial confirmation (People's Mediation Law art. 33: 30 days). */
  judicialWindowMs: number;
  /** How long before that window closes the parties are reminded. */
  judicialReminderLeadMs: number;
  /** Rest days of the calendar push the end of the judicial window to the next working day. */
  calendar: WorkingCalendar;
  timeZone: string;
}

/** Workflow input: everything a mediation needs, resolved from the dispute case by {@link mediationInputFor}. */
export interface MediationInput {
  mediationId: string;
  /** The dispute case this mediation belongs to (its parent workflow when started as a child). */
  caseId: string;
  startedAt: string;
  category: string;
  priority: Priority;
  description: string;
  address?: string | undefined;
  locale: Locale;
  parties: MediationParty[];
  /** Community first, then street and district: the committees the dispute may escalate to. */
  ladder: MediationRung[];
  /** Who started the mediation: the case's submitter, or the staff member who turned the case into one. */
  requestedBy: Actor;
  /** The integration that speaks for the parties (the case came in through it), if any. */
  partyIntegrationId?: string | undefined;
  plan: MediationPlan;
}

/** One scheduled session and what came of it. */
export interface MediationSession {
  /** Counts sessions over the whole mediation, from 1. */
  no: number;
  level: Level;
  unitId: string;
  mediatorId: string;
  at: string;
  place: string;
  scheduledAt: string;
  scheduledBy: Actor;
  /** `cancelled` when the mediation moved on (escalation, withdrawal) before the outcome was recorded. */
  outcome?: SessionOutcome | 'cancelled' | undefined;
  outcomeAt?: string | undefined;
  note?: string | undefined;
  /** The session record (调解笔录). */
  documentRef?: string | undefined;
}

/** A party's signature on the agreement. */
export interface Signature {
  partyId: string;
  at: string;
  actor: Actor;
}

/** The written mediation agreement (调解协议书). */
export interface MediationAgreement {
  terms: string;
  /** When the parties must have performed what they agreed. */
  performanceDeadline: string;
  documentRef: string;
  reachedAt: string;
  /** The session at which it was reached. */
  sessionNo: number;
  signatures: Signature[];
  /** When the last party signed: the agreement is in force and the judicial window opens. */
  signedAt?: string | undefined;
  judicialWindow?: JudicialWindow | undefined;
}

/** The period in which the parties may jointly ask a court to confirm the agreement (司法确认). */
export interface JudicialWindow {
  opensAt: string;
  closesAt: string;
  /** The court's confirmation, when the parties applied and it was granted. */
  confirmation?: { at: string; documentRef: string; note?: string | undefined } | undefined;
}

/** The work of one committee: its sessions and time limit, restarted on escalation and on reopening. */
export interface MediationRound {
  startedAt: string;
  /** When the committee's time runs out (after the one extension, if granted). */
  endsBy: string;
  extended: boolean;
  sessionsHeld: number;
  /** Sessions this committee may hold (from the plan), shown beside `sessionsHeld`. */
  sessionLimit: number;
}

/** One line of the closing record: a step, its date and its document. */
export interface ReferralStep {
  seq: number;
  at: string;
  type: string;
  actor: Actor;
  level: Level;
  unitId: string;
  note?: string | undefined;
  documentRef?: string | undefined;
}

/**
 * The closing record of a mediation that did not settle the dispute: where the parties are sent,
 * why, and every step with its date and document reference, so a court, arbitration commission
 * or administrative body can take over without asking.
 */
export interface ReferralRecord {
  outcome: 'declined' | 'referred';
  /** Absent when a party declined mediation: the parties keep every other remedy. */
  to?: ReferralTarget | undefined;
  /** The court, arbitration commission or body by name. */
  body?: string | undefined;
  reason: string;
  /** What the parties were told about their other remedies (court, arbitration, administrative body). */
  note?: string | undefined;
  at: string;
  level: Level;
  unitId: string;
  documentRef?: string | undefined;
  steps: ReferralStep[];
  /** Every document reference in the history, in order. */
  documents: string[];
}

/** One step in a mediation's life, as shown to staff and kept for the records. */
export interface MediationTimelineEntry {
  seq: number;
  at: string;
  type: string;
  actor: Actor;
  stage: MediationStage;
  level: Level;
  unitId: string;
  mediatorId?: string | undefined;
  note?: string | undefined;
  documentRef?: string | undefined;
  details?: Record<string, unknown> | undefined;
}

/** The mediation's current state, as answered by the `getMediation` query. */
export interface MediationState {
  id: string;
  caseId: string;
  category: string;
  priority: Priority;
  description: string;
  address?: string | undefined;
  locale: Locale;
  stage: MediationStage;
  level: Level;
  unitId: string;
  ladder: MediationRung[];
  mediatorId?: string | undefined;
  parties: MediationPartyState[];
  requestedBy: Actor;
  partyIntegrationId?: string | undefined;
  startedAt: string;
  /** Seq of the timeline entry that began the current stage; stage timers are keyed by it. */
  stageSeq: number;
  /** Deadline of the current stage; kept once passed so supervisors can sort by lateness. */
  dueAt?: string | undefined;
  /** A deadline passed that nobody above can take over (top of the ladder, or awaiting staff). */
  overdue: boolean;
  escalations: number;
  /** Times a breached agreement sent the dispute back to mediation. */
  reopens: number;
  round?: MediationRound | undefined;
  sessions: MediationSession[];
  agreement?: MediationAgreement | undefined;
  referral?: ReferralRecord | undefined;
  closedAt?: string | undefined;
  timeline: MediationTimelineEntry[];
}

/**
 * The facts of the dispute case a mediation is built from. The case workflow's input (CaseInput)
 * has them all; written out here because the case's model imports the mediation's, not back.
 */
export interface MediationCaseFacts {
  caseId: string;
  category: string;
  priority: Priority;
  description: string;
  address?: string | undefined;
  ladder: LadderRung[];
  locale: Locale;
  submittedBy: Actor;
}

/** The configured mediation policy (`mediation` in the config): ISO 8601 durations and a session limit. */
export interface MediationPolicy {
  /** How long the parties have to consent, at each committee. */
  consentWithin: string;
  /** How long before a consent deadline or a session the reminder goes out. */
  reminderLead: string;
  /** How long a committee has to assign a mediator once every party consented. */
  assignWithin: string;
  /** Sessions a committee may hold before the mediation escalates (or, at the top, fails). */
  sessionLimit: number;
  /** How long a committee may mediate from assignment; a supervisor may extend it once. */
  maxDuration: string;
  /** The one extension of maxDuration. */
  extension: string;
  /** How long the parties have to sign an agreement once reached. */
  signWithin: string;
  /** Art. 33: the parties may apply for judicial confirmation within 30 days of the agreement. */
  judicialWindow: string;
  /** How long before the judicial window closes the parties are reminded. */
  judicialReminderLead: string;
}

/** What a mediation plan is made from: the policy, the city's calendar and zone (a GridflowConfig has them). */
export interface MediationSettings {
  mediation: MediationPolicy;
  calendar: WorkingCalendar;
  city: { timeZone: string };
}

/**
 * The mediation id of a case: derived, so the case needs no lookup table and a retried start
 * finds the same mediation. A later attempt on the same case (after one was declined, say) gets
 * a suffix.
 */
export function mediationIdForCase(caseId: string, attempt = 1): string {
  const base = `m-${caseId.startsWith('c-') ? caseId.slice(2) : caseId}`;
  return attempt <= 1 ? base : `${base}-${attempt}`;
}

/** The mediation plan from the configured policy. */
export function mediationPlanFor(config: MediationSettings): MediationPlan {
  const policy = config.mediation;
  return {
    consentWithinMs: isoDurationMs(policy.consentWithin),
    reminderLeadMs: isoDurationMs(policy.reminderLead),
    assignWithinMs: isoDurationMs(policy.assignWithin),
    sessionLimit: policy.sessionLimit,
    maxDurationMs: isoDurationMs(policy.maxDuration),
    extensionMs: isoDurationMs(policy.extension),
    signWithinMs: isoDurationMs(policy.signWithin),
    judicialWindowMs: isoDurationMs(policy.judicialWindow),
    judicialReminderLeadMs: isoDurationMs(policy.judicialReminderLead),
    calendar: config.calendar,
    timeZone: config.city.timeZone,
  };
}

/**
 * Builds a mediation's input from its dispute case and the config: the case's ladder from the
 * community up (people's mediation committees sit at communities and above, not on grids), each
 * rung with its committee of mediators, and the policy in milliseconds. Pure: `now` is given.
 *
 * @throws Error if there are fewer than two parties or the case's ladder has no community.
 */
export function mediationInputFor(
  config: MediationSettings & { staff: readonly Staff[] },
  dispute: MediationCaseFacts,
  parties: readonly MediationPartyInput[],
  options: { requestedBy: Actor; now: Date; attempt?: number | undefined; org?: Pick<OrgTree, 'staffWithPost'> | undefined },
): MediationInput {
  if (parties.length < MIN_PARTIES) throw new Error(`a dispute needs at least ${MIN_PARTIES} parties, got ${parties.length}`);
  // The committee of a unit is whoever holds a mediator post there now: from the live directory
  // when given, else from the config's staff.
  const committeeOf = (unitId: string) =>
    options.org
      ? options.org.staffWithPost(unitId, 'mediator').map((person) => person.id)
      : config.staff
          .filter((person) => person.active !== false && postsOf(person).some((post) => post.role === 'mediator' && post.unit === unitId))
          .map((person) => person.id);
  const ladder: MediationRung[] = dispute.ladder.filter((rung) => rung.level !== 'grid').map((rung) => ({ ...rung, mediatorIds: committeeOf(rung.unitId) }));
  if (ladder[0]?.level !== 'community') throw new Error(`case ${dispute.caseId} has no community on its ladder to mediate at`);
  const submittedBy = dispute.submittedBy;
  return {
    mediationId: mediationIdForCase(dispute.caseId, options.attempt),
    caseId: dispute.caseId,
    startedAt: options.now.toISOString(),
    category: dispute.category,
    priority: dispute.priority,
    description: dispute.description,
    address: dispute.address,
    locale: dispute.locale,
    parties: parties.map((party, index) => ({ ...party, id: `p${index + 1}` })),
    ladder,
    requestedBy: options.requestedBy,
    partyIntegrationId: submittedBy.kind === 'integration' ? submittedBy.id : undefined,
    plan: mediationPlanFor(config),
  };
}
