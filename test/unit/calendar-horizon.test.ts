/**
 * How far ahead the calendar is known, and the three places that say so: the start-up log,
 * `/readyz` and the `gridflow_calendar_known_days_ahead` gauge; plus the deadline-beyond check.
 */
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import express from 'express';
import { DateTime } from 'luxon';
import pino from 'pino';
import { logCalendarHorizon, noteDeadlineBeyondCalendar } from '../../src/calendar/horizon-report';
import { nationalHolidays } from '../../src/calendar/national-holidays';
import { healthRoutes } from '../../src/api/routes/health';
import { metricsRoutes } from '../../src/api/routes/metrics';
import { beyondCalendar, calendarHorizon, CALENDAR_HORIZON_WARNING_DAYS } from '../../src/domain/calendar-horizon';
import type { CalendarContext, WorkingCalendar } from '../../src/domain/working-calendar';
import { metricsRegistry } from '../../src/metrics/registry';

const SHANGHAI = 'Asia/Shanghai';
const sh = (local: string): number => DateTime.fromFormat(local, 'yyyy-MM-dd HH:mm', { zone: SHANGHAI }).toMillis();

const calendar: WorkingCalendar = {
  workingHours: [{ start: '09:00', end: '17:00' }],
  weekend: [6, 7],
  holidays: [],
  workingWeekends: [],
  knownThrough: '2026-12-31',
  version: 'abc123def456',
};
const ctx: CalendarContext = { calendar, zone: SHANGHAI };
const national = nationalHolidays('chinese-days@test', ['2025-01-01', '2026-01-01'], []);

describe('beyondCalendar', () => {
  it('compares the local date in the city zone, not the UTC date', () => {
    // 2027-01-01 07:00 in Shanghai is still 2026-12-31 in UTC.
    expect(beyondCalendar(sh('2026-12-31 23:59'), calendar, SHANGHAI)).toBe(false);
    expect(beyondCalendar(sh('2027-01-01 07:00'), calendar, SHANGHAI)).toBe(true);
  });

  it('makes no claim for a calendar without a horizon (hand-written, or from an older case)', () => {
    expect(beyondCalendar(sh('2099-01-01 09:00'), { knownThrough: undefined }, SHANGHAI)).toBe(false);
  });

  it('fails on an unknown zone rather than answering', () => {
    expect(() => beyondCalendar(0, calendar, 'Mars/Olympus_Mons')).toThrow(/unknown time zone/);
  });
});

describe('calendarHorizon', () => {
  it('counts whole local days to knownThrough and warns under the threshold', () => {
    expect(CALENDAR_HORIZON_WARNING_DAYS).toBe(60);
    // Today (2026-12-01 in Shanghai): 30 days to 12-31.
    expect(calendarHorizon(calendar, sh('2026-12-01 00:30'), SHANGHAI)).toEqual({
      knownThrough: '2026-12-31',
      daysAhead: 30,
      version: 'abc123def456',
      endingSoon: true,
    });
    expect(calendarHorizon(calendar, sh('2026-11-01 12:00'), SHANGHAI)).toMatchObject({ daysAhead: 60, endingSoon: false });
    expect(calendarHorizon(calendar, sh('2027-01-02 12:00'), SHANGHAI)).toMatchObject({ daysAhead: -2, endingSoon: true });
  });

  it('is undefined for a calendar without a horizon', () => {
    expect(calendarHorizon({ knownThrough: undefined, version: undefined }, 0, SHANGHAI)).toBeUndefined();
  });
});

/** A pino logger writing JSON lines into an array. */
function capturingLogger(): { logger: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

describe('the start-up log', () => {
  it('warns when the calendar ends within 60 days, naming the date, days, source and what to do', () => {
    const { logger, lines } = capturingLogger();
    logCalendarHorizon(logger, ctx, sh('2026-12-01 09:00'), national);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 40,
      knownThrough: '2026-12-31',
      daysAhead: 30,
      version: 'abc123def456',
      source: 'chinese-days@test',
      packageYears: '2025-2026',
    });
    expect(lines[0]?.msg).toMatch(/known only through 2026-12-31 \(30 days\).*calendar\.knownThrough/);
  });

  it('is an info line when the calendar is known far enough ahead', () => {
    const { logger, lines } = capturingLogger();
    logCalendarHorizon(logger, ctx, sh('2026-06-01 09:00'), national);
    expect(lines[0]).toMatchObject({ level: 30, daysAhead: 213 });
  });

  it('warns when the calendar has no horizon at all', () => {
    const { logger, lines } = capturingLogger();
    logCalendarHorizon(logger, { ...ctx, calendar: { ...calendar, knownThrough: undefined } }, sh('2026-06-01 09:00'), national);
    expect(lines[0]).toMatchObject({ level: 40 });
    expect(lines[0]?.msg).toMatch(/no known horizon/);
  });
});

describe('a deadline beyond the calendar', () => {
  it('is logged with the case and counted; one within it is neither', async () => {
    const { logger, lines } = capturingLogger();
    const counted = async (): Promise<number> =>
      (await metricsRegistry.getSingleMetric('gridflow_deadlines_beyond_calendar_total')!.get()).values[0]?.value ?? 0;
    const before = await counted();
    expect(noteDeadlineBeyondCalendar(logger, { caseId: 'c-inside', dueMs: sh('2026-12-31 16:00'), context: ctx })).toBe(false);
    expect(noteDeadlineBeyondCalendar(logger, { caseId: 'c-beyond', dueMs: sh('2027-01-04 10:00'), context: ctx })).toBe(true);
    expect(await counted()).toBe(before + 1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 40,
      caseId: 'c-beyond',
      knownThrough: '2026-12-31',
      calendarVersion: 'abc123def456',
      dueAt: '2027-01-04T02:00:00.000Z',
    });
  });
});

/** Serves `router` on an ephemeral loopback port for one request. */
async function get(router: express.Router, path: string, headers: Record<string, string> = {}): Promise<Response> {
  const server = express().use(router).listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  try {
    return await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`, { headers });
  } finally {
    server.close();
  }
}

/** A Temporal client whose connection answers (or not). */
function fakeClient(reachable: boolean): Client {
  return {
    connection: { withDeadline: async <T>(_deadline: number, call: () => Promise<T>) => call() },
    workflowService: { getSystemInfo: async () => (reachable ? {} : Promise.reject(new Error('unreachable'))) },
  } as unknown as Client;
}

describe('/readyz', () => {
  it("stays ready with a short horizon and reports it with a warning in the caller's language", async () => {
    const router = healthRoutes(fakeClient(true), ctx, () => sh('2026-12-01 09:00'));
    const en = await get(router, '/readyz', { 'accept-language': 'en' });
    expect(en.status).toBe(200);
    const body = (await en.json()) as { status: string; calendar: Record<string, unknown> };
    expect(body).toMatchObject({ status: 'ready', temporal: 'ok', calendar: { knownThrough: '2026-12-31', daysAhead: 30, version: 'abc123def456' } });
    expect(body.calendar.warning).toMatch(/known only through 2026-12-31 \(30 days left\)/);
    const zh = (await (await get(router, '/readyz', { 'accept-language': 'zh-CN' })).json()) as { calendar: { warning: string } };
    expect(zh.calendar.warning).toMatch(/工作日历只确定到 2026-12-31（还剩 30 天）/);
  });

  it('has no warning when the calendar is known far enough ahead', async () => {
    const body = (await (
      await get(
        healthRoutes(fakeClient(true), ctx, () => sh('2026-06-01 09:00')),
        '/readyz',
      )
    ).json()) as { calendar: object };
    expect(body.calendar).toEqual({ knownThrough: '2026-12-31', daysAhead: 213, version: 'abc123def456' });
  });

  it('is still 503 when Temporal cannot be reached', async () => {
    const res = await get(healthRoutes(fakeClient(false), ctx), '/readyz');
    expect(res.status).toBe(503);
  });
});

describe('gridflow_calendar_known_days_ahead', () => {
  it('reports the days ahead of the calendar the metrics route was given, labelled by version', async () => {
    const router = metricsRoutes({ calendar: ctx });
    const text = await (await get(router, '/metrics')).text();
    const days = calendarHorizon(calendar, Date.now(), SHANGHAI)!.daysAhead;
    expect(text).toContain('# TYPE gridflow_calendar_known_days_ahead gauge');
    expect(text).toContain(`gridflow_calendar_known_days_ahead{version="abc123def456"} ${days}`);
  });
});
