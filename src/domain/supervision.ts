/**
 * What supervisors look at: overdue cases, cases about to breach, load per assignee and counts by
 * status × level for each child unit. Pure aggregation over case summaries from visibility.
 */
import type { CaseStatus } from './case-model';
import type { Level, Priority } from './vocabulary';

/** One case as the search attributes describe it. */
export interface CaseSummary {
  id: string;
  status: CaseStatus;
  level: Level;
  unitId: string;
  /** The case's grid and all its ancestors. */
  units: string[];
  assigneeId: string;
  category: string;
  priority: Priority;
  dueAt?: string | undefined;
  overdue: boolean;
  submittedAt: string;
  open: boolean;
}

/** An overdue case with how long it has been overdue. */
export interface OverdueCase extends CaseSummary {
  overdueMs: number;
}

/** Open cases past their deadline (or flagged overdue at the top), longest overdue first. */
export function overdueCases(cases: readonly CaseSummary[], nowMs: number): OverdueCase[] {
  return cases
    .filter((c) => c.open && (c.overdue || (c.dueAt !== undefined && Date.parse(c.dueAt) < nowMs)))
    .map((c) => ({ ...c, overdueMs: c.dueAt === undefined ? 0 : Math.max(nowMs - Date.parse(c.dueAt), 0) }))
    .sort((a, b) => b.overdueMs - a.overdueMs);
}

/**
 * Open cases that are overdue or have been escalated above their grid: what a supervisor's board
 * shows. Overdue ones first, longest overdue first; then escalated ones by level, highest first.
 */
export function overdueOrEscalated(cases: readonly CaseSummary[], nowMs: number): OverdueCase[] {
  const overdue = overdueCases(cases, nowMs);
  const seen = new Set(overdue.map((c) => c.id));
  const rank: Record<Level, number> = { district: 0, street: 1, community: 2, grid: 3 };
  const escalated = cases
    .filter((c) => c.open && c.level !== 'grid' && !seen.has(c.id))
    .map((c) => ({ ...c, overdueMs: 0 }))
    .sort((a, b) => rank[a.level] - rank[b.level] || Date.parse(a.submittedAt) - Date.parse(b.submittedAt));
  return [...overdue, ...escalated];
}

/** Open cases whose deadline falls within the next `withinMs`, soonest first. */
export function breachingSoon(cases: readonly CaseSummary[], nowMs: number, withinMs: number): CaseSummary[] {
  return cases
    .filter((c) => c.open && !c.overdue && c.dueAt !== undefined)
    .filter((c) => {
      const due = Date.parse(c.dueAt!);
      return due >= nowMs && due <= nowMs + withinMs;
    })
    .sort((a, b) => Date.parse(a.dueAt!) - Date.parse(b.dueAt!));
}

/** Counts by status × level. */
export type StatusLevelCounts = Partial<Record<CaseStatus, Partial<Record<Level, number>>>>;

export function countByStatusAndLevel(cases: readonly CaseSummary[]): StatusLevelCounts {
  const counts: StatusLevelCounts = {};
  for (const c of cases) {
    const row = (counts[c.status] ??= {});
    row[c.level] = (row[c.level] ?? 0) + 1;
  }
  return counts;
}

/** Open and overdue cases per assignee, heaviest load first. */
export function loadByAssignee(cases: readonly CaseSummary[], nowMs: number): { assigneeId: string; open: number; overdue: number }[] {
  const overdue = new Set(overdueCases(cases, nowMs).map((c) => c.id));
  const load = new Map<string, { assigneeId: string; open: number; overdue: number }>();
  for (const c of cases.filter((x) => x.open)) {
    const entry = load.get(c.assigneeId) ?? { assigneeId: c.assigneeId, open: 0, overdue: 0 };
    entry.open++;
    if (overdue.has(c.id)) entry.overdue++;
    load.set(c.assigneeId, entry);
  }
  return [...load.values()].sort((a, b) => b.open - a.open || a.assigneeId.localeCompare(b.assigneeId));
}

/** Per child unit of the scope: open and overdue totals and counts by status × level. */
export function byChildUnit(cases: readonly CaseSummary[], childIds: readonly string[], nowMs: number) {
  const overdue = new Set(overdueCases(cases, nowMs).map((c) => c.id));
  return childIds.map((unitId) => {
    const inChild = cases.filter((c) => c.units.includes(unitId));
    return {
      unitId,
      open: inChild.length,
      overdue: inChild.filter((c) => overdue.has(c.id)).length,
      byStatusAndLevel: countByStatusAndLevel(inChild),
    };
  });
}
