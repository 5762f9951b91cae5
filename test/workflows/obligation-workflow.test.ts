/**
 * obligationWorkflow on the real time-skipping server: a simulated year of weekly contacts in
 * seconds of wall time — met and missed weeks, streaks, reminders, escalation of repeated misses,
 * a staff change — and a history that stays flat however long it runs.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { type ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Activities } from '../../src/activities';
import type { Actor } from '../../src/domain/case-model';
import type { NotificationRequest } from '../../src/domain/notification';
import { obligationInputFor } from '../../src/domain/obligation-model';
import { periodContaining } from '../../src/domain/obligation-periods';
import { obligationWorkflow } from '../../src/workflows/obligation';
import {
  OBLIGATION_CONFLICT,
  OBLIGATION_FORBIDDEN,
  changeObligeeUpdate,
  endObligationUpdate,
  getObligationQuery,
  logContactUpdate,
} from '../../src/workflows/obligation-definitions';
import { demoConfig, demoOrg } from '../helpers/fixtures';
import { memoryRecordActivities } from '../helpers/records';
import { eventually } from '../helpers/eventually';
import { bundleWorkflows, createTimeSkippingEnv, endWhenIdle, withTestWorker } from '../helpers/temporal';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
const started: string[] = [];

beforeAll(async () => {
  [env, bundle] = await Promise.all([createTimeSkippingEnv(), bundleWorkflows()]);
});

afterAll(async () => {
  await env?.teardown();
});

/** A test that failed before its worker stopped still leaves nothing running (see endWhenIdle). */
afterEach(() => endWhenIdle(env.client, started));

function recording() {
  const sent: NotificationRequest[] = [];
  const activities: Activities = {
    async notify(request) {
      sent.push(request);
      return Promise.resolve({ delivered: [] });
    },
    async currentDutyOfficer(unitId) {
      return Promise.resolve(demoOrg.dutyOfficer(unitId)?.id);
    },
    ...memoryRecordActivities(),
  };
  return { sent, activities };
}

const streetLeader = demoConfig.staff.find((person) => person.role === 'supervisor' && demoOrg.unit(person.unit)?.level === 'street')!;
const grid = demoOrg.allUnits().find((unit) => unit.level === 'grid' && demoOrg.isWithin(unit.id, streetLeader.unit))!;
const asStaff = (id: string): Actor => {
  const person = demoOrg.staff(id)!;
  return { kind: 'staff', id: person.id, role: person.role, unitId: person.unit };
};

let queue = 0;

async function startObligation(taskQueue: string, nowMs: number) {
  const input = obligationInputFor(demoConfig, demoOrg, { obligeeId: streetLeader.id, unitId: grid.id, period: 'P7D', times: 1 }, new Date(nowMs));
  input.obligationId = `${input.obligationId}-${++queue}`;
  started.push(input.obligationId);
  const handle = await env.client.workflow.start(obligationWorkflow, {
    args: [input, undefined, { searchAttributes: false }],
    workflowId: input.obligationId,
    taskQueue,
  });
  return { input, handle: env.client.workflow.getHandle<typeof obligationWorkflow>(handle.workflowId) };
}

async function runWorker<T>(activities: Activities, fn: (taskQueue: string) => Promise<T>): Promise<T> {
  return withTestWorker(env, { workflowBundle: bundle, activities, started }, fn);
}

describe('obligationWorkflow', () => {
  test('a simulated year of weekly contacts: met, missed, streaks, reminders, escalation, a staff change, flat history', async () => {
    const { sent, activities } = recording();
    await runWorker(activities, async (taskQueue) => {
      const t0 = await env.currentTimeMs();
      const { input, handle } = await startObligation(taskQueue, t0);
      const firstWeek = periodContaining(t0, 'P7D', 'Asia/Shanghai');
      // The first, partial week (week 0) is met on the day the obligation starts.
      await handle.executeUpdate(logContactUpdate, { args: [{ at: new Date(t0).toISOString(), channel: 'meeting', actor: asStaff(streetLeader.id) }] });
      // Move to the middle (Thursday) of the next full week so every week below is a whole one.
      await env.sleep(firstWeek.endMs - t0 + 3 * DAY);

      // Weeks 1..52: miss weeks 10-11 (two in a row: escalation) and 30 (one: no escalation).
      const missed = new Set([10, 11, 30]);
      const historyLengths: number[] = [];
      const newLeader = demoConfig.staff.find((p) => p.role === 'supervisor' && p.unit === streetLeader.unit && p.id !== streetLeader.id);
      let obligee = streetLeader.id;
      for (let week = 1; week <= 52; week++) {
        if (week === 26) {
          // Staff change half-way: a supervisor hands the obligation on; the record stays.
          const successor = newLeader?.id ?? 'liu-guoqing';
          const admin = asStaff('liu-guoqing');
          const changed = await handle.executeUpdate(changeObligeeUpdate, {
            args: [{ obligeeId: successor, obligeeUnitId: demoOrg.staff(successor)!.unit, actor: admin }],
          });
          expect(changed.obligeeId).toBe(successor);
          expect(changed.history.length).toBe(26);
          obligee = successor;
        }
        if (!missed.has(week)) {
          const now = await env.currentTimeMs();
          await handle.executeUpdate(logContactUpdate, {
            args: [{ at: new Date(now - HOUR).toISOString(), channel: 'visit', note: `第${week}周走访`, actor: asStaff(obligee) }],
          });
        }
        historyLengths.push((await handle.describe()).historyLength);
        await env.sleep(WEEK);
      }

      const state = await handle.query(getObligationQuery);
      expect(state.totals).toEqual({ met: 50, missed: 3 });
      // 53 closed periods (week 0 to 52); the record keeps the last 52.
      expect(state.history).toHaveLength(52);
      expect(state.history.filter((record) => !record.met).map((record) => state.history.indexOf(record) + 1)).toEqual([10, 11, 30]);
      expect(state.streak).toEqual({ met: 22, missed: 0 });
      expect(state.escalations).toBe(1);
      expect(state.obligees.map((entry) => entry.staffId)).toEqual([streetLeader.id, obligee]);
      expect(state.history[24]!.obligeeId).toBe(streetLeader.id);
      expect(state.history[26]!.obligeeId).toBe(obligee);

      await eventually(() => {
        const templates = sent.map((request) => request.template);
        expect(templates.filter((t) => t === 'obligation_missed')).toHaveLength(3);
        expect(templates.filter((t) => t === 'obligation_escalated')).toHaveLength(1);
        // Reminded only in the weeks still unmet a day before the end.
        expect(templates.filter((t) => t === 'obligation_reminder')).toHaveLength(3);
      });
      const escalation = sent.find((request) => request.template === 'obligation_escalated')!;
      expect(escalation.supervisorsOf).toBe(input.escalationUnitId);
      expect(escalation.obligation?.missedInARow).toBe(2);
      const missedMail = sent.find((request) => request.template === 'obligation_missed')!;
      expect(missedMail.supervisorsOf).toBe(input.supervisorUnitId);
      const reminder = sent.find((request) => request.template === 'obligation_reminder')!;
      expect(reminder.staffIds).toEqual([streetLeader.id]);

      // One run per week: the history of the current run stays a few dozen events, week 1 or week 52.
      expect(Math.max(...historyLengths)).toBeLessThan(40);
      expect(historyLengths.at(-1)).toBeLessThanOrEqual(historyLengths[0]! + 5);
    });
  });

  test('refuses contacts in the future, before the open period, or by someone else; ends cleanly', async () => {
    const { activities } = recording();
    await runWorker(activities, async (taskQueue) => {
      const t0 = await env.currentTimeMs();
      const { handle } = await startObligation(taskQueue, t0);
      const failure = async (promise: Promise<unknown>) => {
        const error: unknown = await promise.then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
        return (error as WorkflowUpdateFailedError).cause as ApplicationFailure;
      };
      const log = (at: number, actor: Actor) => handle.executeUpdate(logContactUpdate, { args: [{ at: new Date(at).toISOString(), channel: 'phone', actor }] });
      expect((await failure(log(t0 + DAY, asStaff(streetLeader.id)))).type).toBe(OBLIGATION_CONFLICT);
      expect((await failure(log(t0 - 30 * DAY, asStaff(streetLeader.id)))).type).toBe(OBLIGATION_CONFLICT);
      const gridWorker = demoOrg.dutyOfficer(grid.id)!.id;
      expect((await failure(log(t0, asStaff(gridWorker)))).type).toBe(OBLIGATION_FORBIDDEN);
      const ok = await log(t0, asStaff(streetLeader.id));
      expect(ok.current.contacts).toHaveLength(1);
      expect((await failure(handle.executeUpdate(endObligationUpdate, { args: [{ actor: asStaff(gridWorker) }] }))).type).toBe(OBLIGATION_FORBIDDEN);
      const ended = await handle.executeUpdate(endObligationUpdate, { args: [{ actor: asStaff('liu-guoqing'), reason: '调整分工' }] });
      expect(ended.status).toBe('ended');
      const result = await handle.result();
      expect(result).toMatchObject({ status: 'ended', endReason: '调整分工' });
    });
  });
});
