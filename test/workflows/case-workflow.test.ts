/**
 * caseWorkflow on the real time-skipping test server: whole escalation ladders with exact
 * deadlines, warnings, paused clocks, reopen and auto-close, refusals, and continue-as-new.
 * Activities are recording fakes here (the e-mail path is tested for real in integration).
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Activities } from '../../src/activities';
import type { CaseInput, CaseState, SlaPlan } from '../../src/domain/case-model';
import type { ActionRequest, CaseAction } from '../../src/domain/case-rules';
import type { NotificationRequest } from '../../src/domain/notification';
import { addClockTime } from '../../src/domain/working-calendar';
import { caseWorkflow } from '../../src/workflows/case';
import { CASE_CONFLICT, CASE_FORBIDDEN, caseActionUpdate, getCaseQuery } from '../../src/workflows/case-definitions';
import { caseInputFor, demoOrg, demoGrid } from '../helpers/fixtures';
import { memoryRecordActivities } from '../helpers/records';
import { eventually } from '../helpers/eventually';
import { bundleWorkflows, createTimeSkippingEnv, endWhenIdle, withTestWorker } from '../helpers/temporal';

const HOUR = 3_600_000;
const MINUTE = 60_000;

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  [env, bundle] = await Promise.all([createTimeSkippingEnv(), bundleWorkflows()]);
});

afterAll(async () => {
  await env?.teardown();
});

/** Activities that record every notification and answer the directory from the demo city. */
function recordingActivities(options: { failMail?: boolean } = {}) {
  const sent: NotificationRequest[] = [];
  const activities: Activities = {
    async notify(request) {
      if (options.failMail) throw new Error('SMTP server unreachable');
      sent.push(request);
      return Promise.resolve({ delivered: request.staffIds ?? [] });
    },
    async currentDutyOfficer(unitId) {
      return Promise.resolve(demoOrg.dutyOfficer(unitId)?.id);
    },
    ...memoryRecordActivities(),
  };
  return { sent, activities };
}

async function withWorker<T>(activities: Activities, fn: (taskQueue: string) => Promise<T>): Promise<T> {
  return withTestWorker(env, { workflowBundle: bundle, activities, started }, fn);
}

/** Calendar-clock plan with hour-long budgets, so deadlines are plain arithmetic. */
const ladderPlan: Partial<SlaPlan> = {
  clock: 'calendar',
  budgets: { grid: 4 * HOUR, community: 2 * HOUR, street: HOUR, district: HOUR },
  warnAt: [0.5, 0.75],
  confirmWithinMs: 72 * HOUR,
};

/** The time-skipping server has no custom search attributes (see CaseWorkflowOptions). */
const noVisibility = { searchAttributes: false };

/** Workflows started by the current test. */
const started: string[] = [];

async function start(taskQueue: string, input: CaseInput) {
  started.push(input.caseId);
  return env.client.workflow.start(caseWorkflow, { args: [input, undefined, noVisibility], workflowId: input.caseId, taskQueue });
}

/** A test that failed before its worker stopped still leaves nothing running (see endWhenIdle). */
afterEach(() => endWhenIdle(env.client, started));

function actorFor(staffId: string): ActionRequest['actor'] {
  const person = demoOrg.staff(staffId)!;
  return { kind: 'staff', id: person.id, role: person.role, unitId: person.unit };
}

async function act(handle: Awaited<ReturnType<typeof start>>, action: CaseAction, actor: ActionRequest['actor']): Promise<CaseState> {
  return handle.executeUpdate(caseActionUpdate, { args: [{ action, actor }] });
}

const ladder = demoOrg.ladder(demoGrid.id);
const [gridRung, communityRung, streetRung, districtRung] = ladder;

function expectNear(actualIso: string | undefined, expectedMs: number, toleranceMs = 2_000): void {
  expect(actualIso).toBeDefined();
  expect(Math.abs(Date.parse(actualIso!) - expectedMs)).toBeLessThanOrEqual(toleranceMs);
}

describe('caseWorkflow', () => {
  test('assigns the grid worker, tells them, and exposes the state by query', async () => {
    const { sent, activities } = recordingActivities();
    await withWorker(activities, async (taskQueue) => {
      const t0 = await env.currentTimeMs();
      const input = caseInputFor({ submittedAtMs: t0, sla: ladderPlan });
      const handle = await start(taskQueue, input);
      const state = await handle.query(getCaseQuery);
      expect(state).toMatchObject({ status: 'assigned', level: 'grid', unitId: gridRung!.unitId, assigneeId: gridRung!.dutyOfficerId });
      expect(state.dueAt).toBe(new Date(t0 + 4 * HOUR).toISOString());
      expect(state.timeline.map((entry) => entry.type)).toEqual(['submitted', 'assigned']);
      await eventually(() => expect(sent).toHaveLength(1));
      expect(sent[0]).toMatchObject({ template: 'case_assigned', staffIds: [gridRung!.dutyOfficerId], messageId: `${input.caseId}.2.case_assigned` });
    });
  });

  test('walks the whole ladder grid → community → street → district on exact deadlines, then flags overdue', async () => {
    const { sent, activities } = recordingActivities();
    await withWorker(activities, async (taskQueue) => {
      const t0 = await env.currentTimeMs();
      const handle = await start(taskQueue, caseInputFor({ submittedAtMs: t0, sla: ladderPlan }));

      await env.sleep(4 * HOUR - MINUTE);
      expect((await handle.query(getCaseQuery)).level).toBe('grid');

      await env.sleep(2 * MINUTE);
      let state = await handle.query(getCaseQuery);
      expect(state).toMatchObject({
        level: 'community',
        unitId: communityRung!.unitId,
        assigneeId: communityRung!.dutyOfficerId,
        status: 'assigned',
        escalations: 1,
      });
      expectNear(state.timeline.find((entry) => entry.type === 'escalated')?.at, t0 + 4 * HOUR);
      expectNear(state.dueAt, t0 + 6 * HOUR);

      await env.sleep(2 * HOUR);
      state = await handle.query(getCaseQuery);
      expect(state).toMatchObject({ level: 'street', unitId: streetRung!.unitId, assigneeId: streetRung!.dutyOfficerId, escalations: 2 });

      await env.sleep(HOUR);
      state = await handle.query(getCaseQuery);
      expect(state).toMatchObject({ level: 'district', unitId: districtRung!.unitId, assigneeId: districtRung!.dutyOfficerId, escalations: 3, overdue: false });

      await env.sleep(HOUR);
      state = await handle.query(getCaseQuery);
      expect(state.overdue).toBe(true);
      expect(state.status).toBe('assigned');
      // The passed deadline stays, so supervisors can sort by how long the case is overdue.
      expectNear(state.dueAt, t0 + 8 * HOUR);
      const escalations = state.timeline.filter((entry) => entry.type === 'escalated');
      expect(escalations.map((entry) => Date.parse(entry.at) - t0).map((ms) => Math.round(ms / MINUTE))).toEqual([240, 360, 420]);
      expect(escalations[0]!.details).toMatchObject({ from: { level: 'grid' }, to: { level: 'community' } });

      await eventually(() => {
        const templates = sent.map((request) => request.template);
        expect(templates.filter((t) => t === 'case_escalated')).toHaveLength(3);
        expect(templates).toContain('case_overdue');
      });
      const escalationMail = sent.find((request) => request.template === 'case_escalated')!;
      expect(escalationMail.staffIds).toEqual([communityRung!.dutyOfficerId]);
      expect(escalationMail.supervisorsOf).toBe(communityRung!.unitId);
      expect(escalationMail.timeline?.map((entry) => entry.type)).toContain('escalated');

      // Still open and visible: the district acts on it.
      const resolved = await act(handle, { type: 'acknowledge' }, actorFor(districtRung!.dutyOfficerId));
      expect(resolved.status).toBe('acknowledged');
    });
  });

  test('warns the assignee at 50% and 75% of the level deadline', async () => {
    const { sent, activities } = recordingActivities();
    await withWorker(activities, async (taskQueue) => {
      const t0 = await env.currentTimeMs();
      const handle = await start(taskQueue, caseInputFor({ submittedAtMs: t0, sla: ladderPlan }));
      await env.sleep(2 * HOUR - MINUTE);
      expect(sent.filter((r) => r.template === 'case_warning')).toHaveLength(0);
      await env.sleep(2 * MINUTE);
      await env.sleep(HOUR);
      const state = await handle.query(getCaseQuery);
      const warnings = state.timeline.filter((entry) => entry.type === 'warned');
      expect(warnings.map((entry) => entry.details?.fraction)).toEqual([0.5, 0.75]);
      expectNear(warnings[0]!.at, t0 + 2 * HOUR);
      expectNear(warnings[1]!.at, t0 + 3 * HOUR);
      await eventually(() => expect(sent.filter((r) => r.template === 'case_warning').map((r) => r.extra?.percent)).toEqual([50, 75]));
      expect(state.level).toBe('grid');
    });
  });

  test('pauses the SLA clock while waiting for the resident; the paused time does not count', async () => {
    const { activities } = recordingActivities();
    await withWorker(activities, async (taskQueue) => {
      const t0 = await env.currentTimeMs();
      const handle = await start(taskQueue, caseInputFor({ submittedAtMs: t0, sla: ladderPlan }));
      const worker = actorFor(gridRung!.dutyOfficerId);
      await act(handle, { type: 'acknowledge' }, worker);
      await env.sleep(HOUR);
      let state = await act(handle, { type: 'request_info', note: '请提供照片' }, worker);
      expect(state.status).toBe('waiting_info');
      expect(state.dueAt).toBeUndefined();
      await env.sleep(10 * HOUR); // far beyond the 4 h budget: nothing may escalate while paused
      state = await handle.query(getCaseQuery);
      expect(state.level).toBe('grid');
      const resumedAt = await env.currentTimeMs();
      state = await act(handle, { type: 'info_provided', note: '已上传照片' }, { kind: 'integration', id: 'hotline-12345' });
      expect(state.status).toBe('acknowledged');
      // 1 h was used before the pause: 3 h are left from the resume.
      expectNear(state.dueAt, resumedAt + 3 * HOUR, 5_000);
      await env.sleep(3 * HOUR + MINUTE);
      expect((await handle.query(getCaseQuery)).level).toBe('community');
    });
  });

  test('runs non-urgent deadlines on working hours of the calendar: holidays skipped, make-up weekend days counted', async () => {
    const { activities } = recordingActivities();
    await withWorker(activities, async (taskQueue) => {
      const t0 = await env.currentTimeMs();
      const localDate = (ms: number) => new Date(ms).toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
      const weekdayOf = (ms: number) => ((new Date(ms + 8 * HOUR).getUTCDay() + 6) % 7) + 1; // ISO weekday in Shanghai
      // The next weekday is a holiday; the next Saturday is a make-up working day (调休上班).
      let holiday = t0 + 24 * HOUR;
      while (weekdayOf(holiday) > 5) holiday += 24 * HOUR;
      const tomorrow = localDate(holiday);
      let saturday = t0 + 24 * HOUR;
      while (weekdayOf(saturday) !== 6) saturday += 24 * HOUR;
      const calendar = { workingHours: [{ start: '09:00', end: '17:00' }], weekend: [6, 7], holidays: [tomorrow], workingWeekends: [localDate(saturday)] };
      const budget = 6 * 8 * HOUR; // six working days: long enough to reach past the Saturday
      const sla: Partial<SlaPlan> = {
        ...ladderPlan,
        clock: 'working',
        budgets: { grid: budget, community: 8 * HOUR, street: 8 * HOUR, district: 8 * HOUR },
        calendar,
      };
      const ctx = { calendar, zone: 'Asia/Shanghai' };
      const expectedDue = addClockTime(t0, budget, 'working', ctx);
      // The holiday pushes the deadline out; the make-up Saturday pulls it back in by a day.
      expect(expectedDue).toBeGreaterThan(
        addClockTime(t0, budget, 'working', { ...ctx, calendar: { ...calendar, holidays: [], workingWeekends: [localDate(saturday)] } }),
      );
      expect(expectedDue).toBeLessThan(addClockTime(t0, budget, 'working', { ...ctx, calendar: { ...calendar, workingWeekends: [] } }));
      const handle = await start(taskQueue, caseInputFor({ submittedAtMs: t0, sla }));
      expect((await handle.query(getCaseQuery)).dueAt).toBe(new Date(expectedDue).toISOString());
      await env.sleep(expectedDue - t0 - MINUTE);
      expect((await handle.query(getCaseQuery)).level).toBe('grid');
      await env.sleep(2 * MINUTE);
      const escalated = await handle.query(getCaseQuery);
      expect(escalated.level).toBe('community');
      expectNear(escalated.timeline.find((entry) => entry.type === 'escalated')?.at, expectedDue);
    });
  });

  test('closes with a rating when the resident confirms; the workflow completes', async () => {
    const { sent, activities } = recordingActivities();
    await withWorker(activities, async (taskQueue) => {
      const t0 = await env.currentTimeMs();
      const handle = await start(taskQueue, caseInputFor({ submittedAtMs: t0, sla: ladderPlan, reporterEmail: 'resident@example.com' }));
      const worker = actorFor(gridRung!.dutyOfficerId);
      await act(handle, { type: 'acknowledge' }, worker);
      await act(handle, { type: 'start' }, worker);
      let state = await act(handle, { type: 'resolve', note: '已更换路灯' }, worker);
      expect(state).toMatchObject({ status: 'resolved', resolvedAtLevel: 'grid' });
      expect(state.dueAt).toBeUndefined();
      expect(state.timeline.at(-1)?.details).toEqual({ withinDeadline: true });
      state = await act(handle, { type: 'feedback', satisfied: true, rating: 5, comment: '很满意' }, { kind: 'resident' });
      expect(state).toMatchObject({ status: 'closed', rating: 5, feedbackComment: '很满意' });
      const result = await handle.result();
      expect(result.status).toBe('closed');
      expect(result.timeline.map((entry) => entry.type)).toEqual(['submitted', 'assigned', 'acknowledged', 'started', 'resolved', 'closed']);
      await eventually(() => expect(sent.find((r) => r.template === 'case_resolved')?.resident?.email).toBe('resident@example.com'));
    });
  });

  test('reopens at the level that resolved it, then closes on its own when the resident stays silent', async () => {
    const { activities } = recordingActivities();
    await withWorker(activities, async (taskQueue) => {
      const t0 = await env.currentTimeMs();
      const handle = await start(taskQueue, caseInputFor({ submittedAtMs: t0, sla: ladderPlan }));
      // Let it escalate to the community first: a reopen must return there, not to the grid.
      await env.sleep(4 * HOUR + MINUTE);
      const secretary = actorFor(communityRung!.dutyOfficerId);
      await act(handle, { type: 'acknowledge' }, secretary);
      await act(handle, { type: 'resolve', note: '已处理' }, secretary);
      const reopenedAt = await env.currentTimeMs();
      let state = await act(handle, { type: 'feedback', satisfied: false, rating: 2, comment: '还是坏的' }, { kind: 'resident' });
      expect(state).toMatchObject({ status: 'in_progress', level: 'community', assigneeId: communityRung!.dutyOfficerId, reopens: 1 });
      expectNear(state.dueAt, reopenedAt + 2 * HOUR, 5_000);
      state = await act(handle, { type: 'resolve', note: '已彻底修好' }, secretary);
      await env.sleep(72 * HOUR - MINUTE);
      expect((await handle.query(getCaseQuery)).status).toBe('resolved');
      await env.sleep(2 * MINUTE);
      const result = await handle.result();
      expect(result.status).toBe('closed');
      expect(result.timeline.at(-1)?.type).toBe('auto_closed');
      expect(result.reopens).toBe(1);
    });
  });

  test('refuses illegal transitions (409) and wrong actors (403) before they reach history', async () => {
    const { activities } = recordingActivities();
    await withWorker(activities, async (taskQueue) => {
      const t0 = await env.currentTimeMs();
      const handle = await start(taskQueue, caseInputFor({ submittedAtMs: t0, sla: ladderPlan }));
      const failureOf = async (action: CaseAction, actor: ActionRequest['actor']) => {
        const error: unknown = await act(handle, action, actor).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
        const cause = (error as WorkflowUpdateFailedError).cause;
        expect(cause).toBeInstanceOf(ApplicationFailure);
        return cause as ApplicationFailure;
      };
      const worker = actorFor(gridRung!.dutyOfficerId);
      expect((await failureOf({ type: 'resolve', note: 'x' }, worker)).type).toBe(CASE_CONFLICT);
      const notAssignee = actorFor(streetRung!.dutyOfficerId);
      expect((await failureOf({ type: 'acknowledge' }, notAssignee)).type).toBe(CASE_FORBIDDEN);
      expect((await failureOf({ type: 'feedback', satisfied: true }, worker)).type).toBe(CASE_FORBIDDEN);
      const failure = await failureOf({ type: 'reassign', assigneeId: 'someone' }, worker);
      expect(failure.type).toBe(CASE_FORBIDDEN);
      expect(failure.message).toBe('refusal.caseActor.reassign');
      const state = await handle.query(getCaseQuery);
      expect(state.timeline.map((entry) => entry.type)).toEqual(['submitted', 'assigned']);
    });
  });

  test('an SMTP outage never delays an escalation', async () => {
    const { activities } = recordingActivities({ failMail: true });
    await withWorker(activities, async (taskQueue) => {
      const t0 = await env.currentTimeMs();
      const handle = await start(taskQueue, caseInputFor({ submittedAtMs: t0, sla: ladderPlan }));
      await env.sleep(4 * HOUR + MINUTE);
      const state = await handle.query(getCaseQuery);
      expect(state.level).toBe('community');
      expectNear(state.timeline.find((entry) => entry.type === 'escalated')?.at, t0 + 4 * HOUR);
    });
  });

  test('supervisors reassign and move deadlines; escalate by hand with a reason', async () => {
    const { sent, activities } = recordingActivities();
    await withWorker(activities, async (taskQueue) => {
      const t0 = await env.currentTimeMs();
      const handle = await start(taskQueue, caseInputFor({ submittedAtMs: t0, sla: ladderPlan }));
      const secretary = actorFor(communityRung!.dutyOfficerId);
      const other =
        demoOrg
          .children(communityRung!.unitId)
          .map((grid) => grid.dutyOfficer)
          .find((id) => id !== gridRung!.dutyOfficerId) ?? communityRung!.dutyOfficerId;
      let state = await act(handle, { type: 'reassign', assigneeId: other, reason: '原网格员休假' }, secretary);
      expect(state.assigneeId).toBe(other);
      await eventually(() => expect(sent.some((r) => r.template === 'case_reassigned' && r.staffIds?.[0] === other)).toBe(true));
      const newDue = new Date(t0 + 10 * HOUR).toISOString();
      state = await act(handle, { type: 'move_deadline', dueAt: newDue, reason: '需协调供电公司' }, secretary);
      expect(state.dueAt).toBe(newDue);
      await env.sleep(5 * HOUR);
      expect((await handle.query(getCaseQuery)).level).toBe('grid');
      state = await act(handle, { type: 'escalate', reason: '需街道协调' }, actorFor(other));
      expect(state).toMatchObject({ level: 'community', assigneeId: communityRung!.dutyOfficerId });
      expect(state.timeline.at(-1)).toMatchObject({ type: 'escalated', note: '需街道协调' });
    });
  });
});
