/**
 * Reads obligations from Temporal visibility: current-period status and running totals are
 * search attributes, so listings and compliance need no query per obligation.
 */
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { ASSIGNEE, DUE_AT, MET_PERIODS, MISSED_PERIODS, OVERDUE, STATUS, UNIT, UNITS } from '../temporal/search-attributes';
import { OBLIGATION_WORKFLOW_TYPE } from '../workflows/obligation-definitions';

export interface ObligationSummary {
  id: string;
  obligeeId: string;
  unitId: string;
  /** Current period: `met`, `pending`, or `ended`. */
  status: string;
  periodEndsAt?: string | undefined;
  met: number;
  missed: number;
  /** Missed enough periods in a row to have escalated. */
  escalated: boolean;
}

export function toObligationSummary(execution: WorkflowExecutionInfo): ObligationSummary {
  const a = execution.typedSearchAttributes;
  return {
    id: execution.workflowId,
    obligeeId: a.get(ASSIGNEE) ?? '',
    unitId: a.get(UNIT) ?? '',
    status: a.get(STATUS) ?? 'pending',
    periodEndsAt: a.get(DUE_AT)?.toISOString(),
    met: a.get(MET_PERIODS) ?? 0,
    missed: a.get(MISSED_PERIODS) ?? 0,
    escalated: a.get(OVERDUE) ?? false,
  };
}

/** Active obligations in the subtree of `unit` (optionally with a current-period status). */
export async function listObligations(client: Client, unit: string, status: string | undefined, limit: number): Promise<ObligationSummary[]> {
  const clauses = [`WorkflowType = '${OBLIGATION_WORKFLOW_TYPE}'`, `${UNITS.name} = '${unit}'`, `ExecutionStatus = 'Running'`];
  if (status) clauses.push(`${STATUS.name} = '${status}'`);
  const items: ObligationSummary[] = [];
  for await (const execution of client.workflow.list({ query: clauses.join(' AND '), pageSize: Math.min(limit, 1_000) })) {
    items.push(toObligationSummary(execution));
    if (items.length >= limit) break;
  }
  return items;
}

/** Met/missed totals and rate for one group (a unit or a person). */
export interface ComplianceRow {
  id: string;
  obligations: number;
  currentMet: number;
  met: number;
  missed: number;
  /** met / (met + missed), or null before any period has closed. */
  rate: number | null;
  escalated: number;
}

/** Groups obligation summaries by `key` into compliance rows, worst rate first. */
export function complianceBy(items: readonly ObligationSummary[], key: (item: ObligationSummary) => string): ComplianceRow[] {
  const rows = new Map<string, ComplianceRow>();
  for (const item of items) {
    const id = key(item);
    const row = rows.get(id) ?? { id, obligations: 0, currentMet: 0, met: 0, missed: 0, rate: null, escalated: 0 };
    row.obligations++;
    if (item.status === 'met') row.currentMet++;
    row.met += item.met;
    row.missed += item.missed;
    if (item.escalated) row.escalated++;
    rows.set(id, row);
  }
  return [...rows.values()]
    .map((row) => ({ ...row, rate: row.met + row.missed === 0 ? null : row.met / (row.met + row.missed) }))
    .sort((a, b) => (a.rate ?? 1) - (b.rate ?? 1) || a.id.localeCompare(b.id));
}
