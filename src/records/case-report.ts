/**
 * The case report of a unit subtree for a period: cases received in the period (by the city's
 * calendar) and what became of them — resolved, on time, escalated per level, time to resolve,
 * reopened, satisfaction — in total, by category, by child unit and by day/week/month.
 * Counts only: no resident's name, contact, address or words ever leave the store through it.
 */
import type { OrgTree } from '../domain/org-tree';
import { bucketOf, type ReportPeriod } from './report-period';
import { reportScope } from './report-scope';
import { hours, mean, percent, quantile } from './report-stats';
import type { RecordsStore } from './store';

/** Levels a case can be escalated to. */
type EscalationLevel = 'community' | 'street' | 'district';

/** The figures of one group of cases. */
export interface CaseMetrics {
  received: number;
  /** Resolved (and possibly closed by the resident since). */
  resolved: number;
  resolvedWithinDeadline: number;
  resolvedWithinDeadlinePercent: number | null;
  /** Escalations into each level (a case escalated twice counts twice). */
  escalations: Record<EscalationLevel, number>;
  medianHoursToResolve: number | null;
  p90HoursToResolve: number | null;
  /** Resolved cases the resident reopened at least once, and their share of the resolved. */
  reopened: number;
  reopenRatePercent: number | null;
  rated: number;
  averageSatisfaction: number | null;
  cancelled: number;
  /** Still being worked (not resolved, closed or cancelled). */
  open: number;
}

export interface CaseReport {
  kind: 'cases';
  unitId: string;
  period: ReportPeriod;
  totals: CaseMetrics;
  byCategory: (CaseMetrics & { key: string })[];
  byUnit: (CaseMetrics & { key: string })[];
  byPeriod: (CaseMetrics & { key: string })[];
}

interface Tally {
  received: number;
  resolved: number;
  within: number;
  escalations: Record<EscalationLevel, number>;
  durations: number[];
  reopened: number;
  ratings: number[];
  cancelled: number;
  open: number;
}

const emptyTally = (): Tally => ({
  received: 0,
  resolved: 0,
  within: 0,
  escalations: { community: 0, street: 0, district: 0 },
  durations: [],
  reopened: 0,
  ratings: [],
  cancelled: 0,
  open: 0,
});

function metricsOf(tally: Tally): CaseMetrics {
  return {
    received: tally.received,
    resolved: tally.resolved,
    resolvedWithinDeadline: tally.within,
    resolvedWithinDeadlinePercent: percent(tally.within, tally.resolved),
    escalations: tally.escalations,
    medianHoursToResolve: hours(quantile(tally.durations, 0.5)),
    p90HoursToResolve: hours(quantile(tally.durations, 0.9)),
    reopened: tally.reopened,
    reopenRatePercent: percent(tally.reopened, tally.resolved),
    rated: tally.ratings.length,
    averageSatisfaction: mean(tally.ratings),
    cancelled: tally.cancelled,
    open: tally.open,
  };
}

function rowsOf(groups: Map<string, Tally>): (CaseMetrics & { key: string })[] {
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, tally]) => ({ key, ...metricsOf(tally) }));
}

/** Builds the case report of `unitId`'s subtree for `period`. */
export async function caseReport(store: RecordsStore, org: OrgTree, unitId: string, period: ReportPeriod): Promise<CaseReport> {
  const scope = reportScope(org, unitId);
  const units = [...scope.units];
  const inScope = store.db
    .selectFrom('case_records')
    .where('submitted_at', '>=', period.fromUtc)
    .where('submitted_at', '<', period.toUtc)
    .where('grid_id', 'in', units);
  const cases = await inScope.select(['id', 'status', 'category', 'grid_id', 'submitted_at', 'resolved_at', 'within_deadline', 'reopens', 'rating']).execute();
  const escalations = await store.db
    .selectFrom('record_events')
    .select(['workflow_id', 'data'])
    .where('kind', '=', 'case')
    .where('type', '=', 'escalated')
    .where('workflow_id', 'in', inScope.select('id'))
    .execute();
  const escalationsOf = new Map<string, EscalationLevel[]>();
  for (const event of escalations) {
    const level = (JSON.parse(event.data) as { details?: { to?: { level?: string } } }).details?.to?.level;
    if (level === 'community' || level === 'street' || level === 'district')
      escalationsOf.set(event.workflow_id, [...(escalationsOf.get(event.workflow_id) ?? []), level]);
  }

  const totals = emptyTally();
  const byCategory = new Map<string, Tally>();
  const byUnit = new Map<string, Tally>();
  const byPeriod = new Map<string, Tally>();
  const groupOf = (groups: Map<string, Tally>, key: string) => groups.get(key) ?? groups.set(key, emptyTally()).get(key)!;
  for (const row of cases) {
    const tallies = [
      totals,
      groupOf(byCategory, row.category),
      groupOf(byUnit, scope.childOf.get(row.grid_id) ?? row.grid_id),
      groupOf(byPeriod, bucketOf(row.submitted_at, period)),
    ];
    const resolved = row.resolved_at !== null && (row.status === 'resolved' || row.status === 'closed');
    for (const tally of tallies) {
      tally.received++;
      if (resolved) {
        tally.resolved++;
        if (row.within_deadline === 1) tally.within++;
        tally.durations.push(Date.parse(row.resolved_at!) - Date.parse(row.submitted_at));
        if (row.reopens > 0) tally.reopened++;
      }
      if (row.rating !== null) tally.ratings.push(row.rating);
      if (row.status === 'cancelled') tally.cancelled++;
      else if (!resolved && row.status !== 'closed') tally.open++;
      for (const level of escalationsOf.get(row.id) ?? []) tally.escalations[level]++;
    }
  }
  return { kind: 'cases', unitId, period, totals: metricsOf(totals), byCategory: rowsOf(byCategory), byUnit: rowsOf(byUnit), byPeriod: rowsOf(byPeriod) };
}
