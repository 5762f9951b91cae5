/**
 * Current-state rows from events: one pure fold shared by the writer (one batch at a time) and
 * the rebuild command (every event of an execution), so both always agree.
 */
import type { CaseState } from '../domain/case-model';
import type { MediationState } from '../domain/mediation-model';
import type { ObligationState } from '../domain/obligation-model';
import type { RecordEvent } from './events';
import type { CaseRecordsTable, MediationRecordsTable, ObligationRecordsTable } from './schema';

/** A case as the store keeps it: the state without its timeline (the events are the timeline). */
export type CaseSnapshot = Omit<CaseState, 'timeline'>;
/** A mediation as the store keeps it: the state without its timeline. */
export type MediationSnapshot = Omit<MediationState, 'timeline'>;

const flag = (value: boolean) => (value ? 1 : 0);

/** What events add that the state alone does not say (e.g. whether the last resolution was on time). */
export interface DerivedFacts {
  withinDeadline: number | null;
  agreement: number;
  breached: number;
}

/** Folds events (in seq order) into the facts derived from them. */
export function foldDerived(previous: DerivedFacts, events: readonly RecordEvent[]): DerivedFacts {
  const facts = { ...previous };
  for (const event of events) {
    if (event.type === 'resolved') {
      const details = event.data.details as { withinDeadline?: unknown } | undefined;
      facts.withinDeadline = typeof details?.withinDeadline === 'boolean' ? flag(details.withinDeadline) : facts.withinDeadline;
    }
    if (event.type === 'agreement_in_force') facts.agreement = 1;
    if (event.type === 'breached') facts.breached = 1;
  }
  return facts;
}

/** No facts yet. */
export const NO_FACTS: DerivedFacts = { withinDeadline: null, agreement: 0, breached: 0 };

/** The case row for a snapshot. */
export function caseRow(state: CaseSnapshot, facts: DerivedFacts, lastSeq: number, now: string): CaseRecordsTable {
  return {
    id: state.id,
    status: state.status,
    category: state.category,
    priority: state.priority,
    level: state.level,
    unit_id: state.unitId,
    grid_id: state.gridId,
    assignee_id: state.assigneeId,
    submitted_at: state.submittedAt,
    resolved_at: state.resolvedAt ?? null,
    closed_at: state.closedAt ?? null,
    within_deadline: facts.withinDeadline,
    escalations: state.escalations,
    reopens: state.reopens,
    rating: state.rating ?? null,
    overdue: flag(state.overdue),
    due_at: state.dueAt ?? null,
    last_seq: lastSeq,
    state: JSON.stringify(state),
    updated_at: now,
    redacted_at: null,
  };
}

/** The mediation row for a snapshot. */
export function mediationRow(state: MediationSnapshot, facts: DerivedFacts, lastSeq: number, now: string): MediationRecordsTable {
  return {
    id: state.id,
    case_id: state.caseId,
    stage: state.stage,
    category: state.category,
    level: state.level,
    unit_id: state.unitId,
    community_id: state.ladder[0]?.unitId ?? state.unitId,
    started_at: state.startedAt,
    closed_at: state.closedAt ?? null,
    agreement: facts.agreement,
    breached: facts.breached,
    escalations: state.escalations,
    reopens: state.reopens,
    last_seq: lastSeq,
    state: JSON.stringify(state),
    updated_at: now,
    redacted_at: null,
  };
}

/** The obligation row for a snapshot. */
export function obligationRow(state: ObligationState, lastSeq: number, now: string): ObligationRecordsTable {
  return {
    id: state.id,
    status: state.status,
    obligee_id: state.obligeeId,
    unit_id: state.unitId,
    period: state.period,
    times: state.times,
    met_periods: state.totals.met,
    missed_periods: state.totals.missed,
    ended_at: state.endedAt ?? null,
    last_seq: lastSeq,
    state: JSON.stringify(state),
    updated_at: now,
  };
}

/** Derived facts as a row stores them. */
export function factsOf(row: { within_deadline?: number | null; agreement?: number; breached?: number } | undefined): DerivedFacts {
  if (!row) return NO_FACTS;
  return { withinDeadline: row.within_deadline ?? null, agreement: row.agreement ?? 0, breached: row.breached ?? 0 };
}
