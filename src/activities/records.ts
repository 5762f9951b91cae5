/**
 * The `recordEvents` activity: writes a workflow's events and current state to the records store.
 * Idempotent by (workflow id, seq), so Temporal may retry it as often as a store outage needs.
 */
import type { RecordBatch } from '../records/events';
import type { RecordsStore } from '../records/store';
import { writeBatch } from '../records/writer';

export function createRecordActivities(store: RecordsStore) {
  return {
    /** Writes one batch; throws (and is retried) while the store cannot be reached. */
    async recordEvents(batch: RecordBatch): Promise<{ inserted: number }> {
      const { inserted } = await writeBatch(store, batch);
      return { inserted };
    },
  };
}
