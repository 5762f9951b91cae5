/**
 * Periods of contact obligations, aligned to the calendar in the city's time zone: P7D is a
 * Monday-to-Sunday week, P1M a calendar month, P6M a half-year (Jan–Jun, Jul–Dec), P1Y a year.
 * Pure and sandbox-safe: the workflow computes its own period boundaries with it.
 */
import { DateTime, Duration } from 'luxon';

/** One period: [startMs, endMs) and a readable key such as `2026-W48`, `2026-11`, `2026-H2`. */
export interface ObligationPeriod {
  key: string;
  startMs: number;
  endMs: number;
}

/** How a period duration is aligned. */
type Alignment = { unit: 'day'; every: number } | { unit: 'week'; every: number } | { unit: 'month'; every: number };

/** Reads an ISO 8601 period (P1D, P7D, P2W, P1M, P3M, P6M, P1Y) as a calendar alignment. */
export function alignmentOf(period: string): Alignment {
  const duration = Duration.fromISO(period);
  if (!duration.isValid) throw new RangeError(`not an ISO 8601 period: ${period}`);
  const { years, months, weeks, days, hours, minutes, seconds, milliseconds } = duration.toObject();
  if (hours || minutes || seconds || milliseconds) throw new RangeError(`a contact period is whole days, weeks, months or years: ${period}`);
  const totalMonths = (years ?? 0) * 12 + (months ?? 0);
  const totalDays = (weeks ?? 0) * 7 + (days ?? 0);
  if (totalMonths > 0 && totalDays > 0) throw new RangeError(`mix of months and days is not a calendar period: ${period}`);
  if (totalMonths > 0) {
    if (12 % totalMonths !== 0) throw new RangeError(`months must divide a year (1, 2, 3, 4, 6 or 12): ${period}`);
    return { unit: 'month', every: totalMonths };
  }
  if (totalDays > 0 && totalDays % 7 === 0) return { unit: 'week', every: totalDays / 7 };
  if (totalDays > 0) return { unit: 'day', every: totalDays };
  throw new RangeError(`empty period: ${period}`);
}

/** True when `period` is a period this module can align. */
export function isCalendarPeriod(period: string): boolean {
  try {
    alignmentOf(period);
    return true;
  } catch {
    return false;
  }
}

/** A fixed Monday used to number weeks, so multi-week periods line up the same way every year. */
const WEEK_EPOCH = DateTime.fromISO('2024-01-01', { zone: 'UTC' });

/** The period containing `instantMs`. */
export function periodContaining(instantMs: number, period: string, zone: string): ObligationPeriod {
  const alignment = alignmentOf(period);
  const local = DateTime.fromMillis(instantMs, { zone });
  let start: DateTime;
  let end: DateTime;
  let key: string;
  switch (alignment.unit) {
    case 'month': {
      const firstMonth = Math.floor((local.month - 1) / alignment.every) * alignment.every + 1;
      start = DateTime.fromObject({ year: local.year, month: firstMonth, day: 1 }, { zone });
      end = start.plus({ months: alignment.every });
      key = monthKey(start, alignment.every);
      break;
    }
    case 'week': {
      const monday = local.startOf('week');
      const weeksSinceEpoch = Math.round(monday.setZone('UTC', { keepLocalTime: true }).diff(WEEK_EPOCH, 'weeks').weeks);
      start = monday.minus({ weeks: ((weeksSinceEpoch % alignment.every) + alignment.every) % alignment.every });
      end = start.plus({ weeks: alignment.every });
      key = `${start.weekYear}-W${String(start.weekNumber).padStart(2, '0')}`;
      break;
    }
    case 'day': {
      const day = local.startOf('day');
      const daysSinceEpoch = Math.round(day.setZone('UTC', { keepLocalTime: true }).diff(WEEK_EPOCH, 'days').days);
      start = day.minus({ days: ((daysSinceEpoch % alignment.every) + alignment.every) % alignment.every });
      end = start.plus({ days: alignment.every });
      key = start.toISODate()!;
      break;
    }
  }
  return { key, startMs: start.toMillis(), endMs: end.toMillis() };
}

/** The period right after `current`. */
export function nextPeriod(current: ObligationPeriod, period: string, zone: string): ObligationPeriod {
  return periodContaining(current.endMs, period, zone);
}

function monthKey(start: DateTime, every: number): string {
  if (every === 1) return start.toFormat('yyyy-MM');
  if (every === 3) return `${start.year}-Q${Math.ceil(start.month / 3)}`;
  if (every === 6) return `${start.year}-H${start.month <= 6 ? 1 : 2}`;
  if (every === 12) return String(start.year);
  return start.toFormat('yyyy-MM');
}
