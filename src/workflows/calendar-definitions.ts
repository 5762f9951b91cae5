/**
 * The message that brings a newer working-day calendar to a running case or mediation. Its name
 * is part of the wire contract with running executions: never rename it.
 */
import { defineSignal } from '@temporalio/workflow';
import type { WorkingCalendar } from '../domain/working-calendar';

/**
 * The patch behind taking a calendar by signal. A worker of an older build drops the signal (it
 * has no handler) and goes on; when a newer worker later replays that history the handler must
 * drop it too, or the timer it would reschedule is a command the history lacks.
 */
export const CALENDAR_BY_SIGNAL = 'calendar-by-signal';

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
