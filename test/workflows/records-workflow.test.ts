/**
 * Recording on the real time-skipping server, into a real (in-memory SQLite) records store:
 * a store outage never delays an escalation and the records catch up once it is back; a retried
 * write stores nothing twice; events not yet confirmed survive continue-as-new; an obligation's
 * contacts and period results arrive with one sequence across its weekly runs.
 */
import { createCalendarRolloutActivities } from '../../src/activities/calendar-rollout';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Activities } from '../../src/activities';
import type { SlaPlan } from '../../src/domain/case-model';
import { obligationInputFor } from '../../src/domain/obligation-model';
import { periodContaining } from '../../src/domain/obligation-periods';
import type { RecordBatch } from '../../src/records/events';
import type { RecordsStore } from '../../src/records/store';
import { caseWorkflow } from '../../src/workflows/case';
import { caseActionUpdate, getCaseQuery } from '../../src/workflows/case-definitions';
import { obligationWorkflow } from '../../src/workflows/obligation';
import { getObligationQuery, logContactUpdate } from '../../src/workflows/obligation-definitions';
import { eventually } from '../helpers/eventually';
import { caseInputFor, demoConfig, demoOrg, demoGrid } from '../helpers/fixtures';
import { memoryRecordActivities, memoryRecords } from '../helpers/records';
import { bundleWorkflows, createTimeSkippingEnv, endWhenIdle, withTestWorker } from '../helpers/temporal';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
const started: string[] = [];

beforeAll(async () => {
  [env, bundle] = await Promise.all([createTimeSkippingEnv(), bundleWorkflows()]);
});

afterAll(async () => {
  await env?.teardown();
});

afterEach(() => endWhenIdle(env.client, started));

/** Activities with a real store behind `recordEvents` that can be taken down and brought back. */
function storeActivities() {
  const records = memoryRecords();
  const outage = { down: false, loseNextAck: false, attempts: 0, failures: 0 };
  const activities: Activities = {
    async notify() {
      return Promise.resolve({ delivered: [] });
    },
    async currentDutyOfficer(unitId) {
      return Promise.resolve(demoOrg.dutyOfficer(unitId)?.id);
    },
    async recordEvents(batch: RecordBatch) {
      outage.attempts++;
      if (outage.down) {
        outage.failures++;
        throw new Error('records store unreachable');
      }
      const result = await records.recordEvents(batch);
      if (outage.loseNextAck) {
        // The write went through but its answer was lost: Temporal retries the same batch.
        outage.loseNextAck = false;
        throw new Error('connection reset after commit');
      }
      return result;
    },
    redactExpiredRecords: memoryRecordActivities().redactExpiredRecords,
    async openWorkPage(page) {
      return createCalendarRolloutActivities(await records.store()).openWorkPage(page);
    },
  };
  return { activities, outage, store: records.store };
}

const ladderPlan: Partial<SlaPlan> = {
  clock: 'calendar',
  budgets: { grid: 4 * HOUR, community: 2 * HOUR, street: HOUR, district: HOUR },
  warnAt: [],
  confirmWithinMs: 72 * HOUR,
};
const noVisibility = { searchAttributes: false };
const gridWorker = demoOrg.dutyOfficer(demoGrid.id)!;
const asGridWorker = { kind: 'staff' as const, id: gridWorker.id, role: gridWorker.role, unitId: gridWorker.unit };

async function eventsOf(store: RecordsStore, workflowId: string) {
  return store.db.selectFrom('record_events').select(['seq', 'type']).where('workflow_id', '=', workflowId).orderBy('seq').execute();
}

describe('recording into the records store', () => {
  test('a store outage never delays an escalation; once the store is back the records catch up, each event once', async () => {
    const { activities, outage, store } = storeActivities();
    await withTestWorker(env, { workflowBundle: bundle, activities, started }, async (taskQueue) => {
      outage.down = true;
      const t0 = await env.currentTimeMs();
      const input = caseInputFor({ submittedAtMs: t0, sla: ladderPlan });
      started.push(input.caseId);
      const handle = await env.client.workflow.start(caseWorkflow, { args: [input, undefined, noVisibility], workflowId: input.caseId, taskQueue });

      await env.sleep(4 * HOUR + MINUTE);
      const state = await handle.query(getCaseQuery);
      expect(state).toMatchObject({ level: 'community', escalations: 1 });
      const escalatedAt = Date.parse(state.timeline.find((entry) => entry.type === 'escalated')!.at);
      expect(Math.abs(escalatedAt - (t0 + 4 * HOUR))).toBeLessThanOrEqual(2_000);
      expect(outage.failures).toBeGreaterThan(1);
      expect(await eventsOf(await store(), input.caseId)).toEqual([]);

      // Back up; the first write's acknowledgement is lost, so that batch is written twice.
      outage.down = false;
      outage.loseNextAck = true;
      await env.sleep(10 * MINUTE);
      await eventually(async () => expect((await eventsOf(await store(), input.caseId)).map((e) => e.type)).toEqual(['submitted', 'assigned', 'escalated']));
      const row = await (await store()).db.selectFrom('case_records').selectAll().where('id', '=', input.caseId).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: 'assigned', level: 'community', escalations: 1, last_seq: 3 });
    });
  });

  test('events still unconfirmed when a case continues-as-new are carried into the next run', async () => {
    const { activities, outage, store } = storeActivities();
    await withTestWorker(env, { workflowBundle: bundle, activities, started }, async (taskQueue) => {
      const t0 = await env.currentTimeMs();
      const input = caseInputFor({ submittedAtMs: t0, sla: { ...ladderPlan, budgets: { grid: 30 * DAY, community: DAY, street: DAY, district: DAY } } });
      started.push(input.caseId);
      const handle = await env.client.workflow.start(caseWorkflow, {
        args: [input, undefined, { ...noVisibility, historyLimit: 40 }],
        workflowId: input.caseId,
        taskQueue,
      });
      const firstRun = (await handle.describe()).runId;
      outage.down = true;
      for (let i = 1; i <= 12; i++) {
        await handle.executeUpdate(caseActionUpdate, { args: [{ action: { type: 'note', note: `跟进${i}` }, actor: asGridWorker }] });
      }
      // The full run waits at most a few seconds for the store before it continues-as-new without it.
      await env.sleep(MINUTE);
      await eventually(async () => expect((await handle.describe()).runId).not.toBe(firstRun));
      expect(await eventsOf(await store(), input.caseId)).toEqual([]);
      outage.down = false;
      await env.sleep(10 * MINUTE);
      await eventually(async () =>
        expect((await eventsOf(await store(), input.caseId)).map((e) => e.seq)).toEqual(Array.from({ length: 14 }, (_, i) => i + 1)),
      );
      const state = await handle.query(getCaseQuery);
      expect(state.timeline).toHaveLength(14);
    });
  });

  test("an obligation's contacts and period results arrive with one sequence across its weekly runs", async () => {
    const { activities, store } = storeActivities();
    await withTestWorker(env, { workflowBundle: bundle, activities, started }, async (taskQueue) => {
      const t0 = await env.currentTimeMs();
      const leader = demoConfig.staff.find((person) => person.role === 'supervisor' && demoOrg.unit(person.unit)?.level === 'street')!;
      const grid = demoOrg.allUnits().find((unit) => unit.level === 'grid' && demoOrg.isWithin(unit.id, leader.unit))!;
      const input = obligationInputFor(demoConfig, demoOrg, { obligeeId: leader.id, unitId: grid.id, period: 'P7D', times: 1 }, new Date(t0));
      input.obligationId = `${input.obligationId}-records`;
      started.push(input.obligationId);
      const handle = await env.client.workflow.start(obligationWorkflow, {
        args: [input, undefined, { searchAttributes: false }],
        workflowId: input.obligationId,
        taskQueue,
      });
      const actor = { kind: 'staff' as const, id: leader.id, role: leader.role, unitId: leader.unit };
      await handle.executeUpdate(logContactUpdate, { args: [{ at: new Date(t0).toISOString(), channel: 'visit', actor }] });
      const firstWeek = periodContaining(t0, 'P7D', 'Asia/Shanghai');
      // Week 0 met, week 1 missed, week 2 met.
      await env.sleep(firstWeek.endMs - t0 + DAY);
      await env.sleep(7 * DAY);
      const now = await env.currentTimeMs();
      await handle.executeUpdate(logContactUpdate, { args: [{ at: new Date(now - HOUR).toISOString(), channel: 'phone', actor }] });
      await env.sleep(7 * DAY);
      const state = await handle.query(getObligationQuery);
      expect(state.totals).toEqual({ met: 2, missed: 1 });

      await eventually(async () =>
        expect((await eventsOf(await store(), input.obligationId)).map((e) => `${e.seq}:${e.type}`)).toEqual([
          '1:opened',
          '2:contact_logged',
          '3:period_closed',
          '4:period_closed',
          '5:contact_logged',
          '6:period_closed',
        ]),
      );
      const row = await (await store()).db.selectFrom('obligation_records').selectAll().where('id', '=', input.obligationId).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: 'active', met_periods: 2, missed_periods: 1, last_seq: 6 });
    });
  });
});
