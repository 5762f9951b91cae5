/**
 * The city's working-day calendar: the national schedule from the `chinese-days` package for the
 * years it covers, with the city's own additions and corrections from config on top.
 *
 * Built once when a process starts, outside workflow code, and handed to workflows as plain data
 * (a {@link CityCalendar}), so the sandbox never imports the package and a replay reads the very
 * calendar the case was given.
 */
import { createHash } from 'node:crypto';
import type { GridflowConfig } from '../config/schema';
import type { WorkingCalendar } from '../domain/working-calendar';
import { chineseDaysHolidays, type NationalHolidays } from './national-holidays';

/** A calendar ready for cases: final lists, how far they are known, and a content version. */
export interface CityCalendar extends WorkingCalendar {
  knownThrough: string;
  version: string;
}

/** Hex digits of the version: 48 bits tell a city's calendars apart for decades, and stay readable in logs. */
const VERSION_LENGTH = 12;

/**
 * Merges the national schedule with the city's dates from config.
 *
 * A date the city lists wins over the package for that date (a local working day removes a
 * national holiday, a local holiday removes a national make-up day). The horizon is the later of
 * the package's last covered day and the config's `knownThrough`. Resolving a resolved calendar
 * again gives the same calendar and version.
 *
 * @param local the parsed `calendar` section (its lists are the city's own dates).
 * @param national the national schedule; the installed `chinese-days` by default.
 */
export function resolveCityCalendar(local: WorkingCalendar, national: NationalHolidays = chineseDaysHolidays()): CityCalendar {
  const localRest = new Set(local.holidays);
  const localWork = new Set(local.workingWeekends);
  const holidays = sortedUnion(
    national.holidays.filter((date) => !localWork.has(date)),
    local.holidays,
  );
  const workingWeekends = sortedUnion(
    national.workingDays.filter((date) => !localRest.has(date)),
    local.workingWeekends,
  );
  const knownThrough = local.knownThrough !== undefined && local.knownThrough > national.knownThrough ? local.knownThrough : national.knownThrough;
  const content = { workingHours: local.workingHours, weekend: local.weekend, holidays, workingWeekends, knownThrough };
  return { ...content, version: calendarVersion(content) };
}

/** `config` with its calendar resolved against the national schedule, as API and worker processes should use it. */
export function withCityCalendar(config: GridflowConfig, national: NationalHolidays = chineseDaysHolidays()): GridflowConfig & { calendar: CityCalendar } {
  return { ...config, calendar: resolveCityCalendar(config.calendar, national) };
}

/**
 * A short, deterministic hash of everything that changes a deadline: hours, weekend, both lists
 * and the horizon. Equal content gives an equal version on every process and every start.
 */
export function calendarVersion(calendar: Omit<CityCalendar, 'version'>): string {
  const canonical = JSON.stringify([
    calendar.workingHours.map(({ start, end }) => [start, end]),
    [...calendar.weekend].sort((a, b) => a - b),
    [...calendar.holidays].sort(),
    [...calendar.workingWeekends].sort(),
    calendar.knownThrough,
  ]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, VERSION_LENGTH);
}

function sortedUnion(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])].sort();
}
