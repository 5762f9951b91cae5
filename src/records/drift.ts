/**
 * Drift between Temporal and the records store: every open execution should have an open row,
 * and every open row an open execution. Records trail their workflow by a moment (and by the
 * length of a store outage), so a drift seen once may be a record in flight; one that stays is
 * what `npm run records:rebuild` or an operator should look at.
 */
import type { Client } from '@temporalio/client';
import { FINAL_STATUSES } from '../domain/case-model';
import { FINAL_MEDIATION_STAGES } from '../domain/mediation-model';
import { KIND, STATUS } from '../temporal/search-attributes';
import type { RecordKind } from './events';
import type { RecordsStore } from './store';

/** An execution or row as the drift check compares it. */
export interface OpenWork {
  id: string;
  kind: RecordKind;
  /** Status (cases, obligations) or stage (mediations); obligations' visibility status is met/pending. */
  status: string;
}

/** What differs. Empty arrays everywhere: no drift. */
export interface DriftReport {
  checkedAt: string;
  openInTemporal: number;
  openInStore: number;
  /** Running in Temporal, no row at all in the store. */
  missingInStore: OpenWork[];
  /** Running in Temporal, but the store holds it as ended. */
  endedInStore: OpenWork[];
  /** Open in the store, not running in Temporal (ended or deleted without its last record). */
  notRunningInTemporal: OpenWork[];
  /** Open in both with a different status or stage (cases and mediations). */
  statusDiffers: { id: string; kind: RecordKind; temporal: string; store: string }[];
}

/** Open executions of the three workflow types, from visibility. */
export async function openExecutions(client: Client, limit = 1_000_000): Promise<OpenWork[]> {
  const open: OpenWork[] = [];
  const query = `ExecutionStatus = 'Running' AND ${KIND.name} IN ('case', 'mediation', 'obligation')`;
  for await (const execution of client.workflow.list({ query })) {
    const kind = execution.typedSearchAttributes.get(KIND) as RecordKind | undefined;
    if (!kind) continue;
    open.push({ id: execution.workflowId, kind, status: execution.typedSearchAttributes.get(STATUS) ?? '' });
    if (open.length >= limit) break;
  }
  return open;
}

/** Every row of the store, open or not, with whether it is open. */
async function storeRows(store: RecordsStore): Promise<(OpenWork & { open: boolean })[]> {
  const [cases, mediations, obligations] = await Promise.all([
    store.db.selectFrom('case_records').select(['id', 'status']).execute(),
    store.db.selectFrom('mediation_records').select(['id', 'stage']).execute(),
    store.db.selectFrom('obligation_records').select(['id', 'status']).execute(),
  ]);
  return [
    ...cases.map((row) => ({ id: row.id, kind: 'case' as const, status: row.status, open: !(FINAL_STATUSES as readonly string[]).includes(row.status) })),
    ...mediations.map((row) => ({
      id: row.id,
      kind: 'mediation' as const,
      status: row.stage,
      open: !(FINAL_MEDIATION_STAGES as readonly string[]).includes(row.stage),
    })),
    ...obligations.map((row) => ({ id: row.id, kind: 'obligation' as const, status: row.status, open: row.status !== 'ended' })),
  ];
}

/** Compares what Temporal has open with what the store has. */
export async function driftReport(store: RecordsStore, temporalOpen: readonly OpenWork[], now: Date = new Date()): Promise<DriftReport> {
  const rows = new Map((await storeRows(store)).map((row) => [row.id, row]));
  const running = new Map(temporalOpen.map((work) => [work.id, work]));
  const report: DriftReport = {
    checkedAt: now.toISOString(),
    openInTemporal: temporalOpen.length,
    openInStore: [...rows.values()].filter((row) => row.open).length,
    missingInStore: [],
    endedInStore: [],
    notRunningInTemporal: [],
    statusDiffers: [],
  };
  for (const work of temporalOpen) {
    const row = rows.get(work.id);
    if (!row) report.missingInStore.push(work);
    else if (!row.open) report.endedInStore.push(work);
    else if (work.kind !== 'obligation' && row.status !== work.status)
      report.statusDiffers.push({ id: work.id, kind: work.kind, temporal: work.status, store: row.status });
  }
  for (const row of rows.values()) {
    if (row.open && !running.has(row.id)) report.notRunningInTemporal.push({ id: row.id, kind: row.kind, status: row.status });
  }
  return report;
}

/** True when the report shows any drift. */
export function hasDrift(report: DriftReport): boolean {
  return report.missingInStore.length + report.endedInStore.length + report.notRunningInTemporal.length + report.statusDiffers.length > 0;
}
