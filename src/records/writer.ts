/**
 * Writes one batch of events and moves the current-state row forward, in one transaction.
 * Idempotent: an event already stored (same workflow id and seq) is skipped, and a row is only
 * replaced by a batch whose last seq is at least the row's — a retried or replayed batch, or one
 * delivered late, never duplicates an event or turns the state back. A redacted row is final: a
 * batch retried after redaction must not bring personal data back.
 */
import type { Transaction } from 'kysely';
import type { ObligationState } from '../domain/obligation-model';
import type { RecordBatch } from './events';
import { caseRow, factsOf, foldDerived, mediationRow, obligationRow, type CaseSnapshot, type MediationSnapshot } from './rows';
import type { RecordsDatabase } from './schema';
import type { RecordsStore } from './store';

/** What a write did: how many events were new (0 when the batch had been written before). */
export interface WriteResult {
  inserted: number;
  rowUpdated: boolean;
}

/** Writes `batch`; safe to call any number of times with the same batch. */
export async function writeBatch(store: RecordsStore, batch: RecordBatch, now: Date = new Date()): Promise<WriteResult> {
  const events = [...batch.events].sort((a, b) => a.seq - b.seq);
  const recordedAt = now.toISOString();
  return store.db.transaction().execute(async (trx) => {
    let inserted = 0;
    const last = events.at(-1);
    for (const event of events) {
      const result = await trx
        .insertInto('record_events')
        .values({
          workflow_id: batch.workflowId,
          seq: event.seq,
          kind: batch.kind,
          type: event.type,
          at: event.at,
          data: JSON.stringify(event.data),
          state: event === last ? JSON.stringify(batch.state) : null,
          recorded_at: recordedAt,
        })
        .onConflict((conflict) => conflict.columns(['workflow_id', 'seq']).doNothing())
        .executeTakeFirst();
      inserted += Number(result.numInsertedOrUpdatedRows ?? 0n);
    }
    const lastSeq = last?.seq ?? 0;
    const rowUpdated = await upsertCurrent(trx, batch, lastSeq, inserted > 0 ? events : [], recordedAt);
    return { inserted, rowUpdated };
  });
}

async function upsertCurrent(
  trx: Transaction<RecordsDatabase>,
  batch: RecordBatch,
  lastSeq: number,
  newEvents: RecordBatch['events'],
  now: string,
): Promise<boolean> {
  switch (batch.kind) {
    case 'case': {
      const previous = await trx
        .selectFrom('case_records')
        .select(['last_seq', 'within_deadline', 'redacted_at'])
        .where('id', '=', batch.workflowId)
        .executeTakeFirst();
      if (previous && (previous.last_seq > lastSeq || previous.redacted_at !== null)) return false;
      const row = caseRow(batch.state as unknown as CaseSnapshot, foldDerived(factsOf(previous), newEvents), lastSeq, now);
      const { id: _id, ...update } = row;
      await trx
        .insertInto('case_records')
        .values(row)
        .onConflict((conflict) => conflict.column('id').doUpdateSet(update))
        .execute();
      return true;
    }
    case 'mediation': {
      const previous = await trx
        .selectFrom('mediation_records')
        .select(['last_seq', 'agreement', 'breached', 'redacted_at'])
        .where('id', '=', batch.workflowId)
        .executeTakeFirst();
      if (previous && (previous.last_seq > lastSeq || previous.redacted_at !== null)) return false;
      const row = mediationRow(batch.state as unknown as MediationSnapshot, foldDerived(factsOf(previous), newEvents), lastSeq, now);
      const { id: _id, ...update } = row;
      await trx
        .insertInto('mediation_records')
        .values(row)
        .onConflict((conflict) => conflict.column('id').doUpdateSet(update))
        .execute();
      return true;
    }
    case 'obligation': {
      const previous = await trx.selectFrom('obligation_records').select(['last_seq']).where('id', '=', batch.workflowId).executeTakeFirst();
      if (previous && previous.last_seq > lastSeq) return false;
      const row = obligationRow(batch.state as unknown as ObligationState, lastSeq, now);
      const { id: _id, ...update } = row;
      await trx
        .insertInto('obligation_records')
        .values(row)
        .onConflict((conflict) => conflict.column('id').doUpdateSet(update))
        .execute();
      return true;
    }
  }
}
