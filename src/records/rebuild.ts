/**
 * Rebuilds every current-state row from the events: the state stored with the newest batch of
 * each execution, and the facts folded from all its events — the same fold the writer uses, so a
 * rebuilt row equals the row the writer kept. For a row lost or damaged (a restore, a bad manual
 * edit); the events are the record, the rows a view of it.
 */
import type { ObligationState } from '../domain/obligation-model';
import type { RecordEvent, RecordKind } from './events';
import { caseRow, foldDerived, mediationRow, NO_FACTS, obligationRow, type CaseSnapshot, type MediationSnapshot } from './rows';
import type { RecordsStore } from './store';

/** How many rows of each kind were written. */
export type RebuildResult = Record<RecordKind, number>;

/** Rebuilds all rows (or only those of `workflowIds`) in one transaction. */
export async function rebuildCurrentState(store: RecordsStore, options: { workflowIds?: string[]; now?: Date } = {}): Promise<RebuildResult> {
  const now = (options.now ?? new Date()).toISOString();
  return store.db.transaction().execute(async (trx) => {
    let query = trx.selectFrom('record_events').select(['workflow_id', 'seq', 'kind', 'type', 'at', 'data', 'state']).orderBy('workflow_id').orderBy('seq');
    if (options.workflowIds) query = query.where('workflow_id', 'in', options.workflowIds.length > 0 ? options.workflowIds : ['']);
    const rows = await query.execute();
    const byExecution = new Map<string, typeof rows>();
    for (const row of rows) byExecution.set(row.workflow_id, [...(byExecution.get(row.workflow_id) ?? []), row]);

    const result: RebuildResult = { case: 0, mediation: 0, obligation: 0 };
    for (const [id, events] of byExecution) {
      const latest = events.filter((event) => event.state !== null).at(-1);
      if (!latest) continue;
      const kind = latest.kind;
      const lastSeq = latest.seq;
      const state = JSON.parse(latest.state!) as Record<string, unknown>;
      const facts = foldDerived(NO_FACTS, events.filter((event) => event.seq <= lastSeq).map(toEvent));
      // Redaction is a fact about the row (its events were redacted with it): a rebuild keeps it.
      const redacted =
        kind === 'obligation'
          ? undefined
          : await trx
              .selectFrom(kind === 'case' ? 'case_records' : 'mediation_records')
              .select('redacted_at')
              .where('id', '=', id)
              .executeTakeFirst();
      if (kind === 'case') {
        const row = { ...caseRow(state as unknown as CaseSnapshot, facts, lastSeq, now), redacted_at: redacted?.redacted_at ?? null };
        const { id: _id, ...update } = row;
        await trx
          .insertInto('case_records')
          .values(row)
          .onConflict((conflict) => conflict.column('id').doUpdateSet(update))
          .execute();
      } else if (kind === 'mediation') {
        const row = { ...mediationRow(state as unknown as MediationSnapshot, facts, lastSeq, now), redacted_at: redacted?.redacted_at ?? null };
        const { id: _id, ...update } = row;
        await trx
          .insertInto('mediation_records')
          .values(row)
          .onConflict((conflict) => conflict.column('id').doUpdateSet(update))
          .execute();
      } else {
        const row = obligationRow(state as unknown as ObligationState, lastSeq, now);
        const { id: _id, ...update } = row;
        await trx
          .insertInto('obligation_records')
          .values(row)
          .onConflict((conflict) => conflict.column('id').doUpdateSet(update))
          .execute();
      }
      result[kind]++;
    }
    return result;
  });
}

function toEvent(row: { seq: number; type: string; at: string; data: string }): RecordEvent {
  return { seq: row.seq, type: row.type, at: row.at, data: JSON.parse(row.data) as Record<string, unknown> };
}
