/**
 * The determinism sweep (issue 15, item 2) catches what broke a case under load, and the case
 * workflow no longer does it. A local activity slowed past the workflow task timeout resolves in a
 * later workflow task, so the clock reads differently on replay:
 * - a workflow that decides on the clock around it (the old pattern) is named by the sweep;
 * - real cases whose duty-officer look-up is just as slow escalate through their ladder, and every
 *   one of their histories replays.
 */
import { bundleWorkflowCode, DefaultLogger, Worker } from '@temporalio/worker';
import type { Activities } from '../../src/activities';
import { connectWorker, createApiClient } from '../../src/temporal/connection';
import { startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { describeSweep, sweepHistories } from '../../src/temporal/determinism-sweep';
import { caseWorkflow } from '../../src/workflows/case';
import type { Client } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { caseInputFor, demoGrid, demoOrg } from '../helpers/fixtures';
import { memoryRecordActivities } from '../helpers/records';
import { bundleWorkflows, installQuietRuntime } from '../helpers/temporal';

let devServer: DevServer;
let client: Client;
let connection: NativeConnection;

beforeAll(async () => {
  installQuietRuntime();
  devServer = await startDevServer({ startTimeoutMs: 120_000 });
  client = createApiClient({ address: devServer.address, namespace: devServer.namespace });
  connection = await connectWorker({ address: devServer.address, namespace: devServer.namespace });
});

afterAll(async () => {
  await connection?.close();
  await client?.connection.close();
  await devServer?.stop();
});

/** Longer than a 1 s workflow task timeout: core completes the task and the result lands in a later one. */
const SLOW_LOOKUP_MS = 1_500;
const slowLookup = async (unitId: string) => {
  await new Promise((resolve) => setTimeout(resolve, SLOW_LOOKUP_MS));
  return demoOrg.dutyOfficer(unitId)?.id;
};

test('the sweep names a workflow that decided on the clock around a slow local activity', async () => {
  const bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./fixtures/lookup-race-workflows'), logger: new DefaultLogger('WARN') });
  const worker = await Worker.create({
    connection,
    namespace: devServer.namespace,
    taskQueue: 'lookup-race',
    workflowBundle: bundle,
    activities: { currentDutyOfficer: slowLookup },
  });
  const ids = ['race-1', 'race-2'];
  await worker.runUntil(async () => {
    for (const workflowId of ids) {
      await client.workflow.execute('decideOnClockAroundLookup', {
        taskQueue: 'lookup-race',
        workflowId,
        args: [demoGrid.id],
        workflowTaskTimeout: '1 second',
      });
    }
  });
  const result = await sweepHistories({ client, executions: ids.map((workflowId) => ({ workflowId })), workflowBundle: bundle });
  process.stdout.write(`${describeSweep(result)}\n`);
  expect(result.replayed).toBe(2);
  expect(result.failures.map((failure) => [failure.workflowId, failure.nondeterministic])).toEqual(ids.map((id) => [id, true]));
});

test('cases whose duty-officer look-up is as slow escalate through the ladder and every history replays', async () => {
  const bundle = await bundleWorkflows();
  const activities: Activities = {
    notify: async (request) => Promise.resolve({ delivered: request.staffIds ?? [] }),
    currentDutyOfficer: slowLookup,
    ...memoryRecordActivities(),
  };
  const worker = await Worker.create({ connection, namespace: devServer.namespace, taskQueue: 'slow-lookup', workflowBundle: bundle, activities });
  const ids = Array.from({ length: 6 }, (_, n) => `c-slowlookup${String(n).padStart(4, '0')}`);
  const states = await worker.runUntil(() =>
    Promise.all(
      ids.map((caseId, n) => {
        // Two-second rungs, warnings at 50 and 75 %: the same shape as the burst that broke a case.
        const input = {
          ...caseInputFor({
            submittedAtMs: Date.now() + n * 150,
            sla: { clock: 'calendar', budgets: { grid: 2_000, community: 2_000, street: 2_000, district: 2_000 }, warnAt: [0.5, 0.75] },
          }),
          caseId,
        };
        return client.workflow
          .start(caseWorkflow, {
            taskQueue: 'slow-lookup',
            workflowId: caseId,
            args: [input, undefined, { searchAttributes: false }],
            workflowTaskTimeout: '1 second',
          })
          .then(async (handle) => {
            for (;;) {
              const state = await handle.query('getCase').catch(() => undefined);
              if (state && (state as { overdue: boolean }).overdue) return state as { escalations: number; level: string };
              await new Promise((resolve) => setTimeout(resolve, 300));
            }
          });
      }),
    ),
  );
  expect(states.map((state) => [state.level, state.escalations])).toEqual(ids.map(() => ['district', 3]));
  const result = await sweepHistories({ client, executions: ids.map((workflowId) => ({ workflowId })), workflowBundle: bundle });
  process.stdout.write(`${describeSweep(result)}\n`);
  expect(result).toMatchObject({ replayed: ids.length, failures: [] });
});
