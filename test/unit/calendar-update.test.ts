/**
 * Which calendar a running case takes by signal: a well-formed, versioned calendar that differs
 * from its own and knows at least as far ahead. Anything else is ignored, never a crash.
 */
import { isVersionedCalendar, takesCalendar } from '../../src/domain/calendar-update';
import type { WorkingCalendar } from '../../src/domain/working-calendar';

const base: WorkingCalendar & { version: string } = {
  workingHours: [{ start: '08:30', end: '12:00' }],
  weekend: [6, 7],
  holidays: ['2026-10-01'],
  workingWeekends: ['2026-09-27'],
  knownThrough: '2026-12-31',
  version: 'aaaaaaaaaaaa',
};

describe('isVersionedCalendar', () => {
  test('accepts a resolved calendar, with or without a horizon', () => {
    expect(isVersionedCalendar(base)).toBe(true);
    const { knownThrough: _k, ...noHorizon } = base;
    expect(isVersionedCalendar(noHorizon)).toBe(true);
  });

  test.each([
    ['nothing', undefined],
    ['a string', 'calendar'],
    ['no version', { ...base, version: undefined }],
    ['an empty version', { ...base, version: '' }],
    ['no working hours', { ...base, workingHours: [] }],
    ['a span that ends before it starts', { ...base, workingHours: [{ start: '12:00', end: '08:30' }] }],
    ['a malformed hour', { ...base, workingHours: [{ start: '8:30', end: '12:00' }] }],
    ['weekday 0', { ...base, weekend: [0] }],
    ['holidays not a list', { ...base, holidays: 'none' }],
    ['a malformed date', { ...base, holidays: ['2026-1-1'] }],
    ['a malformed horizon', { ...base, knownThrough: 'soon' }],
    ['a date that does not exist', { ...base, holidays: ['2027-02-30'] }],
    ['an hour that does not exist', { ...base, workingHours: [{ start: '08:30', end: '99:99' }] }],
    ['a week of rest days', { ...base, weekend: [1, 2, 3, 4, 5, 6, 7] }],
  ])('refuses %s', (_name, value) => {
    expect(isVersionedCalendar(value)).toBe(false);
  });
});

describe('takesCalendar', () => {
  test('takes a different version with a later or equal horizon', () => {
    expect(takesCalendar(base, { ...base, version: 'b', knownThrough: '2027-12-31' })).toBe(true);
    expect(takesCalendar(base, { ...base, version: 'b', holidays: ['2026-10-02'] })).toBe(true);
  });

  test('ignores the same version, and a calendar that ends sooner or claims no horizon', () => {
    expect(takesCalendar(base, { ...base })).toBe(false);
    expect(takesCalendar(base, { ...base, version: 'b', knownThrough: '2026-06-30' })).toBe(false);
    const { knownThrough: _k, ...noHorizon } = base;
    expect(takesCalendar(base, { ...noHorizon, version: 'b' })).toBe(false);
  });

  test('a case from before calendars had a horizon or a version takes any versioned calendar', () => {
    const { knownThrough: _k, version: _v, ...old } = base;
    expect(takesCalendar(old, { ...base })).toBe(true);
  });
});
