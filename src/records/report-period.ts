/**
 * A report's period in the city's time zone: `from` and `to` are calendar days there (both
 * included), turned into UTC instants for the store's queries; every instant is bucketed by the
 * day, ISO week or month it falls in there, so a month report of Asia/Shanghai counts what
 * happened between local midnights, not UTC ones.
 */
import { DateTime } from 'luxon';

/** How the `byPeriod` rows of a report are cut. */
export const REPORT_BUCKETS = ['day', 'week', 'month'] as const;
export type ReportBucket = (typeof REPORT_BUCKETS)[number];

/** A report's period: local days and the half-open UTC range [fromUtc, toUtc). */
export interface ReportPeriod {
  from: string;
  to: string;
  timeZone: string;
  fromUtc: string;
  toUtc: string;
  bucket: ReportBucket;
}

/**
 * The period from local days `from` to `to` (YYYY-MM-DD, both included). Without `to`, today in
 * the city; without `from`, the first day of `to`'s month.
 */
export function reportPeriod(options: {
  from?: string | undefined;
  to?: string | undefined;
  timeZone: string;
  bucket?: ReportBucket | undefined;
  now: Date;
}): ReportPeriod {
  const { timeZone } = options;
  const to = options.to ? DateTime.fromISO(options.to, { zone: timeZone }) : DateTime.fromJSDate(options.now, { zone: timeZone }).startOf('day');
  const from = options.from ? DateTime.fromISO(options.from, { zone: timeZone }) : to.startOf('month');
  return {
    from: from.toISODate()!,
    to: to.toISODate()!,
    timeZone,
    fromUtc: from.startOf('day').toUTC().toISO()!,
    toUtc: to.plus({ days: 1 }).startOf('day').toUTC().toISO()!,
    bucket: options.bucket ?? 'month',
  };
}

/** The bucket an instant falls in, in the city's zone: `2026-03-02`, `2026-W10` or `2026-03`. */
export function bucketOf(instant: string, period: Pick<ReportPeriod, 'timeZone' | 'bucket'>): string {
  const local = DateTime.fromISO(instant, { zone: 'utc' }).setZone(period.timeZone);
  switch (period.bucket) {
    case 'day':
      return local.toISODate()!;
    case 'week':
      return local.toFormat("kkkk-'W'WW");
    case 'month':
      return local.toFormat('yyyy-MM');
  }
}
