/**
 * SLA clock arithmetic on the 2026 official calendar of the People's Republic of China, in
 * Asia/Shanghai, with the default office hours 08:30–12:00 and 13:30–17:30 (7.5 working hours a day).
 * Every expected deadline below is worked out by hand in a comment next to it.
 */
import { DateTime } from 'luxon';
import type { WorkingCalendar } from '../../src/config/schema';
import { addClockTime, clockTimeBetween, isWorkingDay, workingSpansOn, type CalendarContext } from '../../src/domain/working-calendar';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const SHANGHAI = 'Asia/Shanghai';

/** Expands an inclusive range of dates within one month, e.g. ('2026-02', 15, 23). */
function days(month: string, from: number, to: number): string[] {
  const out: string[] = [];
  for (let day = from; day <= to; day++) out.push(`${month}-${String(day).padStart(2, '0')}`);
  return out;
}

/** 国务院办公厅关于2026年部分节假日安排的通知. */
const CHINA_2026: WorkingCalendar = {
  workingHours: [
    { start: '08:30', end: '12:00' },
    { start: '13:30', end: '17:30' },
  ],
  weekend: [6, 7],
  holidays: [
    ...days('2026-01', 1, 3), // 元旦
    ...days('2026-02', 15, 23), // 春节
    ...days('2026-04', 4, 6), // 清明节
    ...days('2026-05', 1, 5), // 劳动节
    ...days('2026-06', 19, 21), // 端午节
    ...days('2026-09', 25, 27), // 中秋节
    ...days('2026-10', 1, 7), // 国庆节
  ],
  workingWeekends: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
};
const ctx: CalendarContext = { calendar: CHINA_2026, zone: SHANGHAI };

/** 'yyyy-MM-dd HH:mm' in Shanghai → epoch ms. */
const sh = (local: string): number => DateTime.fromFormat(local, 'yyyy-MM-dd HH:mm', { zone: SHANGHAI }).toMillis();
/** epoch ms → 'yyyy-MM-dd HH:mm' in Shanghai. */
const fmt = (ms: number): string => DateTime.fromMillis(ms, { zone: SHANGHAI }).toFormat('yyyy-MM-dd HH:mm');
const addWorking = (local: string, hours: number): string => fmt(addClockTime(sh(local), hours * HOUR, 'working', ctx));

describe('isWorkingDay', () => {
  it.each([
    ['2026-03-10', true, 'an ordinary Tuesday'],
    ['2026-03-07', false, 'an ordinary Saturday'],
    ['2026-03-08', false, 'an ordinary Sunday'],
    ['2026-01-01', false, 'New Year on a Thursday'],
    ['2026-01-04', true, 'make-up Sunday after New Year'],
    ['2026-02-14', true, 'make-up Saturday before Spring Festival'],
    ['2026-02-16', false, 'Spring Festival Monday'],
    ['2026-02-23', false, 'last day of Spring Festival (a Monday)'],
    ['2026-02-24', true, 'first Tuesday back'],
    ['2026-02-28', true, 'make-up Saturday after Spring Festival'],
    ['2026-10-01', false, 'National Day'],
    ['2026-10-10', true, 'make-up Saturday after National Day'],
  ])('%s is %s (%s)', (date, expected) => {
    expect(isWorkingDay(date, CHINA_2026)).toBe(expected);
  });

  it('lets a holiday win when a date is listed both as holiday and as make-up day', () => {
    expect(isWorkingDay('2026-03-07', { ...CHINA_2026, holidays: ['2026-03-07'], workingWeekends: ['2026-03-07'] })).toBe(false);
  });

  it('rejects a malformed or impossible date', () => {
    expect(() => isWorkingDay('2026-02-30', CHINA_2026)).toThrow(/YYYY-MM-DD/);
    expect(() => isWorkingDay('2026/03/10', CHINA_2026)).toThrow(/YYYY-MM-DD/);
  });
});

describe('workingSpansOn', () => {
  it('gives the two office spans of a working day at Shanghai wall-clock times', () => {
    expect(workingSpansOn('2026-03-10', ctx)).toEqual([
      { startMs: sh('2026-03-10 08:30'), endMs: sh('2026-03-10 12:00') },
      { startMs: sh('2026-03-10 13:30'), endMs: sh('2026-03-10 17:30') },
    ]);
  });

  it('gives nothing on a holiday and the full day on a make-up Saturday', () => {
    expect(workingSpansOn('2026-10-05', ctx)).toEqual([]);
    expect(workingSpansOn('2026-10-10', ctx)).toHaveLength(2);
  });

  it('merges overlapping configured spans so no minute counts twice', () => {
    const overlapping: CalendarContext = {
      zone: SHANGHAI,
      calendar: {
        ...CHINA_2026,
        workingHours: [
          { start: '10:00', end: '14:00' },
          { start: '08:00', end: '11:00' },
        ],
      },
    };
    expect(workingSpansOn('2026-03-10', overlapping)).toEqual([{ startMs: sh('2026-03-10 08:00'), endMs: sh('2026-03-10 14:00') }]);
  });
});

describe('addClockTime on the working clock (Asia/Shanghai, 2026)', () => {
  it('adds within one span of a normal weekday', () => {
    // Tue 09:00 + 2h, all inside 08:30–12:00.
    expect(addWorking('2026-03-10 09:00', 2)).toBe('2026-03-10 11:00');
  });

  it('skips the lunch break', () => {
    // Tue 11:00 + 2h: 1h until 12:00, lunch 12:00–13:30 does not count, 1h more → 14:30.
    expect(addWorking('2026-03-10 11:00', 2)).toBe('2026-03-10 14:30');
  });

  it('lands on the end of a span when the time runs out exactly there', () => {
    // 09:00 + 3h = 12:00, not 13:30: the deadline is when the time is used up.
    expect(addWorking('2026-03-10 09:00', 3)).toBe('2026-03-10 12:00');
  });

  it('starts counting at the next span when it starts during lunch, at night or at closing time', () => {
    expect(addWorking('2026-03-10 12:30', 1)).toBe('2026-03-10 14:30'); // counting starts 13:30
    expect(addWorking('2026-03-10 20:00', 1)).toBe('2026-03-11 09:30'); // counting starts Wed 08:30
    expect(addWorking('2026-03-11 03:00', 1)).toBe('2026-03-11 09:30'); // small hours, same day
    expect(addWorking('2026-03-10 17:30', 1)).toBe('2026-03-11 09:30'); // closing time: span is over
  });

  it('crosses a weekend', () => {
    // Fri 2026-03-13 16:30 + 3h: 1h on Friday (until 17:30), Sat 14 and Sun 15 rest,
    // 2h from Mon 2026-03-16 08:30 → 10:30.
    expect(addWorking('2026-03-13 16:30', 3)).toBe('2026-03-16 10:30');
  });

  it('does not count an ordinary Saturday but does count a make-up Saturday', () => {
    // Fri 2026-03-06 17:00 + 5h: 0.5h Friday, Sat 7 / Sun 8 rest, Mon 9: 3.5h morning (1h left),
    // 13:30 + 1h → 14:30.
    expect(addWorking('2026-03-06 17:00', 5)).toBe('2026-03-09 14:30');
    // Same arithmetic a week before, but Sat 2026-02-28 is a make-up working day → Saturday 14:30.
    expect(addWorking('2026-02-27 17:00', 5)).toBe('2026-02-28 14:30');
  });

  it('crosses the Spring Festival week, counting make-up Saturday 2026-02-14', () => {
    // Fri 02-13 15:00 + 15h: Friday 15:00–17:30 = 2.5h (12.5h left); Sat 02-14 is a make-up day,
    // 7.5h (5h left); Sun 02-15 … Mon 02-23 are all rest; Tue 02-24: 3.5h morning (1.5h left),
    // 13:30 + 1.5h → 15:00.
    expect(addWorking('2026-02-13 15:00', 15)).toBe('2026-02-24 15:00');
    // 5 working days (37.5h) from Fri 02-13 08:30: Fri, Sat 14, Tue 24, Wed 25, Thu 26 → Thu 17:30.
    expect(addWorking('2026-02-13 08:30', 37.5)).toBe('2026-02-26 17:30');
    // 6 working days: the sixth is Fri 02-27, and 30 minutes more reaches make-up Sat 02-28 09:00.
    expect(addWorking('2026-02-13 08:30', 45.5)).toBe('2026-02-28 09:00');
  });

  it('starts on a public holiday at the first working span after it', () => {
    // Fri 2026-05-01 10:00 is Labour Day; 05-01 … 05-05 (Fri–Tue) are rest days; Wed 05-06 08:30 + 1h.
    expect(addWorking('2026-05-01 10:00', 1)).toBe('2026-05-06 09:30');
    // New Year: Wed 2025-12-31 17:00 + 1h: 0.5h on Wednesday, Thu 01-01 … Sat 01-03 holiday,
    // Sun 01-04 is a make-up working day: 08:30 + 0.5h → 09:00 on a Sunday.
    expect(addWorking('2025-12-31 17:00', 1)).toBe('2026-01-04 09:00');
  });

  it('adds 16 working hours across National Day', () => {
    // Start Wed 2026-09-30 16:00.
    //   Wed 09-30: 16:00–17:30 = 1.5h                        → 14.5h left
    //   Thu 10-01 … Wed 10-07: National Day holidays         → nothing counts
    //   Thu 10-08: a full day, 3.5h + 4h = 7.5h              →  7.0h left
    //   Fri 10-09: morning 08:30–12:00 = 3.5h                →  3.5h left
    //              afternoon 13:30 + 3.5h                    →  17:00
    // (Sat 10-10 is the make-up day, but the deadline falls before it.)
    expect(addWorking('2026-09-30 16:00', 16)).toBe('2026-10-09 17:00');
    // One more working hour than is left on Friday (0.5h) spills onto make-up Saturday 10-10.
    expect(addWorking('2026-09-30 16:00', 17.5)).toBe('2026-10-10 09:30');
  });

  it('returns the start unchanged when adding 0, even outside working hours', () => {
    expect(addClockTime(sh('2026-10-03 23:59'), 0, 'working', ctx)).toBe(sh('2026-10-03 23:59'));
  });

  it('handles long durations quickly by skipping whole days', () => {
    // 2026 has 261 weekdays (52 weeks + Thursday 01-01); 19 holidays fall on weekdays (01-01/02,
    // 02-16…20 and 02-23, 04-06, 05-01/04/05, 06-19, 09-25, 10-01/02/05/06/07); 6 make-up days are
    // weekends. So 261 − 19 + 6 = 248 working days, and 248 × 7.5h from New Year's midnight ends
    // at the closing time of the last one, Thu 2026-12-31 17:30.
    const started = sh('2026-01-01 00:00');
    const deadline = addClockTime(started, 248 * 7.5 * HOUR, 'working', ctx);
    expect(fmt(deadline)).toBe('2026-12-31 17:30');
    expect(clockTimeBetween(started, sh('2027-01-01 00:00'), 'working', ctx)).toBe(248 * 7.5 * HOUR);
  });

  it('rejects a negative duration and an unknown zone', () => {
    expect(() => addClockTime(sh('2026-03-10 09:00'), -1, 'working', ctx)).toThrow(RangeError);
    expect(() => addClockTime(sh('2026-03-10 09:00'), HOUR, 'working', { calendar: CHINA_2026, zone: 'Mars/Olympus' })).toThrow(/unknown time zone/);
  });

  it('throws a clear error when the calendar has no working time at all', () => {
    const neverWorks: CalendarContext = { zone: SHANGHAI, calendar: { ...CHINA_2026, weekend: [1, 2, 3, 4, 5, 6, 7], workingWeekends: [] } };
    expect(() => addClockTime(sh('2026-03-10 09:00'), HOUR, 'working', neverWorks)).toThrow(/no working time/);
    // Make-up days only in the past: found out by the three-year search cap instead of looping forever.
    const onlyPast: CalendarContext = { zone: SHANGHAI, calendar: { ...neverWorks.calendar, workingWeekends: ['2020-01-19'] } };
    expect(() => addClockTime(sh('2026-03-10 09:00'), HOUR, 'working', onlyPast)).toThrow(/no working time within 1098 days/);
  });
});

describe('calendar clock', () => {
  it('counts every millisecond and ignores the working calendar', () => {
    // 24h from the eve of National Day lands 24h later, in the middle of a holiday.
    expect(fmt(addClockTime(sh('2026-09-30 16:00'), 24 * HOUR, 'calendar', ctx))).toBe('2026-10-01 16:00');
    expect(clockTimeBetween(sh('2026-10-01 00:00'), sh('2026-10-08 00:00'), 'calendar', ctx)).toBe(7 * 24 * HOUR);
    expect(clockTimeBetween(sh('2026-10-01 00:00'), sh('2026-10-08 00:00'), 'working', ctx)).toBe(0);
  });
});

describe('clockTimeBetween', () => {
  it('is 0 when the end is not after the start', () => {
    expect(clockTimeBetween(sh('2026-03-10 10:00'), sh('2026-03-10 10:00'), 'working', ctx)).toBe(0);
    expect(clockTimeBetween(sh('2026-03-10 10:00'), sh('2026-03-10 09:00'), 'calendar', ctx)).toBe(0);
  });

  it('counts only working spans', () => {
    // 09:00–17:30 on a Tuesday: 3h before lunch + 4h after.
    expect(clockTimeBetween(sh('2026-03-10 09:00'), sh('2026-03-10 17:30'), 'working', ctx)).toBe(7 * HOUR);
    // A whole ordinary week, Monday 00:00 to Monday 00:00: 5 × 7.5h.
    expect(clockTimeBetween(sh('2026-03-09 00:00'), sh('2026-03-16 00:00'), 'working', ctx)).toBe(37.5 * HOUR);
    // Fri 02-13 to Wed 02-25: Friday, make-up Saturday 02-14 and Tuesday 02-24 only.
    expect(clockTimeBetween(sh('2026-02-13 00:00'), sh('2026-02-25 00:00'), 'working', ctx)).toBe(22.5 * HOUR);
  });

  it('measures a pause so it can be left out of the SLA', () => {
    // Assigned Tue 09:00 with an 8h working SLA, paused (waiting for the resident) 10:00–Wed 10:00.
    const assigned = sh('2026-03-10 09:00');
    const paused = clockTimeBetween(sh('2026-03-10 10:00'), sh('2026-03-11 10:00'), 'working', ctx);
    expect(paused).toBe(7.5 * HOUR);
    // Without the pause: Tue 09:00 + 8h → 3h + 4h Tue, 1h Wed → Wed 09:30; with it, 7.5h later → Thu 09:30.
    expect(fmt(addClockTime(assigned, 8 * HOUR + paused, 'working', ctx))).toBe('2026-03-12 09:30');
  });
});

describe('clockTimeBetween inverts addClockTime (seeded pseudo-random property)', () => {
  /** Numerical Recipes LCG: deterministic, so a failure reproduces exactly. */
  function lcg(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state / 2 ** 32;
    };
  }
  const from = sh('2025-12-20 00:00');
  const yearMs = 380 * 24 * HOUR;
  const cases = 300;

  it.each([['working' as const], ['calendar' as const]])('%s clock: clockTimeBetween(s, addClockTime(s, d)) === d', (clock) => {
    const random = lcg(20260101);
    for (let i = 0; i < cases; i++) {
      const start = from + Math.floor(random() * yearMs);
      // A mix of minute-granular SLAs up to 20 working days and arbitrary millisecond ones.
      const duration = i % 2 === 0 ? Math.floor(random() * 150 * 60) * MINUTE : Math.floor(random() * 40 * HOUR);
      const deadline = addClockTime(start, duration, clock, ctx);
      expect(deadline).toBeGreaterThanOrEqual(start);
      expect(clockTimeBetween(start, deadline, clock, ctx)).toBe(duration);
      if (clock === 'working' && duration > 0) {
        // The deadline is inside a working span or at its closing end, never in the middle of the night.
        const local = DateTime.fromMillis(deadline, { zone: SHANGHAI });
        const inSpan = workingSpansOn(local.toISODate()!, ctx).some((s) => s.startMs < deadline && deadline <= s.endMs);
        expect(inSpan).toBe(true);
      }
    }
  });

  it('working clock: addClockTime(s, clockTimeBetween(s, e)) reaches e or the last working instant before it', () => {
    const random = lcg(7);
    for (let i = 0; i < cases; i++) {
      const start = from + Math.floor(random() * yearMs);
      const end = start + Math.floor(random() * 30 * 24 * HOUR);
      const reached = addClockTime(start, clockTimeBetween(start, end, 'working', ctx), 'working', ctx);
      expect(reached).toBeLessThanOrEqual(end);
      expect(clockTimeBetween(reached, end, 'working', ctx)).toBe(0);
    }
  });
});

describe('daylight saving time (America/New_York, 09:00–17:00, no holidays)', () => {
  const NEW_YORK = 'America/New_York';
  const office: WorkingCalendar = { workingHours: [{ start: '09:00', end: '17:00' }], weekend: [6, 7], holidays: [], workingWeekends: [] };
  const ny: CalendarContext = { calendar: office, zone: NEW_YORK };
  // 2026-03-08 (02:00 → 03:00) and 2026-11-01 (02:00 → 01:00) are Sundays, so to have a working
  // day *on* the transition day the test declares them make-up working days.
  const nyTransitionWorked: CalendarContext = { zone: NEW_YORK, calendar: { ...office, workingWeekends: ['2026-03-08', '2026-11-01'] } };
  const at = (iso: string): number => DateTime.fromISO(iso, { zone: NEW_YORK }).toMillis();
  const iso = (ms: number): string | null => DateTime.fromMillis(ms, { zone: NEW_YORK }).toISO({ suppressMilliseconds: true });

  it('keeps 8 working hours at 09:00–17:00 local on the 23-hour spring-forward day', () => {
    expect(clockTimeBetween(at('2026-03-08T00:00'), at('2026-03-09T00:00'), 'calendar', ny)).toBe(23 * HOUR);
    const [span, ...rest] = workingSpansOn('2026-03-08', nyTransitionWorked);
    expect(rest).toEqual([]);
    expect(iso(span!.startMs)).toBe('2026-03-08T09:00:00-04:00');
    expect(iso(span!.endMs)).toBe('2026-03-08T17:00:00-04:00');
    expect(clockTimeBetween(at('2026-03-08T00:00'), at('2026-03-09T00:00'), 'working', nyTransitionWorked)).toBe(8 * HOUR);
    // Midnight + 8 working hours closes at 17:00 local (midnight + 9h + 8h in UTC terms would be 18:00).
    expect(iso(addClockTime(at('2026-03-08T00:00'), 8 * HOUR, 'working', nyTransitionWorked))).toBe('2026-03-08T17:00:00-04:00');
  });

  it('keeps 8 working hours at 09:00–17:00 local on the 25-hour fall-back day', () => {
    expect(clockTimeBetween(at('2026-11-01T00:00'), at('2026-11-02T00:00'), 'calendar', ny)).toBe(25 * HOUR);
    const [span] = workingSpansOn('2026-11-01', nyTransitionWorked);
    expect(iso(span!.startMs)).toBe('2026-11-01T09:00:00-05:00');
    expect(iso(span!.endMs)).toBe('2026-11-01T17:00:00-05:00');
    expect(iso(addClockTime(at('2026-11-01T00:00'), 4 * HOUR, 'working', nyTransitionWorked))).toBe('2026-11-01T13:00:00-05:00');
    expect(iso(addClockTime(at('2026-11-01T00:00'), 8 * HOUR, 'working', nyTransitionWorked))).toBe('2026-11-01T17:00:00-05:00');
  });

  it('lands deadlines that cross a transition weekend at the right local wall-clock time', () => {
    // Fri 2026-03-06 16:00 EST + 2h: 1h Friday, weekend (clocks spring forward), 1h Monday → 10:00 EDT.
    const spring = addClockTime(at('2026-03-06T16:00'), 2 * HOUR, 'working', ny);
    expect(iso(spring)).toBe('2026-03-09T10:00:00-04:00');
    expect(spring - at('2026-03-06T16:00')).toBe(65 * HOUR); // 66 wall-clock hours, one of them skipped
    // Fri 2026-10-30 16:00 EDT + 2h → Mon 2026-11-02 10:00 EST, 67 real hours later.
    const autumn = addClockTime(at('2026-10-30T16:00'), 2 * HOUR, 'working', ny);
    expect(iso(autumn)).toBe('2026-11-02T10:00:00-05:00');
    expect(autumn - at('2026-10-30T16:00')).toBe(67 * HOUR);
  });

  it('runs the calendar clock in plain milliseconds across a transition', () => {
    // 24 real hours from Sat 12:00 EST is Sun 13:00 EDT on the wall clock.
    expect(iso(addClockTime(at('2026-03-07T12:00'), 24 * HOUR, 'calendar', ny))).toBe('2026-03-08T13:00:00-04:00');
  });

  it('makes a span that straddles the skipped hour shorter in real time', () => {
    // 01:00–04:00 local on spring-forward day: 02:00–03:00 never happens, so only 2 real hours.
    const night: CalendarContext = { zone: NEW_YORK, calendar: { ...office, workingHours: [{ start: '01:00', end: '04:00' }], weekend: [] } };
    expect(clockTimeBetween(at('2026-03-08T00:00'), at('2026-03-09T00:00'), 'working', night)).toBe(2 * HOUR);
  });
});
