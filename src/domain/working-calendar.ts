/**
 * SLA clock arithmetic on a working-day calendar.
 *
 * A deadline runs either in calendar time (every millisecond counts, used for urgent cases) or in
 * working time: only the working hours of working days count, where a working day follows the
 * Chinese holiday schedule (weekends, public holidays, and make-up working days 调休 that move work
 * onto a weekend). Pausing is the caller's business: it measures the paused stretches with
 * {@link clockTimeBetween} and adds them back, or simply stops counting while paused.
 *
 * This module is imported by workflow code, so it must stay deterministic and sandbox-safe: no Node
 * built-ins, no environment, no clock reads (`Date.now()`), no I/O. Every instant is an argument,
 * in epoch milliseconds. Only `luxon` is used, for time-zone rules.
 */
import { DateTime } from 'luxon';

/**
 * The working-day calendar a clock runs on, as plain data: it travels in workflow input (and may
 * reach a running workflow later), so it holds only arrays of strings and numbers.
 *
 * The lists are final: the national schedule and the city's corrections are already merged
 * (see `src/calendar/city-calendar.ts`), so a date is never in both.
 */
export interface WorkingCalendar {
  /** Working intervals of a working day (HH:mm), in the city's time zone. */
  workingHours: { start: string; end: string }[];
  /** ISO weekday numbers (1 = Monday) that are rest days unless listed in `workingWeekends`. */
  weekend: number[];
  /** Rest days even on a weekday (YYYY-MM-DD). */
  holidays: string[];
  /** Days worked even on a weekend (调休上班, YYYY-MM-DD). */
  workingWeekends: string[];
  /**
   * The last date (YYYY-MM-DD) the lists are known to be complete for; after it only the weekday
   * rule applies. Absent on calendars written by hand (tests) and on those carried by cases
   * started before calendars had a horizon: such a calendar makes no claim, see `beyondCalendar`.
   */
  knownThrough?: string;
  /** A short hash of the content, so two calendars (a case's and the current one) can be told apart. */
  version?: string;
}

/** `'calendar'` counts every millisecond; `'working'` counts only working hours of working days. */
export type SlaClock = 'calendar' | 'working';

/** The calendar a working-time clock runs on, and the IANA zone (e.g. `Asia/Shanghai`) its wall-clock hours are in. */
export interface CalendarContext {
  readonly calendar: WorkingCalendar;
  readonly zone: string;
}

/** A half-open interval `[startMs, endMs)` of epoch milliseconds. */
export interface WorkingSpan {
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * How many consecutive days without any working time the search tolerates before concluding the
 * calendar has none. Three years comfortably covers the longest real holiday (about 9 days) while
 * still failing fast and loudly on a misconfigured calendar instead of looping forever.
 */
const MAX_IDLE_DAYS = 3 * 366;

/** Upper bound on the days a single call walks, so an absurd duration or range fails instead of hanging a workflow task. */
const MAX_WALK_DAYS = 100 * 366;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const CLOCK_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** A calendar prepared once per call: sets for O(1) day look-ups and spans as sorted, merged minutes of the day. */
interface Compiled {
  readonly zone: string;
  readonly weekend: ReadonlySet<number>;
  readonly holidays: ReadonlySet<string>;
  readonly workingWeekends: ReadonlySet<string>;
  readonly minuteSpans: ReadonlyArray<{ readonly start: number; readonly end: number }>;
}

/**
 * Whether `isoDate` (YYYY-MM-DD) is a working day on `calendar`.
 *
 * A public holiday is always a rest day (it wins if a date is, by mistake, listed twice); a make-up
 * working day (调休上班) is a working day even on a weekend; otherwise the weekday decides.
 *
 * @throws Error if `isoDate` is not a real calendar date in YYYY-MM-DD form.
 */
export function isWorkingDay(isoDate: string, calendar: WorkingCalendar): boolean {
  const dayNumber = parseIsoDate(isoDate);
  if (calendar.holidays.includes(isoDate)) return false;
  if (calendar.workingWeekends.includes(isoDate)) return true;
  return !calendar.weekend.includes(weekdayOf(dayNumber));
}

/**
 * The working spans of one local date, as instants, earliest first; empty on a rest day.
 *
 * Spans are wall-clock times in `ctx.zone`, so on a daylight-saving transition day they still start
 * and end at the configured local times (a 09:00–17:00 span is 8 real hours even on a 23- or
 * 25-hour day). A span that straddles a skipped hour is correspondingly shorter in real time.
 *
 * @throws Error on a malformed date, an unknown zone or a malformed working-hours entry.
 */
export function workingSpansOn(isoDate: string, ctx: CalendarContext): WorkingSpan[] {
  const compiled = compile(ctx);
  return spansOfDay(parseIsoDate(isoDate), compiled);
}

/**
 * The instant at which `durationMs` of clock time has elapsed after `startMs`.
 *
 * On the working clock a start outside working hours (night, lunch break, weekend, holiday) begins
 * counting at the next working span, and a deadline that exhausts a span exactly lands on that
 * span's end (e.g. 12:00), not on the start of the next one. Adding 0 returns `startMs` unchanged.
 *
 * @throws RangeError on a negative or non-finite argument, or a duration needing more than a century of days.
 * @throws Error if the calendar has no working time at all (no working day within three years).
 */
export function addClockTime(startMs: number, durationMs: number, clock: SlaClock, ctx: CalendarContext): number {
  assertInstant(startMs, 'startMs');
  if (!Number.isFinite(durationMs) || durationMs < 0) {
    throw new RangeError(`durationMs must be a finite, non-negative number of milliseconds, got ${durationMs}`);
  }
  if (clock === 'calendar' || durationMs === 0) return startMs + durationMs;

  const compiled = compile(ctx);
  assertHasWorkingTime(compiled);
  let remaining = durationMs;
  let cursor = startMs;
  let idleDays = 0;
  const firstDay = localDayNumber(startMs, compiled.zone);
  for (let day = firstDay; day - firstDay < MAX_WALK_DAYS; day++) {
    const spans = spansOfDay(day, compiled);
    const first = spans[0];
    const last = spans[spans.length - 1];
    if (first === undefined || last === undefined || last.endMs <= cursor) {
      // Nothing left to count on this day; a long run of such days means there is no working time.
      if (first === undefined && ++idleDays >= MAX_IDLE_DAYS) throw noWorkingTime(compiled, startMs);
      continue;
    }
    idleDays = 0;
    // Skip a whole day in one step when it lies entirely after the cursor and cannot hold the deadline.
    if (first.startMs >= cursor) {
      const dayTotal = spans.reduce((sum, span) => sum + (span.endMs - span.startMs), 0);
      if (dayTotal < remaining) {
        remaining -= dayTotal;
        cursor = last.endMs;
        continue;
      }
    }
    for (const span of spans) {
      const from = Math.max(span.startMs, cursor);
      if (from >= span.endMs) continue;
      const available = span.endMs - from;
      if (remaining <= available) return from + remaining;
      remaining -= available;
      cursor = span.endMs;
    }
  }
  throw new RangeError(`durationMs ${durationMs} needs more than ${MAX_WALK_DAYS} days of calendar to elapse`);
}

/**
 * The clock time elapsed between two instants: `endMs - startMs` on the calendar clock, the overlap
 * of `[startMs, endMs)` with working spans on the working clock; 0 if `endMs <= startMs`.
 *
 * It is the inverse of {@link addClockTime}: `clockTimeBetween(s, addClockTime(s, d)) === d`.
 * Use it to measure a paused stretch, which must then not count against the deadline.
 *
 * @throws RangeError on a non-finite instant or a range longer than a century.
 */
export function clockTimeBetween(startMs: number, endMs: number, clock: SlaClock, ctx: CalendarContext): number {
  assertInstant(startMs, 'startMs');
  assertInstant(endMs, 'endMs');
  if (endMs <= startMs) return 0;
  if (clock === 'calendar') return endMs - startMs;

  const compiled = compile(ctx);
  const firstDay = localDayNumber(startMs, compiled.zone);
  const lastDay = localDayNumber(endMs, compiled.zone);
  if (lastDay - firstDay > MAX_WALK_DAYS) {
    throw new RangeError(`range of ${lastDay - firstDay} days is longer than the ${MAX_WALK_DAYS} days supported`);
  }
  let total = 0;
  for (let day = firstDay; day <= lastDay; day++) {
    for (const span of spansOfDay(day, compiled)) {
      const from = Math.max(span.startMs, startMs);
      const to = Math.min(span.endMs, endMs);
      if (to > from) total += to - from;
    }
  }
  return total;
}

// ---------------------------------------------------------------------------------------------
// Internals
// ---------------------------------------------------------------------------------------------

function compile(ctx: CalendarContext): Compiled {
  // Validate the zone once: luxon does not throw on an unknown zone, it yields NaN instants.
  if (!DateTime.fromMillis(0, { zone: ctx.zone }).isValid) throw new Error(`unknown time zone "${ctx.zone}"`);
  const { calendar } = ctx;
  const parsed = calendar.workingHours.map((span, index) => {
    const start = parseClockTime(span.start, `workingHours[${index}].start`);
    const end = parseClockTime(span.end, `workingHours[${index}].end`);
    if (end <= start) throw new Error(`workingHours[${index}] must start before it ends, got ${span.start}-${span.end}`);
    return { start, end };
  });
  // Sort and merge overlapping or touching spans so no minute is ever counted twice.
  parsed.sort((a, b) => a.start - b.start);
  const minuteSpans: { start: number; end: number }[] = [];
  for (const span of parsed) {
    const previous = minuteSpans[minuteSpans.length - 1];
    if (previous !== undefined && span.start <= previous.end) previous.end = Math.max(previous.end, span.end);
    else minuteSpans.push({ ...span });
  }
  return {
    zone: ctx.zone,
    weekend: new Set(calendar.weekend),
    holidays: new Set(calendar.holidays),
    workingWeekends: new Set(calendar.workingWeekends),
    minuteSpans,
  };
}

/** Fail at once, rather than after walking three years, on a calendar that obviously has no working time. */
function assertHasWorkingTime(compiled: Compiled): void {
  const everyDayOff = [1, 2, 3, 4, 5, 6, 7].every((weekday) => compiled.weekend.has(weekday));
  if (compiled.minuteSpans.length === 0 || (everyDayOff && compiled.workingWeekends.size === 0)) {
    throw noWorkingTime(compiled);
  }
}

function noWorkingTime(compiled: Compiled, fromMs?: number): Error {
  const from = fromMs === undefined ? '' : ` within ${MAX_IDLE_DAYS} days of ${DateTime.fromMillis(fromMs, { zone: compiled.zone }).toISO() ?? fromMs}`;
  return new Error(`working calendar has no working time${from}: check calendar.workingHours, calendar.weekend and calendar.workingWeekends`);
}

function spansOfDay(dayNumber: number, compiled: Compiled): WorkingSpan[] {
  const { year, month, day } = civilFromDays(dayNumber);
  const iso = formatIsoDate(year, month, day);
  if (compiled.holidays.has(iso)) return [];
  if (!compiled.workingWeekends.has(iso) && compiled.weekend.has(weekdayOf(dayNumber))) return [];
  const spans: WorkingSpan[] = [];
  let previousEnd = -Infinity;
  for (const { start, end } of compiled.minuteSpans) {
    // Wall-clock construction in the zone, not "local midnight + N hours": on a DST transition day
    // midnight + 9h is 08:00 or 10:00 local, while the calendar means 09:00 on the office clock.
    // Clamping to the previous end keeps spans disjoint when a skipped hour pushes one forward.
    const startMs = Math.max(wallClock(year, month, day, start, compiled.zone), previousEnd);
    const endMs = wallClock(year, month, day, end, compiled.zone);
    if (endMs > startMs) {
      spans.push({ startMs, endMs });
      previousEnd = endMs;
    }
  }
  return spans;
}

/** The instant of a local wall-clock time; a time inside a DST gap moves forward by the gap (luxon's rule). */
function wallClock(year: number, month: number, day: number, minuteOfDay: number, zone: string): number {
  return DateTime.fromObject({ year, month, day, hour: Math.floor(minuteOfDay / 60), minute: minuteOfDay % 60 }, { zone }).toMillis();
}

/** The local calendar date of an instant in `zone`, as a day number (days since 1970-01-01). */
function localDayNumber(ms: number, zone: string): number {
  const local = DateTime.fromMillis(ms, { zone });
  return daysFromCivil(local.year, local.month, local.day);
}

function assertInstant(ms: number, name: string): void {
  if (!Number.isFinite(ms)) throw new RangeError(`${name} must be a finite epoch-millisecond instant, got ${ms}`);
}

function parseClockTime(value: string, name: string): number {
  const match = CLOCK_TIME.exec(value);
  if (!match) throw new Error(`${name} must be HH:mm (24-hour clock), got "${value}"`);
  return Number(match[1]) * 60 + Number(match[2]);
}

function parseIsoDate(isoDate: string): number {
  const match = ISO_DATE.exec(isoDate);
  if (match) {
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const dayNumber = daysFromCivil(year, month, day);
    // Round-trip rejects dates such as 2026-02-30 that arithmetic would silently roll over.
    const back = civilFromDays(dayNumber);
    if (back.year === year && back.month === month && back.day === day) return dayNumber;
  }
  throw new Error(`not a calendar date in YYYY-MM-DD form: "${isoDate}"`);
}

function formatIsoDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** ISO weekday (1 = Monday … 7 = Sunday); day 0, 1970-01-01, was a Thursday. */
function weekdayOf(dayNumber: number): number {
  return ((((dayNumber + 3) % 7) + 7) % 7) + 1;
}

// Proleptic Gregorian date <-> day number (H. Hinnant's algorithms). Plain integer arithmetic is
// cheaper than a luxon object per day when walking long durations, and needs no time zone.
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

function civilFromDays(dayNumber: number): { year: number; month: number; day: number } {
  const z = dayNumber + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}
