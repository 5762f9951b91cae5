/**
 * Reads cases from Temporal visibility: lists and boards come from the search attributes every
 * case keeps current, without asking each workflow (which would cost a query per case).
 */
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import type { CaseSummary } from '../domain/supervision';
import type { Level, Priority } from '../domain/vocabulary';
import type { CaseStatus } from '../domain/case-model';
import { ASSIGNEE, CATEGORY, DUE_AT, LEVEL, OVERDUE, PRIORITY, STATUS, UNIT, UNITS } from '../temporal/search-attributes';
import { CASE_WORKFLOW_TYPE } from '../workflows/case-definitions';

/** Filters of a case listing; ids are validated by the routes, so they are safe to quote. */
export interface CaseFilter {
  unit: string;
  status?: CaseStatus | undefined;
  level?: Level | undefined;
  assignee?: string | undefined;
  overdue?: boolean | undefined;
  /** Only executions still running. */
  openOnly?: boolean | undefined;
  /** Only cases whose deadline is before this instant (or flagged overdue). */
  dueBefore?: Date | undefined;
}

/** The visibility query for a filter. */
export function caseQuery(filter: CaseFilter): string {
  const clauses = [`WorkflowType = '${CASE_WORKFLOW_TYPE}'`, `${UNITS.name} = '${filter.unit}'`];
  if (filter.openOnly) clauses.push(`ExecutionStatus = 'Running'`);
  if (filter.status) clauses.push(`${STATUS.name} = '${filter.status}'`);
  if (filter.level) clauses.push(`${LEVEL.name} = '${filter.level}'`);
  if (filter.assignee) clauses.push(`${ASSIGNEE.name} = '${filter.assignee}'`);
  if (filter.overdue !== undefined) clauses.push(`${OVERDUE.name} = ${filter.overdue}`);
  if (filter.dueBefore) clauses.push(`(${OVERDUE.name} = true OR ${DUE_AT.name} < '${filter.dueBefore.toISOString()}')`);
  return clauses.join(' AND ');
}

/** A case as visibility knows it. */
export function toCaseSummary(execution: WorkflowExecutionInfo): CaseSummary {
  const attributes = execution.typedSearchAttributes;
  return {
    id: execution.workflowId,
    status: (attributes.get(STATUS) ?? 'assigned') as CaseStatus,
    level: (attributes.get(LEVEL) ?? 'grid') as Level,
    unitId: attributes.get(UNIT) ?? '',
    units: attributes.get(UNITS) ?? [],
    assigneeId: attributes.get(ASSIGNEE) ?? '',
    category: attributes.get(CATEGORY) ?? '',
    priority: (attributes.get(PRIORITY) ?? 'normal') as Priority,
    dueAt: attributes.get(DUE_AT)?.toISOString(),
    overdue: attributes.get(OVERDUE) ?? false,
    submittedAt: execution.startTime.toISOString(),
    open: execution.status.name === 'RUNNING',
  };
}

/** Lists matching cases, at most `limit`. */
export async function listCases(client: Client, filter: CaseFilter, limit: number): Promise<CaseSummary[]> {
  const items: CaseSummary[] = [];
  for await (const execution of client.workflow.list({ query: caseQuery(filter), pageSize: Math.min(limit, 1_000) })) {
    items.push(toCaseSummary(execution));
    if (items.length >= limit) break;
  }
  return items;
}
