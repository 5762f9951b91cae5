/**
 * Contact obligations: who must contact which unit, how often, and the record of each period.
 * Shared by the API (which builds the input), the workflow (which keeps the state) and reports.
 */
import type { Actor } from './actor';
import type { ObligationFacts } from './notification';
import type { OrgTree } from './org-tree';
import { isoDurationMs } from './sla-policy';
import type { Level, Role } from './vocabulary';

/**
 * A configured rule that creates one obligation per (obligee, unit) pair: every staff member with
 * `role` at `obligee.level` contacts every unit at `targetLevel` in their own subtree, `times` per `period`.
 */
export interface ObligationRule {
  id: string;
  description?: string | undefined;
  obligee: { role: Role; level: Level };
  targetLevel: Level;
  /** An ISO 8601 calendar period: P7D, P2W, P1M, … */
  period: string;
  times: number;
}

/** The configured obligation policy (`obligations` in the config). */
export interface ObligationPolicy {
  /** How long before a period ends unmet the obligee is reminded (ISO 8601). */
  reminderLead: string;
  /** Consecutive missed periods that escalate to the next level up. */
  missesToEscalate: number;
  /** Obligations created at start, idempotently. */
  rules: ObligationRule[];
}

/** What obligations are built from: the policy and the city's zone (a GridflowConfig has them). */
export interface ObligationSettings {
  obligations: ObligationPolicy;
  city: { timeZone: string };
}

/** How a contact was made. */
export const CONTACT_CHANNELS = ['visit', 'phone', 'meeting'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];

/** Periods kept in the workflow's own record; older ones live in the records store. */
export const PERIOD_RECORDS_KEPT = 52;

/** Workflow input: one obligation, resolved against the unit tree by the API or the seeder. */
export interface ObligationInput {
  obligationId: string;
  /** The config rule that created it, when seeded. */
  ruleId?: string | undefined;
  obligeeId: string;
  /** The obligee's own unit: its supervisors hear of missed periods. */
  obligeeUnitId: string;
  /** The unit to contact. */
  unitId: string;
  unitLevel: Level;
  /** Visibility scope: the contacted unit's and the obligee's units with their ancestors. */
  units: string[];
  /** Unit whose supervisors are told of a missed period (the obligee's supervisor). */
  supervisorUnitId: string;
  /** Unit whose supervisors receive escalations of repeated misses (the next level up). */
  escalationUnitId: string;
  /** ISO 8601 calendar period, e.g. P7D or P6M. */
  period: string;
  /** Contacts required per period. */
  times: number;
  reminderLeadMs: number;
  missesToEscalate: number;
  timeZone: string;
  createdAt: string;
}

/** One logged contact. */
export interface ContactRecord {
  at: string;
  channel: ContactChannel;
  note?: string | undefined;
  loggedBy: Actor;
  loggedAt: string;
  /** Who was the obligee when the contact was made. */
  obligeeId: string;
}

/** The outcome of one closed period. */
export interface PeriodRecord {
  key: string;
  startAt: string;
  endAt: string;
  required: number;
  contacts: number;
  met: boolean;
  obligeeId: string;
}

/** The obligation's state: the open period, the recent record and running totals. */
export interface ObligationState {
  id: string;
  ruleId?: string | undefined;
  status: 'active' | 'ended';
  obligeeId: string;
  obligeeUnitId: string;
  unitId: string;
  period: string;
  times: number;
  current: {
    key: string;
    startAt: string;
    endAt: string;
    contacts: ContactRecord[];
    reminded: boolean;
  };
  /** The last {@link PERIOD_RECORDS_KEPT} closed periods, newest last. */
  history: PeriodRecord[];
  totals: { met: number; missed: number };
  /** Consecutive met and missed periods up to the last closed one. */
  streak: { met: number; missed: number };
  escalations: number;
  /** Staff changes: who held the obligation from when. */
  obligees: { staffId: string; from: string }[];
  endedAt?: string | undefined;
  endReason?: string | undefined;
}

/** True once the current period has its required contacts. */
export function currentPeriodMet(state: ObligationState): boolean {
  return state.current.contacts.length >= state.times;
}

/** The id of an obligation: one per obligee, unit and period, so a seed never duplicates. */
export function obligationIdFor(obligeeId: string, unitId: string, period: string): string {
  return `o-${obligeeId}-${unitId}-${period.toLowerCase()}`;
}

/**
 * Builds the workflow input for `obligeeId` contacting `unitId`. The supervisor is the obligee's
 * parent unit (or the unit itself at the top), the escalation target one level further up.
 */
export function obligationInputFor(
  config: ObligationSettings,
  org: OrgTree,
  spec: { obligeeId: string; unitId: string; period: string; times: number; ruleId?: string | undefined },
  now: Date,
): ObligationInput {
  const obligee = org.staff(spec.obligeeId);
  const unit = org.unit(spec.unitId);
  if (!obligee || !unit) throw new Error(`unknown obligee "${spec.obligeeId}" or unit "${spec.unitId}"`);
  // Of several posts, the one over the unit to contact is the post the duty belongs to.
  const obligeeUnitId = org.postsOf(obligee.id).find((post) => org.isWithin(unit.id, post.unit))?.unit ?? obligee.unit;
  const obligeeLineage = org.lineageIds(obligeeUnitId);
  const supervisorUnitId = obligeeLineage[1] ?? obligeeLineage[0]!;
  const escalationUnitId = obligeeLineage[2] ?? obligeeLineage.at(-1)!;
  return {
    obligationId: obligationIdFor(obligee.id, unit.id, spec.period),
    ruleId: spec.ruleId,
    obligeeId: obligee.id,
    obligeeUnitId,
    unitId: unit.id,
    unitLevel: unit.level,
    units: [...new Set([...org.lineageIds(unit.id), ...obligeeLineage])],
    supervisorUnitId,
    escalationUnitId,
    period: spec.period,
    times: spec.times,
    reminderLeadMs: isoDurationMs(config.obligations.reminderLead),
    missesToEscalate: config.obligations.missesToEscalate,
    timeZone: config.city.timeZone,
    createdAt: now.toISOString(),
  };
}

/** Every (obligee, unit) pair the config's rules ask for, over each post of the directory's active staff. */
export function seededObligations(config: ObligationSettings, org: OrgTree, now: Date): ObligationInput[] {
  return config.obligations.rules.flatMap((rule) =>
    org.allStaff().flatMap((person) =>
      org
        .postsOf(person.id)
        .filter((post) => post.role === rule.obligee.role && org.unit(post.unit)?.level === rule.obligee.level)
        .flatMap((post) => org.allUnits().filter((unit) => unit.level === rule.targetLevel && org.isWithin(unit.id, post.unit)))
        .map((unit) =>
          obligationInputFor(config, org, { obligeeId: person.id, unitId: unit.id, period: rule.period, times: rule.times, ruleId: rule.id }, now),
        ),
    ),
  );
}

/** What the obligation e-mails say of an obligation now: its holder, unit and current period. */
export function obligationFactsOf(state: ObligationState): ObligationFacts {
  return {
    obligationId: state.id,
    obligeeId: state.obligeeId,
    unitId: state.unitId,
    periodKey: state.current.key,
    periodEndsAt: state.current.endAt,
    required: state.times,
    contacts: state.current.contacts.length,
    missedInARow: state.streak.missed,
  };
}
