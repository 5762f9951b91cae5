/**
 * How far ahead a working-day calendar is known, and whether a deadline lies beyond it.
 *
 * Past `knownThrough` the holiday lists are silent, so the SLA arithmetic falls back to the
 * weekday rule: a deadline is still given, but it may be a working day early (a Spring Festival
 * break counted as working days). These functions let the caller say so instead of staying silent.
 *
 * Imported by workflow code: deterministic and sandbox-safe. Every instant is an argument, in
 * epoch milliseconds; only `luxon` is used, for the local date in the city's zone.
 */
import { DateTime } from 'luxon';
import type { WorkingCalendar } from './working-calendar';

/** Under this many days of known calendar, start-up and `/readyz` warn: about two months to ship the next year's notice. */
export const CALENDAR_HORIZON_WARNING_DAYS = 60;

/** What a calendar says about its own horizon, seen from one instant. */
export interface CalendarHorizon {
  /** The last date the holiday lists are complete for (YYYY-MM-DD). */
  readonly knownThrough: string;
  /** Whole days from today (in the city's zone) to `knownThrough`; 0 on its last day, negative once passed. */
  readonly daysAhead: number;
  /** The calendar's content hash, when it has one. */
  readonly version: string | undefined;
  /** True when fewer than {@link CALENDAR_HORIZON_WARNING_DAYS} days are known: time to update. */
  readonly endingSoon: boolean;
}

/**
 * Whether the instant `dueMs` falls on a local date (in `zone`) after the calendar's `knownThrough`,
 * i.e. a deadline computed there used the weekday rule only.
 *
 * A calendar without `knownThrough` (hand-written, or carried by a case started before calendars
 * had a horizon) makes no claim about its extent: it is never "beyond", as before.
 *
 * @throws Error on a non-finite instant or an unknown zone.
 */
export function beyondCalendar(dueMs: number, calendar: Pick<WorkingCalendar, 'knownThrough'>, zone: string): boolean {
  if (calendar.knownThrough === undefined) return false;
  // ISO dates compare correctly as strings.
  return localDate(dueMs, zone) > calendar.knownThrough;
}

/**
 * The calendar's horizon seen from `nowMs`, or undefined when the calendar states none.
 *
 * @throws Error on a non-finite instant, an unknown zone or a malformed `knownThrough`.
 */
export function calendarHorizon(calendar: Pick<WorkingCalendar, 'knownThrough' | 'version'>, nowMs: number, zone: string): CalendarHorizon | undefined {
  const { knownThrough } = calendar;
  if (knownThrough === undefined) return undefined;
  const last = DateTime.fromISO(knownThrough, { zone: 'UTC' });
  if (!last.isValid) throw new Error(`knownThrough must be a calendar date in YYYY-MM-DD form, got "${knownThrough}"`);
  // Both ends as UTC midnights of local dates: whole days, unaffected by offsets or DST.
  const today = DateTime.fromISO(localDate(nowMs, zone), { zone: 'UTC' });
  const daysAhead = Math.round(last.diff(today, 'days').days);
  return { knownThrough, daysAhead, version: calendar.version, endingSoon: daysAhead < CALENDAR_HORIZON_WARNING_DAYS };
}

function localDate(ms: number, zone: string): string {
  if (!Number.isFinite(ms)) throw new RangeError(`instant must be finite epoch milliseconds, got ${ms}`);
  const local = DateTime.fromMillis(ms, { zone });
  const date = local.isValid ? local.toISODate() : null;
  if (date === null) throw new Error(`unknown time zone "${zone}"`);
  return date;
}
