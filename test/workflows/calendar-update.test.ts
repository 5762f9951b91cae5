/**
 * The working-day calendar in 2027, on the real time-skipping server: a case submitted before the
 * Spring Festival break falls due after it and a make-up Saturday counts as a working day; a
 * newer calendar reaches a running case by signal and moves its next deadline; the roll-out brings
 * it to every open case from the records store. The 2027 break is test data (see the fixture).
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Activities } from '../../src/activities';
import type { CaseInput, CaseState, SlaPlan } from '../../src/domain/case-model';
import { caseWorkflow } from '../../src/workflows/case';
import { calendarUpdateSignal } from '../../src/workflows/calendar-definitions';
import { calendarRolloutWorkflow } from '../../src/workflows/calendar-rollout';
import { caseActionUpdate, getCaseQuery } from '../../src/workflows/case-definitions';
import { calendarThrough2026, calendarWithTest2027 } from '../fixtures/calendar-2027';
import { caseInputFor, demoOrg, demoGrid } from '../helpers/fixtures';
import { memoryRecordActivities } from '../helpers/records';
import { bundleWorkflows, createTimeSkippingEnv, endWhenIdle, withTestWorker } from '../helpers/temporal';

const HOUR = 3_600_000;
const MINUTE = 60_000;
/** Wednesday 3 February 2027, 10:00 in Shanghai: three working days before the (test) break. */
const WEDNESDAY_BEFORE_BREAK = Date.parse('2027-02-03T02:00:00Z');
/** Three working days of 7.5 office hours. */
const THREE_WORKING_DAYS = 22.5 * HOUR;
/** 10:00 on Monday 8 February: the deadline on the weekday rule (the break unknown). */
const DUE_ON_WEEKDAY_RULE = '2027-02-08T02:00:00.000Z';
/** 10:00 on the make-up Saturday 13 February: the deadline with the break known. */
const DUE_AFTER_BREAK = '2027-02-13T02:00:00.000Z';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  bundle = await bundleWorkflows();
});

// A server of its own for each test: each sets the clock to the Wednesday before the break, and
// time on a test server only runs forward.
beforeEach(async () => {
  env = await createTimeSkippingEnv();
  const now = await env.currentTimeMs();
  if (now < WEDNESDAY_BEFORE_BREAK) await env.sleep(WEDNESDAY_BEFORE_BREAK - now);
});

const started: string[] = [];
afterEach(async () => {
  await endWhenIdle(env.client, started);
  await env.teardown();
});

function activities() {
  const records = memoryRecordActivities();
  const all: Activities = {
    notify: async (request) => Promise.resolve({ delivered: request.staffIds ?? [] }),
    currentDutyOfficer: async (unitId) => Promise.resolve(demoOrg.dutyOfficer(unitId)?.id),
    ...records,
  };
  return all;
}

function planOn(calendar: SlaPlan['calendar']): Partial<SlaPlan> {
  return {
    clock: 'working',
    budgets: { grid: THREE_WORKING_DAYS, community: 7.5 * HOUR, street: 7.5 * HOUR, district: 7.5 * HOUR },
    warnAt: [],
    calendar,
    timeZone: 'Asia/Shanghai',
  };
}

async function start(taskQueue: string, input: CaseInput) {
  started.push(input.caseId);
  return env.client.workflow.start(caseWorkflow, { args: [input, undefined, { searchAttributes: false }], workflowId: input.caseId, taskQueue });
}

/** Retries an async check (a query) until it passes or 15 s have gone. */
async function eventually<T>(check: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** The escalation is stamped when the timer fired: within a second or two of the deadline. */
function expectNear(actualIso: string | undefined, expectedIso: string): void {
  expect(actualIso).toBeDefined();
  expect(Math.abs(Date.parse(actualIso!) - Date.parse(expectedIso))).toBeLessThanOrEqual(2_000);
}

async function sleepUntil(ms: number): Promise<void> {
  const now = await env.currentTimeMs();
  if (ms > now) await env.sleep(ms - now);
}

const [gridRung, communityRung] = demoOrg.ladder(demoGrid.id);

describe('the working-day calendar in 2027', () => {
  test('a case submitted before the Spring Festival break falls due after it, on the make-up Saturday', async () => {
    await withTestWorker(env, { workflowBundle: bundle, activities: activities(), started }, async (taskQueue) => {
      const submittedAtMs = await env.currentTimeMs();
      expect(new Date(submittedAtMs).toISOString().slice(0, 10)).toBe('2027-02-03');
      const handle = await start(taskQueue, caseInputFor({ submittedAtMs: WEDNESDAY_BEFORE_BREAK, sla: planOn(calendarWithTest2027()) }));
      expect((await handle.query(getCaseQuery)).dueAt).toBe(DUE_AFTER_BREAK);

      // Through the break and its weekend nothing happens: those days do not count.
      await sleepUntil(Date.parse(DUE_AFTER_BREAK) - MINUTE);
      expect((await handle.query(getCaseQuery)).level).toBe('grid');
      // On the make-up Saturday the deadline passes and the case climbs to the community.
      await sleepUntil(Date.parse(DUE_AFTER_BREAK) + MINUTE);
      const state = await handle.query(getCaseQuery);
      expect(state).toMatchObject({ level: 'community', unitId: communityRung!.unitId, escalations: 1 });
      expectNear(state.timeline.find((entry) => entry.type === 'escalated')?.at, DUE_AFTER_BREAK);
    });
  });

  test('a calendar correction reaches a running case: its next deadline moves past the break, recorded on the timeline', async () => {
    await withTestWorker(env, { workflowBundle: bundle, activities: activities(), started }, async (taskQueue) => {
      const before = calendarThrough2026();
      const after = calendarWithTest2027();
      const handle = await start(taskQueue, caseInputFor({ submittedAtMs: await env.currentTimeMs(), sla: planOn(before) }));
      // Submitted on a calendar that ends in 2026: the weekday rule counts the break as working days.
      const first = await handle.query(getCaseQuery);
      const dueBefore = first.dueAt!;
      expect(Date.parse(dueBefore)).toBeLessThanOrEqual(Date.parse(DUE_ON_WEEKDAY_RULE) + 2 * HOUR);

      await handle.signal(calendarUpdateSignal, { calendar: after });
      let state: CaseState = await eventually(async () => {
        const current = await handle.query(getCaseQuery);
        expect(current.timeline.at(-1)?.type).toBe('calendar_updated');
        return current;
      });
      expect(Date.parse(state.dueAt!)).toBeGreaterThanOrEqual(Date.parse('2027-02-13T00:30:00Z'));
      expect(state.timeline.at(-1)?.details).toEqual({
        from: { version: before.version, dueAt: dueBefore },
        to: { version: after.version, dueAt: state.dueAt },
      });

      // The same calendar again, an older one (shorter horizon) and a malformed one change nothing.
      await handle.signal(calendarUpdateSignal, { calendar: after });
      await handle.signal(calendarUpdateSignal, { calendar: before });
      await handle.signal(calendarUpdateSignal, { calendar: { version: 'x', holidays: 'none' } as never });
      // A query after an update sees every signal delivered before it.
      await handle.executeUpdate(caseActionUpdate, {
        args: [
          {
            action: { type: 'note', note: 'still here' },
            actor: { kind: 'staff', id: gridRung!.dutyOfficerId, role: 'grid_worker', unitId: gridRung!.unitId },
          },
        ],
      });
      state = await handle.query(getCaseQuery);
      expect(state.timeline.filter((entry) => entry.type === 'calendar_updated')).toHaveLength(1);

      // The old deadline passes quietly; the case escalates at the new one.
      await sleepUntil(Date.parse(dueBefore) + HOUR);
      expect((await handle.query(getCaseQuery)).level).toBe('grid');
      await sleepUntil(Date.parse(state.dueAt!) + MINUTE);
      const newDue = state.dueAt;
      state = await handle.query(getCaseQuery);
      expect(state.level).toBe('community');
      expectNear(state.timeline.find((entry) => entry.type === 'escalated')?.at, newDue!);
    });
  });

  test('the roll-out brings the new calendar to every open case in the records store, and to none that closed', async () => {
    const acts = activities();
    await withTestWorker(env, { workflowBundle: bundle, activities: acts, started }, async (taskQueue) => {
      const before = calendarThrough2026();
      const after = calendarWithTest2027();
      const t0 = await env.currentTimeMs();
      const handles = await Promise.all([0, 1, 2].map(() => start(taskQueue, caseInputFor({ submittedAtMs: t0, sla: planOn(before) }))));
      const closed = handles[2]!;
      await closed.executeUpdate(caseActionUpdate, {
        args: [{ action: { type: 'cancel', reason: 'duplicate' }, actor: { kind: 'staff', id: 'admin', role: 'admin', unitId: gridRung!.unitId } }],
      });
      // The records store has all three once their first events are written.
      await eventually(async () => expect(await acts.openWorkPage({ kind: 'case', after: '', limit: 10 })).toHaveLength(2));

      const rolloutId = `calendar-rollout-test-${after.version}`;
      started.push(rolloutId);
      // Started, not executed: awaiting a result lets the test server skip time, past the cases' deadlines.
      const rollout = await env.client.workflow.start(calendarRolloutWorkflow, {
        args: [{ calendar: after, secondWalkAfterMs: MINUTE }],
        workflowId: rolloutId,
        taskQueue,
      });
      for (const handle of handles.slice(0, 2)) {
        const state = await eventually(async () => {
          const current = await handle.query(getCaseQuery);
          expect(current.timeline.at(-1)?.type).toBe('calendar_updated');
          return current;
        });
        expect(Date.parse(state.dueAt!)).toBeGreaterThanOrEqual(Date.parse('2027-02-13T00:30:00Z'));
      }
      expect((await closed.query(getCaseQuery)).timeline.some((entry) => entry.type === 'calendar_updated')).toBe(false);
      // The second walk, a minute later, signals the same two again; they already have the calendar.
      await env.sleep(2 * MINUTE);
      await eventually(async () => expect((await rollout.describe()).status.name).toBe('COMPLETED'));
      expect(await rollout.result()).toEqual({ walk: 2, kind: 'mediation', after: '', signalled: 4, gone: 0 });
      for (const handle of handles.slice(0, 2)) {
        expect((await handle.query(getCaseQuery)).timeline.filter((entry) => entry.type === 'calendar_updated')).toHaveLength(1);
      }
    });
  });
});
