/**
 * Reading a closed execution back from the store once Temporal has deleted it: the same state the
 * workflow's query answered, with the timeline rebuilt from the events in seq order.
 */
import type { CaseState, TimelineEntry } from '../domain/case-model';
import type { MediationState, MediationTimelineEntry } from '../domain/mediation-model';
import type { ObligationState } from '../domain/obligation-model';
import type { CaseSnapshot, MediationSnapshot } from './rows';
import type { RecordsStore } from './store';

async function timelineOf<T>(store: RecordsStore, workflowId: string): Promise<T[]> {
  const rows = await store.db.selectFrom('record_events').select('data').where('workflow_id', '=', workflowId).orderBy('seq').execute();
  return rows.map((row) => JSON.parse(row.data) as T);
}

/** The case as its query last answered, or undefined if the store never heard of it. */
export async function storedCase(store: RecordsStore, id: string): Promise<CaseState | undefined> {
  const row = await store.db.selectFrom('case_records').select('state').where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const snapshot = JSON.parse(row.state) as CaseSnapshot;
  return { ...snapshot, timeline: await timelineOf<TimelineEntry>(store, id) };
}

/** The mediation as its query last answered, or undefined. */
export async function storedMediation(store: RecordsStore, id: string): Promise<MediationState | undefined> {
  const row = await store.db.selectFrom('mediation_records').select('state').where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const snapshot = JSON.parse(row.state) as MediationSnapshot;
  return { ...snapshot, timeline: await timelineOf<MediationTimelineEntry>(store, id) };
}

/** The obligation as its query last answered (its state holds its own period record), or undefined. */
export async function storedObligation(store: RecordsStore, id: string): Promise<ObligationState | undefined> {
  const row = await store.db.selectFrom('obligation_records').select('state').where('id', '=', id).executeTakeFirst();
  return row ? (JSON.parse(row.state) as ObligationState) : undefined;
}
