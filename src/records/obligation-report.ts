/**
 * The obligation report of a unit subtree for a period: contact periods that ended in the period
 * (by the city's calendar), met or missed, with compliance per contacted unit, per person (who
 * held the obligation in that period), per child unit and per day/week/month.
 */
import type { OrgTree } from '../domain/org-tree';
import { bucketOf, type ReportPeriod } from './report-period';
import { reportScope } from './report-scope';
import { percent } from './report-stats';
import type { RecordsStore } from './store';

/** Compliance of one group: closed periods, met and missed. */
export interface ComplianceMetrics {
  periods: number;
  met: number;
  missed: number;
  compliancePercent: number | null;
  /** Misses that escalated (the configured number of misses in a row). */
  escalations: number;
}

export interface ObligationReport {
  kind: 'obligations';
  unitId: string;
  period: ReportPeriod;
  totals: ComplianceMetrics;
  /** By the unit contacted. */
  byUnit: (ComplianceMetrics & { key: string })[];
  /** By the child unit of the requested one holding the contacted unit. */
  byChildUnit: (ComplianceMetrics & { key: string })[];
  /** By the staff member who held the obligation in that period. */
  byPerson: (ComplianceMetrics & { key: string })[];
  byPeriod: (ComplianceMetrics & { key: string })[];
}

/** What a `period_closed` event says. */
interface PeriodClosed {
  endAt: string;
  met: boolean;
  obligeeId: string;
  unitId: string;
  escalated?: boolean;
}

type Counts = Omit<ComplianceMetrics, 'compliancePercent'>;
const emptyCounts = (): Counts => ({ periods: 0, met: 0, missed: 0, escalations: 0 });
const metricsOf = (counts: Counts): ComplianceMetrics => ({ ...counts, compliancePercent: percent(counts.met, counts.periods) });
const rowsOf = (groups: Map<string, Counts>) =>
  [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, counts]) => ({ key, ...metricsOf(counts) }));

/** Builds the obligation report of `unitId`'s subtree for `period`. */
export async function obligationReport(store: RecordsStore, org: OrgTree, unitId: string, period: ReportPeriod): Promise<ObligationReport> {
  const scope = reportScope(org, unitId);
  // A period closes (its event is written) at its end: the event time places it in the report period.
  const events = await store.db
    .selectFrom('record_events')
    .select('data')
    .where('kind', '=', 'obligation')
    .where('type', '=', 'period_closed')
    .where('at', '>=', period.fromUtc)
    .where('at', '<', period.toUtc)
    .execute();
  const totals = emptyCounts();
  const byUnit = new Map<string, Counts>();
  const byChildUnit = new Map<string, Counts>();
  const byPerson = new Map<string, Counts>();
  const byPeriod = new Map<string, Counts>();
  const groupOf = (groups: Map<string, Counts>, key: string) => groups.get(key) ?? groups.set(key, emptyCounts()).get(key)!;
  for (const event of events) {
    const closed = JSON.parse(event.data) as PeriodClosed;
    if (!scope.units.has(closed.unitId)) continue;
    const groups = [
      totals,
      groupOf(byUnit, closed.unitId),
      groupOf(byChildUnit, scope.childOf.get(closed.unitId) ?? closed.unitId),
      groupOf(byPerson, closed.obligeeId),
      groupOf(byPeriod, bucketOf(closed.endAt, period)),
    ];
    for (const counts of groups) {
      counts.periods++;
      if (closed.met) counts.met++;
      else counts.missed++;
      if (closed.escalated) counts.escalations++;
    }
  }
  return {
    kind: 'obligations',
    unitId,
    period,
    totals: metricsOf(totals),
    byUnit: rowsOf(byUnit),
    byChildUnit: rowsOf(byChildUnit),
    byPerson: rowsOf(byPerson),
    byPeriod: rowsOf(byPeriod),
  };
}
