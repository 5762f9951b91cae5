/**
 * `calendarRolloutWorkflow`: brings a newer working-day calendar to every open case and mediation.
 *
 * A case keeps the calendar it was submitted with until told otherwise, so that replay computes
 * the deadlines the live run did. This workflow tells it: it walks the open work in the records
 * store a page at a time and signals each workflow (`calendarUpdate`), which takes the calendar
 * if it is newer (see `src/domain/calendar-update.ts`) and recomputes its next deadline.
 *
 * One roll-out per calendar version (its workflow id says which), durable and resumable: a worker
 * crash or a store outage resumes at the page it was on; continue-as-new keeps the history short
 * however many cases are open. It walks twice, the second time after a pause: a case submitted
 * meanwhile by a process still on the old calendar, a row the records store had not written yet,
 * or a signal an older worker dropped (during a rolling deploy) is reached then. Signalling twice
 * is harmless: a case ignores a calendar it has.
 */
import { continueAsNew, getExternalWorkflowHandle, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { WorkingCalendar } from '../domain/working-calendar';
import { CALENDAR_WORK_KINDS, type CalendarWorkKind } from '../records/open-workflows';
import { calendarUpdateSignal } from './calendar-definitions';

const { openWorkPage } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** Workflows signalled per workflow task: the signals of a page go out together. */
const PAGE_SIZE = 200;
/** Pause before the second walk: longer than a rolling deploy and the records store's lag. */
const SECOND_WALK_AFTER_MS = 15 * 60_000;
/** Continue-as-new well before Temporal's history limits: a page adds about three events per workflow signalled. */
const HISTORY_LIMIT = 5_000;

/** Where a roll-out is, carried through continue-as-new. */
export interface CalendarRolloutProgress {
  /** 1 for the first walk over the open work, 2 for the second. */
  walk: 1 | 2;
  kind: CalendarWorkKind;
  /** The last id signalled of `kind` (exclusive lower bound of the next page). */
  after: string;
  /** Signals delivered so far, over both walks. */
  signalled: number;
  /** Workflows that had closed between the read and the signal. */
  gone: number;
}

/** What the roll-out brings, and (after a continue-as-new) where it was. */
export interface CalendarRolloutInput {
  calendar: WorkingCalendar & { version: string };
  progress?: CalendarRolloutProgress | undefined;
  /** Pause before the second walk (default 15 minutes); tests shorten it. */
  secondWalkAfterMs?: number | undefined;
}

export async function calendarRolloutWorkflow(input: CalendarRolloutInput): Promise<CalendarRolloutProgress> {
  const progress: CalendarRolloutProgress = input.progress ?? { walk: 1, kind: CALENDAR_WORK_KINDS[0], after: '', signalled: 0, gone: 0 };
  for (;;) {
    const ids = await openWorkPage({ kind: progress.kind, after: progress.after, limit: PAGE_SIZE });
    if (ids.length > 0) {
      const outcomes = await Promise.allSettled(ids.map((id) => getExternalWorkflowHandle(id).signal(calendarUpdateSignal, { calendar: input.calendar })));
      // A workflow that closed after the read needs no calendar; anything else would also be a closed or unknown execution.
      const gone = outcomes.filter((outcome) => outcome.status === 'rejected').length;
      progress.signalled += ids.length - gone;
      progress.gone += gone;
      progress.after = ids[ids.length - 1] ?? progress.after;
    }
    if (ids.length < PAGE_SIZE) {
      const next = CALENDAR_WORK_KINDS[CALENDAR_WORK_KINDS.indexOf(progress.kind) + 1];
      if (next !== undefined) {
        progress.kind = next;
      } else if (progress.walk === 1) {
        await sleep(input.secondWalkAfterMs ?? SECOND_WALK_AFTER_MS);
        progress.walk = 2;
        progress.kind = CALENDAR_WORK_KINDS[0];
      } else {
        return progress;
      }
      progress.after = '';
    }
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > HISTORY_LIMIT) {
      await continueAsNew<typeof calendarRolloutWorkflow>({ ...input, progress });
    }
  }
}
