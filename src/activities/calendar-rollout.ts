/**
 * The calendar roll-out's one activity: the next page of open work to bring a newer calendar to.
 * Read-only and idempotent, so Temporal may retry it through a store outage.
 */
import { openWorkflowIdsAfter, type CalendarWorkKind } from '../records/open-workflows';
import type { RecordsStore } from '../records/store';

export function createCalendarRolloutActivities(store: RecordsStore) {
  return {
    /** Ids of open cases or mediations after `after`, in id order, at most `limit`. */
    async openWorkPage(page: { kind: CalendarWorkKind; after: string; limit: number }): Promise<string[]> {
      return openWorkflowIdsAfter(store, page.kind, page.after, page.limit);
    },
  };
}
