/**
 * The working-day calendar over HTTP, with the API's clock set to 2027 dates: a case submitted
 * before the Spring Festival break falls due after it (on the make-up Saturday), and a case whose
 * deadline falls beyond the last date the calendar knows still gets one, flagged in its view and
 * logged, never silently. The 2027 break is test data typed into config as a city would (see the
 * fixture), since no package carries the 2027 notice yet.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { withCityCalendar } from '../../src/calendar/city-calendar';
import { TEST_2027_BREAK, TEST_2027_MAKEUP_SATURDAY } from '../fixtures/calendar-2027';
import { demoConfig } from '../helpers/fixtures';
import { http, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let now = new Date('2027-02-04T02:00:00Z');
const logged: Record<string, unknown>[] = [];

beforeAll(async () => {
  // The city's config additions for 2027, as an operator types them in before the package has them.
  const config = withCityCalendar({
    ...demoConfig,
    calendar: {
      ...demoConfig.calendar,
      holidays: [...demoConfig.calendar.holidays, ...TEST_2027_BREAK],
      workingWeekends: [...demoConfig.calendar.workingWeekends, TEST_2027_MAKEUP_SATURDAY],
      knownThrough: '2027-12-31',
    },
  });
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logged.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  stack = await startStack({ config, logger: pino({ level: 'warn' }, sink), now: () => now });
});

afterAll(async () => {
  await stack?.stop();
});

const grid = demoConfig.units.find((unit) => unit.level === 'grid' && unit.addresses.length > 0)!;

async function submit(): Promise<{ id: string; dueAt: string }> {
  const created = await http(stack, 'POST', '/api/v1/cases', {
    body: { category: 'road_repair', priority: 'normal', description: '路灯坏了', address: grid.addresses[0] },
    headers: { 'x-api-key': stack.apiKeys['hotline-12345']! },
  });
  expect(created.status).toBe(201);
  return created.body as { id: string; dueAt: string };
}

async function read(id: string) {
  const admin = stack.config.staff.find((person) => person.role === 'admin')!;
  const answer = await http(stack, 'GET', `/api/v1/cases/${id}`, { headers: { authorization: `Bearer ${stack.tokenFor(admin.id)}` } });
  expect(answer.status).toBe(200);
  return answer.body as { dueAt: string; dueBeyondCalendar?: boolean };
}

test('a case submitted on the Thursday before the break falls due on the make-up Saturday after it', async () => {
  // Thursday 4 February 2027, 10:00 in Shanghai; 16 working hours: 6 on Thursday, 7.5 on Friday,
  // then the break and its Sunday count nothing, and the make-up Saturday gives the last 2.5.
  now = new Date('2027-02-04T02:00:00Z');
  const created = await submit();
  expect(created.dueAt).toBe('2027-02-13T03:00:00.000Z');
  const view = await read(created.id);
  expect(view.dueAt).toBe('2027-02-13T03:00:00.000Z');
  expect(view.dueBeyondCalendar).toBeUndefined();
});

test('a deadline past the last known date is still given, on the weekday rule, and flagged and logged', async () => {
  // Thursday 30 December 2027: the deadline falls in 2028, which the calendar does not know.
  now = new Date('2027-12-30T02:00:00Z');
  const created = await submit();
  expect(created.dueAt).toBe('2028-01-03T03:00:00.000Z');
  const view = await read(created.id);
  expect(view.dueBeyondCalendar).toBe(true);
  const warning = logged.find((line) => line.caseId === created.id);
  expect(warning).toMatchObject({ level: 40, knownThrough: '2027-12-31', dueAt: created.dueAt });
  const metrics = await fetch(`${stack.baseUrl}/metrics`).then((answer) => answer.text());
  expect(metrics).toMatch(/^gridflow_deadlines_beyond_calendar_total [1-9]/m);
});
