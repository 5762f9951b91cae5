/**
 * Back-fill for cases and mediations that were running before the records store existed: their
 * runs started without recording (`patched('records-store')` is off for them) and write nothing
 * until their next continue-as-new. This asks each such execution for its state and writes its
 * timeline under the same keys (workflow id + timeline seq) the workflow itself will use, so
 * whatever it records later joins without a gap or a duplicate. Obligations are left alone: they
 * start recording at their next period, with a sequence of their own.
 */
import type { Client } from '@temporalio/client';
import type { CaseState } from '../domain/case-model';
import type { MediationState } from '../domain/mediation-model';
import { getCaseQuery } from '../workflows/case-definitions';
import { getMediationQuery } from '../workflows/mediation-definitions';
import type { OpenWork } from './drift';
import type { RecordBatch } from './events';
import type { RecordsStore } from './store';
import { writeBatch } from './writer';

/** What the back-fill wrote, and what it could not read. */
export interface BackfillResult {
  cases: number;
  mediations: number;
  failed: { id: string; error: string }[];
}

function batchOf(kind: 'case' | 'mediation', state: CaseState | MediationState): RecordBatch {
  const { timeline, ...rest } = state;
  return {
    kind,
    workflowId: state.id,
    events: timeline.map((entry) => ({ seq: entry.seq, type: entry.type, at: entry.at, data: { ...entry } })),
    state: rest,
  };
}

/** Writes the timelines of the given open cases and mediations (typically a drift report's `missingInStore`). */
export async function backfillFromTemporal(client: Client, store: RecordsStore, missing: readonly OpenWork[]): Promise<BackfillResult> {
  const result: BackfillResult = { cases: 0, mediations: 0, failed: [] };
  for (const work of missing) {
    try {
      if (work.kind === 'case') {
        await writeBatch(store, batchOf('case', await client.workflow.getHandle(work.id).query(getCaseQuery)));
        result.cases++;
      } else if (work.kind === 'mediation') {
        await writeBatch(store, batchOf('mediation', await client.workflow.getHandle(work.id).query(getMediationQuery)));
        result.mediations++;
      }
    } catch (error) {
      result.failed.push({ id: work.id, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return result;
}
