/**
 * A staff member's open work from the records store's current-state rows, one page at a time:
 * open cases they are assigned, open mediations they mediate, active obligations they hold. Pages
 * are keyed by id (`after`), so items handed over meanwhile drop out without shifting the rest.
 * The rows follow each workflow within the records activity's latency; the hand-over lists in
 * passes, so what a row shows late is caught by the next pass.
 */
import { sql } from 'kysely';
import { FINAL_STATUSES } from '../domain/case-model';
import type { HandOverItemRef, HandOverKind } from '../domain/hand-over';
import { FINAL_MEDIATION_STAGES } from '../domain/mediation-model';
import type { MediationSnapshot } from './rows';
import type { RecordsStore } from './store';

export interface OpenWorkPage {
  items: HandOverItemRef[];
  /** The id to pass as `after` for the next page; absent on the last page. */
  next?: string | undefined;
}

export interface OpenWorkRequest {
  staffId: string;
  kind: HandOverKind;
  after?: string | undefined;
  limit: number;
}

/** One page of `staffId`'s open work of one kind, in id order. */
export async function openWorkOf(store: RecordsStore, request: OpenWorkRequest): Promise<OpenWorkPage> {
  switch (request.kind) {
    case 'case':
      return openCases(store, request);
    case 'mediation':
      return openMediations(store, request);
    case 'obligation':
      return openObligations(store, request);
  }
}

function pageOf(kind: HandOverKind, ids: string[], limit: number): OpenWorkPage {
  return { items: ids.map((id) => ({ kind, id })), next: ids.length >= limit ? ids.at(-1) : undefined };
}

async function openCases(store: RecordsStore, { staffId, after, limit }: OpenWorkRequest): Promise<OpenWorkPage> {
  let query = store.db
    .selectFrom('case_records')
    .select('id')
    .where('assignee_id', '=', staffId)
    .where('closed_at', 'is', null)
    .where('status', 'not in', [...FINAL_STATUSES]);
  if (after !== undefined) query = query.where('id', '>', after);
  const rows = await query.orderBy('id').limit(limit).execute();
  return pageOf(
    'case',
    rows.map((row) => row.id),
    limit,
  );
}

/** `%`, `_` and the escape character itself match literally in a LIKE pattern. */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/**
 * The mediator is inside the state's JSON (no column of its own): a LIKE on the serialised field
 * narrows the scan on both SQLite and PostgreSQL, and the parsed state decides (a session's
 * `mediatorId` matches the pattern too).
 */
async function openMediations(store: RecordsStore, { staffId, after, limit }: OpenWorkRequest): Promise<OpenWorkPage> {
  const pattern = `%${likeLiteral(JSON.stringify({ mediatorId: staffId }).slice(1, -1))}%`;
  let query = store.db
    .selectFrom('mediation_records')
    .select(['id', 'state'])
    .where('closed_at', 'is', null)
    .where('stage', 'not in', [...FINAL_MEDIATION_STAGES])
    .where(sql<boolean>`state like ${pattern} escape '\\'`);
  if (after !== undefined) query = query.where('id', '>', after);
  const rows = await query.orderBy('id').limit(limit).execute();
  const held = rows.filter((row) => (JSON.parse(row.state) as MediationSnapshot).mediatorId === staffId).map((row) => row.id);
  return { items: held.map((id) => ({ kind: 'mediation', id })), next: rows.length >= limit ? rows.at(-1)?.id : undefined };
}

async function openObligations(store: RecordsStore, { staffId, after, limit }: OpenWorkRequest): Promise<OpenWorkPage> {
  let query = store.db
    .selectFrom('obligation_records')
    .select('id')
    .where('obligee_id', '=', staffId)
    .where('ended_at', 'is', null)
    .where('status', '!=', 'ended');
  if (after !== undefined) query = query.where('id', '>', after);
  const rows = await query.orderBy('id').limit(limit).execute();
  return pageOf(
    'obligation',
    rows.map((row) => row.id),
    limit,
  );
}
