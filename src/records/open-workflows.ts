/**
 * The ids of open cases and mediations, a page at a time in id order, from the records store's
 * current-state rows: what the calendar roll-out signals. The store rather than visibility
 * because an activity has the store at hand, the read is an indexed range scan, and a page ends
 * at a known id so a roll-out resumes exactly where it stopped.
 */
import { FINAL_STATUSES } from '../domain/case-model';
import { FINAL_MEDIATION_STAGES } from '../domain/mediation-model';
import type { RecordsStore } from './store';

/** The kinds of work a calendar reaches, in the order a roll-out walks them. */
export const CALENDAR_WORK_KINDS = ['case', 'mediation'] as const;
export type CalendarWorkKind = (typeof CALENDAR_WORK_KINDS)[number];

/** One page of open work of `kind` with ids after `after` (exclusive), at most `limit` ids. */
export async function openWorkflowIdsAfter(store: RecordsStore, kind: CalendarWorkKind, after: string, limit: number): Promise<string[]> {
  if (kind === 'case') {
    const rows = await store.db
      .selectFrom('case_records')
      .select('id')
      .where('id', '>', after)
      .where('closed_at', 'is', null)
      .where('status', 'not in', [...FINAL_STATUSES])
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((row) => row.id);
  }
  const rows = await store.db
    .selectFrom('mediation_records')
    .select('id')
    .where('id', '>', after)
    .where('closed_at', 'is', null)
    .where('stage', 'not in', [...FINAL_MEDIATION_STAGES])
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((row) => row.id);
}
