/**
 * A case's SLA plan (from the demo city's policy) and the clock of one level: deadline, pause while
 * the resident is asked for information, resume, a supervisor moving the deadline, and the 50% /
 * 75% warnings. First on the calendar clock (plain millisecond arithmetic), then on the working
 * clock over real 2026 dates in Asia/Shanghai (08:30–12:00 and 13:30–17:30: 7.5 hours a day).
 */
import { DateTime } from 'luxon';
import { DEFAULT_CONFIG_PATH, loadConfig } from '../../src/config/load';
import type { SlaPlan } from '../../src/domain/case-model';
import { deadlineOf, moveDeadline, nextWarningAt, pauseClock, resumeClock, startLevelClock, stopClock, type LevelClock } from '../../src/domain/sla-clock';
import { isoDurationMs, planFor } from '../../src/domain/sla-policy';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const SHANGHAI = 'Asia/Shanghai';
const config = loadConfig(DEFAULT_CONFIG_PATH);

/** 'yyyy-MM-dd HH:mm' in Shanghai → epoch ms. */
const sh = (local: string): number => DateTime.fromFormat(local, 'yyyy-MM-dd HH:mm', { zone: SHANGHAI }).toMillis();
/** epoch ms → 'yyyy-MM-dd HH:mm' in Shanghai (or undefined). */
const fmt = (ms: number | undefined): string | undefined =>
  ms === undefined ? undefined : DateTime.fromMillis(ms, { zone: SHANGHAI }).toFormat('yyyy-MM-dd HH:mm');

describe('planFor with the demo policy', () => {
  it('runs a normal case on the working clock with the level table', () => {
    const plan = planFor(config, 'road_repair', 'normal');
    expect(plan.clock).toBe('working');
    expect(plan.budgets).toEqual({ grid: 16 * HOUR, community: 8 * HOUR, street: 8 * HOUR, district: 8 * HOUR });
    expect(plan.warnAt).toEqual([0.5, 0.75]);
    expect(plan.confirmWithinMs).toBe(3 * 24 * HOUR);
    expect(plan.timeZone).toBe(SHANGHAI);
    expect(plan.calendar.holidays).toContain('2026-10-01');
    expect(plan.calendar.workingWeekends).toContain('2026-02-14');
  });

  it('runs an urgent case on the calendar clock', () => {
    const plan = planFor(config, 'road_repair', 'urgent');
    expect(plan.clock).toBe('calendar');
    expect(plan.budgets).toEqual({ grid: 4 * HOUR, community: 4 * HOUR, street: 2 * HOUR, district: 2 * HOUR });
  });

  it('uses an override for its one cell only (safety hazard, grid, urgent: PT2H)', () => {
    expect(planFor(config, 'safety_hazard', 'urgent').budgets).toEqual({ grid: 2 * HOUR, community: 4 * HOUR, street: 2 * HOUR, district: 2 * HOUR });
    expect(planFor(config, 'safety_hazard', 'high').budgets.grid).toBe(8 * HOUR);
    expect(planFor(config, 'road_repair', 'urgent').budgets.grid).toBe(4 * HOUR);
  });

  it('follows calendarHoursFor rather than a fixed rule', () => {
    const allCalendar = { ...config, sla: { ...config.sla, calendarHoursFor: ['urgent' as const, 'low' as const] } };
    expect(planFor(allCalendar, 'road_repair', 'low').clock).toBe('calendar');
    expect(planFor(allCalendar, 'road_repair', 'high').clock).toBe('working');
  });

  it('reads ISO durations to milliseconds', () => {
    expect(isoDurationMs('PT2S')).toBe(2000);
    expect(isoDurationMs('P3D')).toBe(3 * 24 * HOUR);
    expect(isoDurationMs('PT1H30M')).toBe(90 * MINUTE);
  });
});

describe('level clock on the calendar clock', () => {
  const plan: SlaPlan = { ...planFor(config, 'road_repair', 'urgent'), clock: 'calendar' };
  const T0 = Date.parse('2026-03-14T03:00:00.000Z'); // a Saturday: the calendar clock does not care
  const started = startLevelClock(4 * HOUR, T0);

  it('is due after the budget and warns at 50% and 75% of it', () => {
    expect(deadlineOf(started, plan)).toBe(T0 + 4 * HOUR);
    expect(nextWarningAt(started, plan)).toEqual({ fraction: 0.5, atMs: T0 + 2 * HOUR });
    expect(nextWarningAt({ ...started, warned: 1 }, plan)).toEqual({ fraction: 0.75, atMs: T0 + 3 * HOUR });
    expect(nextWarningAt({ ...started, warned: 2 }, plan)).toBeUndefined();
  });

  it('warns in ascending order even when the policy lists the fractions out of order', () => {
    const shuffled: SlaPlan = { ...plan, warnAt: [0.9, 0.25, 0.5] };
    expect(nextWarningAt(started, shuffled)).toEqual({ fraction: 0.25, atMs: T0 + HOUR });
    expect(nextWarningAt({ ...started, warned: 2 }, shuffled)).toEqual({ fraction: 0.9, atMs: T0 + 3.6 * HOUR });
    expect(shuffled.warnAt).toEqual([0.9, 0.25, 0.5]);
  });

  it('has no deadline and no warning while paused, and does not count the pause', () => {
    const paused = pauseClock(started, plan, T0 + HOUR);
    expect(paused).toMatchObject({ paused: true, remainingMs: 3 * HOUR, budgetMs: 4 * HOUR });
    expect(deadlineOf(paused, plan)).toBeUndefined();
    expect(nextWarningAt(paused, plan)).toBeUndefined();
    expect(pauseClock(paused, plan, T0 + 2 * HOUR)).toBe(paused);

    const resumed = resumeClock(paused, T0 + 5 * HOUR);
    expect(resumed).toMatchObject({ paused: false, segmentStartMs: T0 + 5 * HOUR, remainingMs: 3 * HOUR });
    // 1 h ran before the pause, 3 h are left after it: due at T0+8h; half the budget is used at T0+6h.
    expect(deadlineOf(resumed, plan)).toBe(T0 + 8 * HOUR);
    expect(nextWarningAt(resumed, plan)).toEqual({ fraction: 0.5, atMs: T0 + 6 * HOUR });
    expect(nextWarningAt({ ...resumed, warned: 1 }, plan)).toEqual({ fraction: 0.75, atMs: T0 + 7 * HOUR });
    expect(resumeClock(resumed, T0 + 6 * HOUR)).toBe(resumed);
  });

  it('sends a warning whose moment passed during a long pause at once on resume', () => {
    const resumed = resumeClock(pauseClock(started, plan, T0 + 3 * HOUR), T0 + 10 * HOUR);
    expect(nextWarningAt(resumed, plan)).toEqual({ fraction: 0.5, atMs: T0 + 10 * HOUR });
    expect(deadlineOf(resumed, plan)).toBe(T0 + 11 * HOUR);
  });

  it('never gives a deadline before the segment start once the budget is used up', () => {
    const exhausted: LevelClock = { ...started, remainingMs: -5 * MINUTE };
    expect(deadlineOf(exhausted, plan)).toBe(T0);
  });

  it('uses a moved deadline as is and restarts the warnings in the new window', () => {
    const warnedOnce = { ...started, warned: 1 };
    const moved = moveDeadline(warnedOnce, plan, T0 + HOUR, T0 + 11 * HOUR);
    expect(moved).toMatchObject({ budgetMs: 10 * HOUR, remainingMs: 10 * HOUR, segmentStartMs: T0 + HOUR, fixedDueMs: T0 + 11 * HOUR, warned: 0 });
    expect(deadlineOf(moved, plan)).toBe(T0 + 11 * HOUR);
    expect(nextWarningAt(moved, plan)).toEqual({ fraction: 0.5, atMs: T0 + 6 * HOUR });
    expect(nextWarningAt({ ...moved, warned: 1 }, plan)).toEqual({ fraction: 0.75, atMs: T0 + 8.5 * HOUR });

    // Pausing a moved deadline keeps the time that was left to it; resuming starts from there.
    const paused = pauseClock(moved, plan, T0 + 3 * HOUR);
    expect(paused).toMatchObject({ paused: true, remainingMs: 8 * HOUR, fixedDueMs: undefined });
    expect(deadlineOf(resumeClock(paused, T0 + 10 * HOUR), plan)).toBe(T0 + 18 * HOUR);
  });

  it('has no deadline and no warning once stopped, and stays stopped when paused', () => {
    const stopped = stopClock(started);
    expect(deadlineOf(stopped, plan)).toBeUndefined();
    expect(nextWarningAt(stopped, plan)).toBeUndefined();
    expect(pauseClock(stopped, plan, T0 + HOUR)).toBe(stopped);
  });
});

describe('level clock on the working clock (demo calendar, 2026, Asia/Shanghai)', () => {
  const plan = planFor(config, 'road_repair', 'normal'); // grid budget: 16 working hours

  it('skips the evening and the weekend', () => {
    // Fri 03-13 16:00 → 17:30 (1.5 h) · Mon 03-16 7.5 h (9 h) · Tue 03-17 08:30–12:00 (12.5 h), 13:30 + 3.5 h.
    const clock = startLevelClock(plan.budgets.grid, sh('2026-03-13 16:00'));
    expect(fmt(deadlineOf(clock, plan))).toBe('2026-03-17 17:00');
    // 8 h: Fri 1.5 + Mon morning 3.5 = 5, then 13:30 + 3 h.
    expect(nextWarningAt(clock, plan)).toEqual({ fraction: 0.5, atMs: sh('2026-03-16 16:30') });
    // 12 h: Fri 1.5 + Mon 7.5 = 9, then Tue 08:30 + 3 h.
    expect(nextWarningAt({ ...clock, warned: 1 }, plan)).toEqual({ fraction: 0.75, atMs: sh('2026-03-17 11:30') });
  });

  it('does not count working time while paused over a weekend', () => {
    const start = sh('2026-03-13 09:00');
    const clock = startLevelClock(plan.budgets.grid, start);
    // Unpaused: Fri 09:00–17:30 is 7 h, Mon 7.5 h (14.5 h), Tue 08:30 + 1.5 h.
    expect(fmt(deadlineOf(clock, plan))).toBe('2026-03-17 10:00');

    // Paused Fri 11:00 (2 h used, 14 h left) until Mon 10:00: Fri 11:00–17:30 (5 h) and Mon
    // 08:30–10:00 (1.5 h) of working time do not count, nor does the weekend.
    const paused = pauseClock(clock, plan, sh('2026-03-13 11:00'));
    expect(paused.remainingMs).toBe(14 * HOUR);
    const resumed = resumeClock(paused, sh('2026-03-16 10:00'));
    // Mon 10:00–17:30 (6 h, 8 h left) · Tue 7.5 h (0.5 h left) · Wed 08:30 + 0.5 h.
    expect(fmt(deadlineOf(resumed, plan))).toBe('2026-03-18 09:00');
    // 50% (8 h) used: 2 h before the pause, so 6 h after Mon 10:00 → Mon 17:30, the end of the day's last span.
    expect(nextWarningAt(resumed, plan)).toEqual({ fraction: 0.5, atMs: sh('2026-03-16 17:30') });
  });

  it('counts a pause that lies wholly outside working hours as nothing', () => {
    const clock = startLevelClock(plan.budgets.grid, sh('2026-03-13 16:00'));
    const resumed = resumeClock(pauseClock(clock, plan, sh('2026-03-13 18:00')), sh('2026-03-15 20:00'));
    expect(resumed.remainingMs).toBe(14.5 * HOUR);
    expect(fmt(deadlineOf(resumed, plan))).toBe('2026-03-17 17:00');
  });

  it('runs through the Labour Day holiday and onto the make-up Saturday', () => {
    // Low priority at grid: 24 working hours. Thu 04-30 15:00–17:30 (2.5 h); 05-01..05 are holidays;
    // Wed 05-06 and Thu 05-07 (17.5 h); Fri 05-08 08:30–12:00 (21 h), then 13:30 + 3 h = 16:30.
    const low = planFor(config, 'road_repair', 'low');
    expect(fmt(deadlineOf(startLevelClock(low.budgets.grid, sh('2026-04-30 15:00')), low))).toBe('2026-05-08 16:30');
    // From Wed 05-06 08:30: three full days are 22.5 h, so Sat 05-09 (a working day) 08:30 + 1.5 h.
    expect(fmt(deadlineOf(startLevelClock(low.budgets.grid, sh('2026-05-06 08:30')), low))).toBe('2026-05-09 10:00');
  });

  it('keeps a moved deadline and warns within its working-time window', () => {
    // Mon 03-16 09:00 → Wed 03-18 09:00 holds Mon 7 h + Tue 7.5 h + Wed 0.5 h = 15 working hours.
    const clock = moveDeadline(startLevelClock(plan.budgets.grid, sh('2026-03-16 08:30')), plan, sh('2026-03-16 09:00'), sh('2026-03-18 09:00'));
    expect(clock.budgetMs).toBe(15 * HOUR);
    expect(fmt(deadlineOf(clock, plan))).toBe('2026-03-18 09:00');
    // 7.5 h: Mon 7 h, Tue 08:30 + 0.5 h. 11.25 h: Mon 7 + Tue morning 3.5 = 10.5, 13:30 + 45 min.
    expect(nextWarningAt(clock, plan)).toEqual({ fraction: 0.5, atMs: sh('2026-03-17 09:00') });
    expect(nextWarningAt({ ...clock, warned: 1 }, plan)).toEqual({ fraction: 0.75, atMs: sh('2026-03-17 14:15') });

    // Paused Tue 09:00 with 7.5 working hours left to the moved deadline; resumed Thu 08:30 → Thu 17:30.
    const paused = pauseClock(clock, plan, sh('2026-03-17 09:00'));
    expect(paused.remainingMs).toBe(7.5 * HOUR);
    expect(fmt(deadlineOf(resumeClock(paused, sh('2026-03-19 08:30')), plan))).toBe('2026-03-19 17:30');
  });
});
