/**
 * The message that brings a newer working-day calendar to a running case or mediation, and the
 * names of the roll-out workflow that sends it. Names are part of the wire contract with running
 * executions: never rename one.
 */
import { defineSignal, log, patched } from '@temporalio/workflow';
import { isVersionedCalendar, takesCalendar } from '../domain/calendar-update';
import type { WorkingCalendar } from '../domain/working-calendar';

/**
 * The patch behind taking a calendar by signal. A worker of an older build drops the signal (it
 * has no handler) and goes on; when a newer worker later replays that history the handler must
 * drop it too, or the timer it would reschedule is a command the history lacks.
 */
export const CALENDAR_BY_SIGNAL = 'calendar-by-signal';

/** Workflow type name of the roll-out, as the worker registers it and an API process starts it. */
export const CALENDAR_ROLLOUT_WORKFLOW_TYPE = 'calendarRolloutWorkflow';

/** Workflow id of the roll-out of one calendar version: starting it twice is refused by the server. */
export function calendarRolloutWorkflowId(version: string): string {
  return `calendar-rollout-${version}`;
}

/** A calendar, resolved and versioned as `src/calendar/city-calendar.ts` builds it. */
export interface CalendarUpdate {
  calendar: WorkingCalendar & { version: string };
}

/**
 * Sent by the calendar roll-out to every open case and mediation. A signal rather than an update:
 * the roll-out must not wait on thousands of workflows one by one, and a workflow that does not
 * take the calendar (same version, a shorter horizon) has nothing to answer.
 */
export const calendarUpdateSignal = defineSignal<[CalendarUpdate]>('calendarUpdate');

/** What a workflow knows when a calendar arrives: whether it is still open, and how it would use the calendar. */
export interface CalendarTaker {
  /** False once the case or mediation is final: nothing is left to compute. */
  open: boolean;
  current: WorkingCalendar;
  /** Computes with the calendar as the workflow would; throws when its clock cannot run on it. */
  tryOn(calendar: WorkingCalendar): void;
  /** Names the workflow in the log line of a dropped calendar. */
  ids: Record<string, string>;
}

/**
 * The calendar a `calendarUpdate` brings, when the workflow takes it: behind CALENDAR_BY_SIGNAL,
 * well-formed, newer than `current` (see takesCalendar), and one `tryOn` computes with, so that a
 * calendar the clock cannot run on never fails every later workflow task. Logs why one is dropped.
 */
export function calendarToTake(update: CalendarUpdate | undefined, taker: CalendarTaker): CalendarUpdate['calendar'] | undefined {
  if (!patched(CALENDAR_BY_SIGNAL)) return undefined;
  const calendar = update?.calendar;
  if (!isVersionedCalendar(calendar)) {
    log.warn('calendar update ignored: not a versioned working-day calendar', taker.ids);
    return undefined;
  }
  if (!taker.open || !takesCalendar(taker.current, calendar)) return undefined;
  try {
    taker.tryOn(calendar);
  } catch (error) {
    log.warn('calendar update ignored: the clock cannot run on it', { ...taker.ids, error: String(error) });
    return undefined;
  }
  return calendar;
}
