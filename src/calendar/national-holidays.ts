/**
 * China's national holiday schedule — public holidays and make-up working days (调休上班) as each
 * year's State Council General Office notice sets them — read from the `chinese-days` package.
 *
 * The package's JSON file is used rather than its day-by-day functions: it is the documented,
 * plain-data form of the same schedule, and listing it whole is what a calendar that travels in
 * workflow input needs. Node-side only (config loading), never imported by workflow code.
 */
import schedule from 'chinese-days/dist/chinese-days.json';
import packageJson from 'chinese-days/package.json';

/** The national schedule for the years a source covers. */
export interface NationalHolidays {
  /** Where the dates come from, e.g. `chinese-days@1.5.7`, for logs and `/readyz`. */
  readonly source: string;
  /** Calendar years the source has a notice for, ascending. */
  readonly years: readonly number[];
  /** Public holidays (YYYY-MM-DD), including weekend days inside a holiday break. */
  readonly holidays: readonly string[];
  /** Weekend days worked to make up for a break (YYYY-MM-DD). */
  readonly workingDays: readonly string[];
  /** The last day of the last year covered (YYYY-MM-DD): a notice always covers a whole year. */
  readonly knownThrough: string;
}

/** The shape of `chinese-days.json`: date → "English name,中文名,days" for each list. */
interface ChineseDaysJson {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

/** The schedule shipped in the installed `chinese-days` package. */
export function chineseDaysHolidays(): NationalHolidays {
  const { holidays, workdays } = schedule as ChineseDaysJson;
  return nationalHolidays(`chinese-days@${packageJson.version}`, Object.keys(holidays), Object.keys(workdays));
}

/**
 * A national schedule from plain lists; the years covered are those with at least one holiday,
 * since every State Council notice names New Year's Day.
 *
 * @throws Error when the lists hold no holiday at all: an empty schedule would silently turn every
 * national holiday into a working day.
 */
export function nationalHolidays(source: string, holidays: readonly string[], workingDays: readonly string[]): NationalHolidays {
  const years = [...new Set(holidays.map((date) => Number(date.slice(0, 4))))].sort((a, b) => a - b);
  const lastYear = years[years.length - 1];
  if (lastYear === undefined) throw new Error(`${source} lists no public holidays`);
  return {
    source,
    years,
    holidays: [...holidays].sort(),
    workingDays: [...workingDays].sort(),
    knownThrough: `${lastYear}-12-31`,
  };
}
