/**
 * Says out loud how far ahead the calendar is known: once at start-up, and for every deadline that
 * lands beyond it. A deadline past the horizon is still given (weekday rule), but may be a working
 * day early; the log line and the metric are how that never goes unnoticed.
 */
import type { Logger } from 'pino';
import { beyondCalendar, calendarHorizon, type CalendarHorizon } from '../domain/calendar-horizon';
import type { CalendarContext } from '../domain/working-calendar';
import { deadlinesBeyondCalendarTotal } from '../metrics/calendar-gauges';
import { chineseDaysHolidays, type NationalHolidays } from './national-holidays';

/**
 * Logs the calendar's horizon at start-up: info normally, a warning when it ends within
 * `CALENDAR_HORIZON_WARNING_DAYS` or has no horizon at all.
 *
 * @returns the horizon, or undefined when the calendar states none (it was not resolved).
 */
export function logCalendarHorizon(
  logger: Logger,
  context: CalendarContext,
  nowMs: number = Date.now(),
  national: NationalHolidays = chineseDaysHolidays(),
): CalendarHorizon | undefined {
  const horizon = calendarHorizon(context.calendar, nowMs, context.zone);
  const fields = { source: national.source, packageYears: `${national.years[0]}-${national.years[national.years.length - 1]}` };
  if (horizon === undefined) {
    logger.warn(fields, 'working-day calendar has no known horizon: it was not resolved against the national holiday schedule');
  } else if (horizon.endingSoon) {
    logger.warn(
      { ...fields, ...horizon },
      `working-day calendar is known only through ${horizon.knownThrough} (${horizon.daysAhead} days): deadlines after it use the weekday rule; ` +
        'update chinese-days, or add the next notice to calendar.extraHolidays / extraWorkingDays and raise calendar.knownThrough',
    );
  } else {
    logger.info({ ...fields, ...horizon }, `working-day calendar known through ${horizon.knownThrough} (${horizon.daysAhead} days ahead)`);
  }
  return horizon;
}

/** One deadline, with the calendar it was computed on. */
export interface DeadlineOnCalendar {
  readonly caseId: string;
  /** The deadline, epoch milliseconds. */
  readonly dueMs: number;
  readonly context: CalendarContext;
}

/**
 * When `deadline` falls after its calendar's horizon: logs a warning naming the case and counts it
 * in `gridflow_deadlines_beyond_calendar_total`. Call it where a deadline is computed outside
 * workflow code (API intake); workflow code calls `beyondCalendar` and logs with the workflow logger.
 *
 * @returns whether the deadline was beyond the horizon.
 */
export function noteDeadlineBeyondCalendar(logger: Logger, deadline: DeadlineOnCalendar): boolean {
  const { calendar, zone } = deadline.context;
  if (!beyondCalendar(deadline.dueMs, calendar, zone)) return false;
  deadlinesBeyondCalendarTotal.inc();
  logger.warn(
    { caseId: deadline.caseId, dueAt: new Date(deadline.dueMs).toISOString(), knownThrough: calendar.knownThrough, calendarVersion: calendar.version },
    'case deadline falls after the last date the holiday calendar is known: computed on the weekday rule only',
  );
  return true;
}
