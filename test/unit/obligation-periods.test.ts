/**
 * Obligation periods align to calendar weeks, months, quarters, half-years and years in the
 * city's time zone, including across a daylight-saving change.
 */
import { alignmentOf, isCalendarPeriod, nextPeriod, periodContaining } from '../../src/domain/obligation-periods';

const SHANGHAI = 'Asia/Shanghai';
const iso = (ms: number) => new Date(ms).toISOString();

describe('periodContaining', () => {
  const friday = Date.parse('2026-11-27T05:00:00Z'); // Friday 13:00 in Shanghai

  test.each([
    ['P7D', '2026-W48', '2026-11-22T16:00:00.000Z', '2026-11-29T16:00:00.000Z'],
    ['P1W', '2026-W48', '2026-11-22T16:00:00.000Z', '2026-11-29T16:00:00.000Z'],
    ['P1M', '2026-11', '2026-10-31T16:00:00.000Z', '2026-11-30T16:00:00.000Z'],
    ['P3M', '2026-Q4', '2026-09-30T16:00:00.000Z', '2026-12-31T16:00:00.000Z'],
    ['P6M', '2026-H2', '2026-06-30T16:00:00.000Z', '2026-12-31T16:00:00.000Z'],
    ['P1Y', '2026', '2025-12-31T16:00:00.000Z', '2026-12-31T16:00:00.000Z'],
    ['P1D', '2026-11-27', '2026-11-26T16:00:00.000Z', '2026-11-27T16:00:00.000Z'],
  ])('%s → %s in Shanghai (midnight local is 16:00 UTC the day before)', (period, key, start, end) => {
    const p = periodContaining(friday, period, SHANGHAI);
    expect([p.key, iso(p.startMs), iso(p.endMs)]).toEqual([key, start, end]);
  });

  test('the last instant of Sunday belongs to that week, midnight starts the next', () => {
    const sundayLate = Date.parse('2026-11-29T15:59:59.999Z');
    expect(periodContaining(sundayLate, 'P7D', SHANGHAI).key).toBe('2026-W48');
    expect(periodContaining(sundayLate + 1, 'P7D', SHANGHAI).key).toBe('2026-W49');
  });

  test('two-week periods line up the same way whatever instant inside them is asked', () => {
    const first = periodContaining(Date.parse('2026-11-16T02:00:00Z'), 'P14D', SHANGHAI);
    const second = periodContaining(Date.parse('2026-11-28T02:00:00Z'), 'P14D', SHANGHAI);
    expect(second).toEqual(first);
    expect(first.endMs - first.startMs).toBe(14 * 86_400_000);
  });

  test('a week across the spring-forward change in New York is 167 hours, still Monday to Monday', () => {
    const p = periodContaining(Date.parse('2026-03-05T12:00:00Z'), 'P7D', 'America/New_York');
    expect(iso(p.startMs)).toBe('2026-03-02T05:00:00.000Z'); // Monday 00:00 EST
    expect(iso(p.endMs)).toBe('2026-03-09T04:00:00.000Z'); // Monday 00:00 EDT
    expect((p.endMs - p.startMs) / 3_600_000).toBe(167);
  });

  test('a month across the autumn change in Berlin ends at local midnight', () => {
    const p = periodContaining(Date.parse('2026-10-15T12:00:00Z'), 'P1M', 'Europe/Berlin');
    expect(iso(p.startMs)).toBe('2026-09-30T22:00:00.000Z'); // 1 Oct 00:00 CEST
    expect(iso(p.endMs)).toBe('2026-10-31T23:00:00.000Z'); // 1 Nov 00:00 CET
  });
});

describe('nextPeriod', () => {
  test('walks a year of weeks without gaps or overlaps', () => {
    let period = periodContaining(Date.parse('2026-01-01T00:00:00Z'), 'P7D', SHANGHAI);
    for (let i = 0; i < 53; i++) {
      const next = nextPeriod(period, 'P7D', SHANGHAI);
      expect(next.startMs).toBe(period.endMs);
      expect(next.key).not.toBe(period.key);
      period = next;
    }
  });

  test('half-years follow each other across the year end', () => {
    const h2 = periodContaining(Date.parse('2026-08-01T00:00:00Z'), 'P6M', SHANGHAI);
    expect(nextPeriod(h2, 'P6M', SHANGHAI).key).toBe('2027-H1');
  });
});

describe('alignmentOf', () => {
  test.each(['P7D', 'P2W', 'P1M', 'P2M', 'P3M', 'P4M', 'P6M', 'P1Y', 'P1D', 'P3D'])('%s is a calendar period', (period) => {
    expect(isCalendarPeriod(period)).toBe(true);
  });

  test.each(['PT3H', 'P5M', 'P1M2D', 'P0D', 'weekly', 'P2Y'])('%s is refused', (period) => {
    expect(isCalendarPeriod(period)).toBe(false);
    expect(() => alignmentOf(period)).toThrow(RangeError);
  });
});
