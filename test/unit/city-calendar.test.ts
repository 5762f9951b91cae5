/**
 * The city calendar: China's schedule from the chinese-days package, the city's dates from config
 * on top, and the SLA clock running on the result, in Asia/Shanghai with office hours 08:30–12:00
 * and 13:30–17:30 (7.5 working hours a day).
 *
 * chinese-days 1.5.7 has no 2027 notice yet, so the 2027 cases run on the way a city bridges that
 * gap: the notice's dates typed into config with `knownThrough` raised. The 2027 dates below are a
 * stand-in shaped like the 2026 notice (a 9-day Spring Festival break from New Year's Eve, a
 * make-up Saturday after it), not the State Council's 2027 arrangement.
 */
import { DateTime } from 'luxon';
import { calendarVersion, resolveCityCalendar, withCityCalendar } from '../../src/calendar/city-calendar';
import { chineseDaysHolidays, nationalHolidays } from '../../src/calendar/national-holidays';
import { parseConfig } from '../../src/config/load';
import { calendarSchema } from '../../src/config/schema';
import { beyondCalendar } from '../../src/domain/calendar-horizon';
import { addClockTime, isWorkingDay, type CalendarContext } from '../../src/domain/working-calendar';

const HOUR = 3_600_000;
const SHANGHAI = 'Asia/Shanghai';
const sh = (local: string): number => DateTime.fromFormat(local, 'yyyy-MM-dd HH:mm', { zone: SHANGHAI }).toMillis();
const fmt = (ms: number): string => DateTime.fromMillis(ms, { zone: SHANGHAI }).toFormat('yyyy-MM-dd HH:mm');

/** Stand-in for a 2027 notice the package does not have yet (see the file comment). */
const STAND_IN_2027 = {
  extraHolidays: ['2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11', '2027-02-12', '2027-02-13'],
  extraWorkingDays: ['2027-02-20'],
  knownThrough: '2027-12-31',
};

const national = chineseDaysHolidays();
const cityOf = (section: object) => resolveCityCalendar(calendarSchema.parse(section), national);

describe('the national schedule from chinese-days', () => {
  it('covers whole years through at least 2026, named by the package version', () => {
    expect(national.source).toMatch(/^chinese-days@\d+\.\d+\.\d+$/);
    expect(national.years).toContain(2026);
    expect(national.knownThrough >= '2026-12-31').toBe(true);
    expect(national.knownThrough).toMatch(/-12-31$/);
  });

  it('brings the 2026 notice with no local dates at all', () => {
    const calendar = cityOf({});
    expect(isWorkingDay('2026-02-16', calendar)).toBe(false); // 春节, a Monday
    expect(isWorkingDay('2026-10-07', calendar)).toBe(false); // 国庆节, a Wednesday
    expect(isWorkingDay('2026-02-14', calendar)).toBe(true); // make-up Saturday
    expect(isWorkingDay('2026-09-20', calendar)).toBe(true); // make-up Sunday
    expect(isWorkingDay('2026-03-02', calendar)).toBe(true); // an ordinary Monday
  });

  it('refuses an empty schedule instead of turning every holiday into a working day', () => {
    expect(() => nationalHolidays('empty', [], [])).toThrow(/lists no public holidays/);
  });
});

describe('local additions and corrections', () => {
  it('win over the package for their date', () => {
    const calendar = cityOf({ extraWorkingDays: ['2026-10-07'], extraHolidays: ['2026-02-14', '2026-03-02'] });
    expect(isWorkingDay('2026-10-07', calendar)).toBe(true); // package holiday the city works
    expect(calendar.holidays).not.toContain('2026-10-07');
    expect(isWorkingDay('2026-02-14', calendar)).toBe(false); // package make-up day the city rests
    expect(calendar.workingWeekends).not.toContain('2026-02-14');
    expect(isWorkingDay('2026-03-02', calendar)).toBe(false); // a purely local holiday
  });

  it('still accept the older holidays / workingWeekends keys, merged with the new ones', () => {
    const section = calendarSchema.parse({
      holidays: ['2026-03-02'],
      extraHolidays: ['2026-03-03'],
      workingWeekends: ['2026-03-07'],
      extraWorkingDays: ['2026-03-08'],
    });
    expect(section.holidays).toEqual(['2026-03-02', '2026-03-03']);
    expect(section.workingWeekends).toEqual(['2026-03-07', '2026-03-08']);
  });

  it('refuse a date listed both as a holiday and as a working day, naming it', () => {
    const result = calendarSchema.safeParse({ extraHolidays: ['2026-03-02'], workingWeekends: ['2026-03-02'] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ['workingWeekends', 0], message: '2026-03-02 is also listed as a holiday' });
  });
});

describe('knownThrough and version', () => {
  it('is the end of the package years, or the later date the config declares', () => {
    expect(cityOf({}).knownThrough).toBe(national.knownThrough);
    expect(cityOf({ knownThrough: '2099-12-31' }).knownThrough).toBe('2099-12-31');
    // An earlier date cannot shrink what the package knows.
    expect(cityOf({ knownThrough: '2020-12-31' }).knownThrough).toBe(national.knownThrough);
  });

  it('versions the content deterministically and tells different calendars apart', () => {
    const a = cityOf({});
    expect(a.version).toMatch(/^[0-9a-f]{12}$/);
    expect(cityOf({}).version).toBe(a.version);
    expect(resolveCityCalendar(a, national)).toEqual(a); // resolving twice changes nothing
    expect(calendarVersion({ ...a, holidays: [...a.holidays].reverse() })).toBe(a.version); // order is not content
    expect(cityOf({ extraHolidays: ['2026-03-02'] }).version).not.toBe(a.version);
    expect(cityOf({ workingHours: [{ start: '09:00', end: '17:00' }] }).version).not.toBe(a.version);
    expect(cityOf({ knownThrough: '2099-12-31' }).version).not.toBe(a.version);
  });

  it('travels as plain data: a JSON round trip keeps it equal', () => {
    const calendar = cityOf(STAND_IN_2027);
    expect(JSON.parse(JSON.stringify(calendar))).toEqual(calendar);
  });

  it('is put in place of the config section by withCityCalendar', () => {
    const config = withCityCalendar(parseConfig(MINIMAL_CITY), national);
    expect(config.calendar).toMatchObject({ knownThrough: national.knownThrough, version: expect.stringMatching(/^[0-9a-f]{12}$/) });
    expect(config.calendar.holidays).toContain('2026-10-01');
  });
});

describe('2027 dates on the stand-in notice', () => {
  const ctx: CalendarContext = { calendar: cityOf(STAND_IN_2027), zone: SHANGHAI };

  it('a case submitted before the Spring Festival break falls due after it', () => {
    // Thu 02-04 16:00–17:30 = 1.5 h; Fri 02-05 to Sat 02-13 is the break, Sun 02-14 a weekend;
    // Mon 02-15 7.5 h (9 h); Tue 02-16 08:30–12:00 (12.5 h) then 13:30 + 3.5 h = 17:00 (16 h).
    const due = addClockTime(sh('2027-02-04 16:00'), 16 * HOUR, 'working', ctx);
    expect(fmt(due)).toBe('2027-02-16 17:00');
    // On the weekday rule alone it would have fallen inside the break.
    const weekdayRule = addClockTime(sh('2027-02-04 16:00'), 16 * HOUR, 'working', { ...ctx, calendar: cityOf({}) });
    expect(fmt(weekdayRule)).toBe('2027-02-08 17:00');
  });

  it('a make-up Saturday counts as a working day', () => {
    expect(isWorkingDay('2027-02-20', ctx.calendar)).toBe(true);
    // Fri 02-19 16:00–17:30 = 1.5 h; Sat 02-20 08:30 + 0.5 h.
    expect(fmt(addClockTime(sh('2027-02-19 16:00'), 2 * HOUR, 'working', ctx))).toBe('2027-02-20 09:00');
  });

  it('is within the horizon once knownThrough covers 2027, and beyond it on a schedule ending with 2026', () => {
    const due = sh('2027-02-16 17:00');
    expect(beyondCalendar(due, ctx.calendar, SHANGHAI)).toBe(false);
    const through2026 = resolveCityCalendar(calendarSchema.parse({}), nationalHolidays('test', ['2026-10-01'], []));
    expect(through2026.knownThrough).toBe('2026-12-31');
    expect(beyondCalendar(due, through2026, SHANGHAI)).toBe(true);
  });
});

const MINIMAL_CITY = `
city: { name: { zh-CN: 测试区 }, timeZone: Asia/Shanghai }
units:
  - { id: d, level: district, name: { zh-CN: 区 }, dutyOfficer: d-duty }
  - { id: s, level: street, parent: d, name: { zh-CN: 街道 }, dutyOfficer: s-duty }
  - { id: c, level: community, parent: s, name: { zh-CN: 社区 }, dutyOfficer: c-duty }
  - { id: g, level: grid, parent: c, name: { zh-CN: 网格 }, dutyOfficer: g-worker }
staff:
  - { id: d-duty, name: 区值班, email: d-duty@example.org, role: officer, unit: d }
  - { id: s-duty, name: 街道值班, email: s-duty@example.org, role: officer, unit: s }
  - { id: c-duty, name: 社区书记, email: c-duty@example.org, role: supervisor, unit: c }
  - { id: g-worker, name: 网格员, email: g@example.org, role: grid_worker, unit: g }
categories:
  - { id: road_repair, name: { zh-CN: 道路维修 } }
sla:
  levels:
    grid:      { urgent: PT4H, high: PT8H, normal: PT16H, low: PT24H }
    community: { urgent: PT4H, high: PT6H, normal: PT8H,  low: PT16H }
    street:    { urgent: PT2H, high: PT4H, normal: PT8H,  low: PT16H }
    district:  { urgent: PT2H, high: PT4H, normal: PT8H,  low: PT8H }
`;
