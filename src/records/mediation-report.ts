/**
 * The mediation report of a unit subtree for a period: mediations begun in the period (by the
 * city's calendar) and their outcomes — agreement reached, fulfilled, breached, declined,
 * referred, withdrawn, still open — in total, by category, by child unit and by day/week/month.
 * Counts only: parties' names and contacts stay in the store.
 */
import type { OrgTree } from '../domain/org-tree';
import { bucketOf, type ReportPeriod } from './report-period';
import { reportScope } from './report-scope';
import { percent } from './report-stats';
import type { RecordsStore } from './store';

/** The figures of one group of mediations. */
export interface MediationMetrics {
  started: number;
  /** An agreement signed by every party came into force. */
  agreement: number;
  agreementRatePercent: number | null;
  fulfilled: number;
  /** A follow-up found the agreement not honoured. */
  breached: number;
  declined: number;
  referred: number;
  withdrawn: number;
  /** Not ended yet (including `failed`, awaiting referral). */
  open: number;
  escalated: number;
}

export interface MediationReport {
  kind: 'mediations';
  unitId: string;
  period: ReportPeriod;
  totals: MediationMetrics;
  byCategory: (MediationMetrics & { key: string })[];
  byUnit: (MediationMetrics & { key: string })[];
  byPeriod: (MediationMetrics & { key: string })[];
}

type Counts = Omit<MediationMetrics, 'agreementRatePercent'>;
const emptyCounts = (): Counts => ({ started: 0, agreement: 0, fulfilled: 0, breached: 0, declined: 0, referred: 0, withdrawn: 0, open: 0, escalated: 0 });
const metricsOf = (counts: Counts): MediationMetrics => ({ ...counts, agreementRatePercent: percent(counts.agreement, counts.started) });
const rowsOf = (groups: Map<string, Counts>) =>
  [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, counts]) => ({ key, ...metricsOf(counts) }));

/** Builds the mediation report of `unitId`'s subtree for `period`. */
export async function mediationReport(store: RecordsStore, org: OrgTree, unitId: string, period: ReportPeriod): Promise<MediationReport> {
  const scope = reportScope(org, unitId);
  const rows = await store.db
    .selectFrom('mediation_records')
    .select(['stage', 'category', 'community_id', 'started_at', 'agreement', 'breached', 'escalations'])
    .where('started_at', '>=', period.fromUtc)
    .where('started_at', '<', period.toUtc)
    .where('community_id', 'in', [...scope.units])
    .execute();
  const totals = emptyCounts();
  const byCategory = new Map<string, Counts>();
  const byUnit = new Map<string, Counts>();
  const byPeriod = new Map<string, Counts>();
  const groupOf = (groups: Map<string, Counts>, key: string) => groups.get(key) ?? groups.set(key, emptyCounts()).get(key)!;
  for (const row of rows) {
    const groups = [
      totals,
      groupOf(byCategory, row.category),
      groupOf(byUnit, scope.childOf.get(row.community_id) ?? row.community_id),
      groupOf(byPeriod, bucketOf(row.started_at, period)),
    ];
    for (const counts of groups) {
      counts.started++;
      if (row.agreement === 1) counts.agreement++;
      if (row.breached === 1) counts.breached++;
      if (row.escalations > 0) counts.escalated++;
      if (row.stage === 'fulfilled') counts.fulfilled++;
      else if (row.stage === 'declined') counts.declined++;
      else if (row.stage === 'referred') counts.referred++;
      else if (row.stage === 'withdrawn') counts.withdrawn++;
      else counts.open++;
    }
  }
  return { kind: 'mediations', unitId, period, totals: metricsOf(totals), byCategory: rowsOf(byCategory), byUnit: rowsOf(byUnit), byPeriod: rowsOf(byPeriod) };
}
