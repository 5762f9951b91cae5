/**
 * When a running case or mediation takes a newer working-day calendar.
 *
 * A case is given the city's calendar when it is submitted and keeps it, so that a replay computes
 * the very deadlines the live run did. When the calendar changes (next year's State Council notice,
 * a local correction) the new one reaches running work by signal (see
 * `src/workflows/calendar-rollout.ts`): a signal is in the history, so replay takes it at the same
 * point the live run did. These rules decide, in workflow code, whether a calendar that arrives
 * that way is taken.
 *
 * Imported by workflow code: pure, deterministic, sandbox-safe.
 */
import { DateTime } from 'luxon';
import type { WorkingCalendar } from './working-calendar';

const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$/;

/** A real calendar date in YYYY-MM-DD form (not 2027-02-30). */
function isDate(value: unknown): boolean {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && DateTime.fromISO(value, { zone: 'UTC' }).isValid;
}

/**
 * Whether `value` is a well-formed calendar with a version. A signal is input from outside the
 * workflow: a malformed one must be dropped, not crash the workflow task on every retry.
 */
export function isVersionedCalendar(value: unknown): value is WorkingCalendar & { version: string } {
  if (typeof value !== 'object' || value === null) return false;
  const calendar = value as Partial<Record<keyof WorkingCalendar, unknown>>;
  const dates = (list: unknown) => Array.isArray(list) && list.every(isDate);
  return (
    typeof calendar.version === 'string' &&
    calendar.version.length > 0 &&
    Array.isArray(calendar.workingHours) &&
    calendar.workingHours.length > 0 &&
    calendar.workingHours.every(
      (span: unknown) =>
        typeof span === 'object' &&
        span !== null &&
        typeof (span as { start?: unknown }).start === 'string' &&
        typeof (span as { end?: unknown }).end === 'string' &&
        CLOCK.test((span as { start: string }).start) &&
        CLOCK.test((span as { end: string }).end) &&
        (span as { start: string }).start < (span as { end: string }).end,
    ) &&
    Array.isArray(calendar.weekend) &&
    calendar.weekend.every((day) => Number.isInteger(day) && (day as number) >= 1 && (day as number) <= 7) &&
    // At least one working weekday, or no deadline could ever be found.
    new Set(calendar.weekend).size < 7 &&
    dates(calendar.holidays) &&
    dates(calendar.workingWeekends) &&
    (calendar.knownThrough === undefined || isDate(calendar.knownThrough))
  );
}

/**
 * Whether work running on `current` takes `next`: a different version that knows at least as far
 * ahead. The horizon rule keeps a process still running last year's package (a rolling upgrade, a
 * forgotten worker) from taking running cases back to a calendar that ends sooner; a correction
 * within the same horizon is taken.
 */
export function takesCalendar(current: WorkingCalendar, next: WorkingCalendar & { version: string }): boolean {
  if (next.version === current.version) return false;
  if (current.knownThrough === undefined) return true;
  return next.knownThrough !== undefined && next.knownThrough >= current.knownThrough;
}
