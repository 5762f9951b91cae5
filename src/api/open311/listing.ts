// i18n-exempt-file: GeoReport v2 error descriptions are for the integrating developer, in English.
/**
 * `GET requests`: the date window the spec prescribes (at most 90 days, the last 90 by default),
 * selection through Temporal visibility, and the snapshots of what was selected.
 *
 * Visibility picks the cases (window, service codes, status) and gives finished cases whole: their
 * state is final and the memo holds what they were. Running cases are asked for their state with
 * the `getCase` query, a few at a time, because only the workflow knows when it last changed
 * (visibility keeps no update time) and Open311 clients poll exactly these for news.
 */
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import { DateTime } from 'luxon';
import { CASE_STATUSES } from '../../domain/case-model';
import { CATEGORY, STATUS } from '../../temporal/search-attributes';
import { CASE_WORKFLOW_TYPE, caseWorkflowId, getCaseQuery } from '../../workflows/case-definitions';
import { caseFactsFromMemo } from '../case-submission';
import { caseQuery } from '../case-visibility';
import { open311Status, snapshotOfClosedExecution, snapshotOfState, type RequestSnapshot } from './requests';

/** The longest window a query may span, and the default one. */
export const MAX_WINDOW_DAYS = 90;
/** The spec's response volume: at most this many requests per answer. */
export const MAX_RESULTS = 1000;
/** Queries in flight at once when reading running cases. */
const QUERY_CONCURRENCY = 8;

/** The requested_datetime range of a listing. */
export interface RequestWindow {
  from: Date;
  to: Date;
}

/** Parses a w3 datetime; one without an offset is read in the city's zone. */
function parseW3c(value: string, timeZone: string): Date | undefined {
  const parsed = DateTime.fromISO(value, { zone: timeZone });
  return parsed.isValid ? parsed.toJSDate() : undefined;
}

/**
 * The window of `start_date`/`end_date`: both given must be in order and at most 90 days apart;
 * one given extends 90 days from it; none gives the last 90 days. Returns why not, as errors.
 */
export function requestWindow(startDate: string | undefined, endDate: string | undefined, now: Date, timeZone: string): RequestWindow | { errors: string[] } {
  const span = MAX_WINDOW_DAYS * 86_400_000;
  const from = startDate === undefined ? undefined : parseW3c(startDate, timeZone);
  const to = endDate === undefined ? undefined : parseW3c(endDate, timeZone);
  const errors: string[] = [];
  if (startDate !== undefined && !from) errors.push('start_date: must be a w3 datetime such as 2026-05-01T00:00:00+08:00');
  if (endDate !== undefined && !to) errors.push('end_date: must be a w3 datetime such as 2026-05-31T23:59:59+08:00');
  if (errors.length > 0) return { errors };
  if (from && to) {
    if (to < from) return { errors: ['end_date: must not be before start_date'] };
    if (to.getTime() - from.getTime() > span) return { errors: [`start_date, end_date: may not span more than ${MAX_WINDOW_DAYS} days`] };
    return { from, to };
  }
  if (from) return { from, to: new Date(from.getTime() + span) };
  if (to) return { from: new Date(to.getTime() - span), to };
  return { from: new Date(now.getTime() - span), to: now };
}

/** Filters of a listing. */
export interface ListFilter {
  rootUnitId: string;
  window: RequestWindow;
  /** The services to list: known category ids (so safe to quote), never all categories. */
  serviceCodes: readonly string[];
  /** Empty or both: every status. */
  statuses: readonly ('open' | 'closed')[];
}

/** The visibility query: every case of the district in the window, latest run only. */
export function listingQuery(filter: ListFilter): string {
  const quote = (values: readonly string[]) => values.map((value) => `'${value}'`).join(', ');
  const clauses = [
    caseQuery({ unit: filter.rootUnitId }),
    // A continued-as-new run is the same case: list the latest run only.
    `ExecutionStatus != 'ContinuedAsNew'`,
    `StartTime >= '${filter.window.from.toISOString()}'`,
    `StartTime <= '${filter.window.to.toISOString()}'`,
    `${CATEGORY.name} IN (${quote(filter.serviceCodes)})`,
  ];
  const wanted = new Set(filter.statuses);
  if (wanted.size === 1) {
    const statuses = CASE_STATUSES.filter((status) => wanted.has(open311Status(status)));
    clauses.push(`${STATUS.name} IN (${quote(statuses)})`);
  }
  return clauses.join(' AND ');
}

/** Runs `fn` over `items` with at most `limit` in flight, keeping the order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  });
  await Promise.all(workers);
  return results;
}

/** The current snapshot of one case by id (query + memo), or undefined when no such case exists. */
export async function readSnapshot(client: Client, caseId: string): Promise<RequestSnapshot | undefined> {
  const handle = client.workflow.getHandle(caseWorkflowId(caseId));
  try {
    // Describe first: an id of another kind of workflow must be "not found", not a failed query.
    const description = await handle.describe();
    if (description.type !== CASE_WORKFLOW_TYPE) return undefined;
    return snapshotOfState(await handle.query(getCaseQuery), caseFactsFromMemo(description.memo));
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}

/** True when a case with this id exists (running, or closed within retention). */
export async function caseExists(client: Client, caseId: string): Promise<boolean> {
  try {
    return (await client.workflow.getHandle(caseWorkflowId(caseId)).describe()).type === CASE_WORKFLOW_TYPE;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}

/** The snapshot of a listed execution: finished ones from visibility, running ones (and old ones without facts) by query. */
async function snapshotOf(client: Client, execution: WorkflowExecutionInfo): Promise<RequestSnapshot | undefined> {
  const facts = caseFactsFromMemo(execution.memo);
  if (execution.status.name !== 'RUNNING' && facts) return snapshotOfClosedExecution(execution, facts);
  try {
    return snapshotOfState(await client.workflow.getHandle(caseWorkflowId(execution.workflowId)).query(getCaseQuery), facts);
  } catch (error) {
    // Gone between listing and asking (retention): not listed.
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}

/**
 * The listing, newest first. Visibility lags the workflows a little, so the status and service
 * filters are applied again to the snapshots: an answer never contradicts its own filter.
 */
export async function listRequests(client: Client, filter: ListFilter): Promise<RequestSnapshot[]> {
  if (filter.serviceCodes.length === 0) return [];
  const executions: WorkflowExecutionInfo[] = [];
  for await (const execution of client.workflow.list({ query: listingQuery(filter), pageSize: MAX_RESULTS })) {
    executions.push(execution);
    if (executions.length >= MAX_RESULTS) break;
  }
  const snapshots = await mapLimit(executions, QUERY_CONCURRENCY, (execution) => snapshotOf(client, execution));
  const statuses = new Set(filter.statuses);
  const codes = new Set(filter.serviceCodes);
  return snapshots
    .filter((snapshot): snapshot is RequestSnapshot => snapshot !== undefined)
    .filter((snapshot) => statuses.size === 0 || statuses.has(open311Status(snapshot.status)))
    .filter((snapshot) => codes.has(snapshot.category))
    .sort((a, b) => Date.parse(b.facts.submittedAt) - Date.parse(a.facts.submittedAt));
}

/** Which of `ids` exist, as snapshots, in the order asked. */
export async function readSnapshots(client: Client, ids: readonly string[]): Promise<RequestSnapshot[]> {
  const snapshots = await mapLimit(ids, QUERY_CONCURRENCY, (id) => readSnapshot(client, id));
  return snapshots.filter((snapshot): snapshot is RequestSnapshot => snapshot !== undefined);
}
