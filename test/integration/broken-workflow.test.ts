/**
 * A broken workflow never means a 500 or a lost case (issue 15, items 3 and 4). On real parts (dev
 * server, worker, SQLite records store, the API over HTTP):
 * - a case whose workflow cannot replay — made so on purpose by a worker running code that is
 *   incompatible with its history, as a bad deploy would — is still read, from the records store,
 *   flagged as not live; its steps answer 503 with Retry-After and send nothing; a metric and an
 *   error log name it;
 * - it is repaired the way README "Operations" says: `temporal workflow reset` to its first
 *   workflow task, then the determinism sweep replays it cleanly, and it is live and workable again;
 * - with no worker answering at all, reads answer from the store within seconds, steps 503.
 */
import { execFile } from 'node:child_process';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { bundleWorkflowCode, DefaultLogger, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import pino from 'pino';
import { metricsRegistry } from '../../src/metrics/registry';
import { storedCase } from '../../src/records/history';
import { temporalCliPath } from '../../src/temporal/binaries';
import { sweepHistories } from '../../src/temporal/determinism-sweep';
import { caseWorkflowId } from '../../src/workflows/case-definitions';
import { demoConfig, demoOrg } from '../helpers/fixtures';
import { http, startStack, waitFor, type Stack } from '../helpers/stack';
import { bundleWorkflows } from '../helpers/temporal';

const run = promisify(execFile);

let stack: Stack;
let good: WorkflowBundleWithSourceMap;
let incompatible: WorkflowBundleWithSourceMap;
const logged: Record<string, unknown>[] = [];

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) logged.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  [good, incompatible] = await Promise.all([
    bundleWorkflows(),
    bundleWorkflowCode({ workflowsPath: require.resolve('./fixtures/unreplayable-workflows'), logger: new DefaultLogger('WARN') }),
  ]);
  stack = await startStack({ config: demoConfig, bundle: good, logger: pino({ level: 'error' }, sink) });
});

afterAll(async () => {
  await stack?.stop();
});

const grid = demoConfig.units.find((unit) => unit.level === 'grid' && unit.addresses.length > 0)!;
const gridWorker = demoOrg.dutyOfficer(grid.id)!;
const integration = () => ({ 'x-api-key': stack.apiKeys['hotline-12345']! });
const staff = () => ({ authorization: `Bearer ${stack.tokenFor(gridWorker.id)}` });

/** Submits a case and waits until the records store holds it (the fallback needs something to read). */
async function submitRecorded(): Promise<string> {
  const created = await http(stack, 'POST', '/api/v1/cases', {
    body: {
      category: 'road_repair',
      description: '三堂村一组路灯不亮',
      address: `${grid.addresses[0]} 5号楼`,
      reporter: { name: '张三', phone: '13812345678' },
    },
    headers: integration(),
  });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  await waitFor(
    async () => ((await storedCase(stack.records, id))?.timeline.some((entry) => entry.type === 'assigned') ? true : undefined),
    20_000,
    'the case in the store',
  );
  return id;
}

function unavailableCount(reason: string): number {
  const metric = metricsRegistry.getSingleMetric('gridflow_live_state_unavailable_total') as unknown as {
    hashMap: Record<string, { value: number; labels: Record<string, string> }>;
  };
  return Object.values(metric.hashMap)
    .filter((entry) => entry.labels.kind === 'case' && entry.labels.reason === reason)
    .reduce((sum, entry) => sum + entry.value, 0);
}

test('an unreplayable case stays readable from the store, its steps answer 503, and a reset repairs it', async () => {
  const id = await submitRecorded();
  const before = unavailableCount('unreplayable');

  // The bad deploy: every task of this case now fails on replay.
  await stack.replaceWorker(incompatible);

  // The first reads may still wait on the old worker's sticky queue (answered as worker_unavailable);
  // once the new worker takes the task, it fails on replay.
  const read = await waitFor(
    async () => {
      const answer = await http(stack, 'GET', `/api/v1/cases/${id}`, { headers: integration() });
      expect(answer.status).toBe(200);
      return answer.body.liveState?.reason === 'unreplayable' ? answer : undefined;
    },
    30_000,
    'the case to be read as unreplayable',
  );
  expect(read.body).toMatchObject({ id, status: 'assigned', liveState: { available: false, reason: 'unreplayable' } });
  expect(read.body.timeline.map((entry: { type: string }) => entry.type)).toEqual(['submitted', 'assigned']);

  const step = await http(stack, 'POST', `/api/v1/cases/${id}/actions`, { body: { type: 'acknowledge' }, headers: staff() });
  expect(step.status).toBe(503);
  expect(step.headers.get('content-type')).toMatch(/application\/problem\+json/);
  expect(step.headers.get('retry-after')).toMatch(/^\d+$/);

  expect(unavailableCount('unreplayable')).toBeGreaterThanOrEqual(before + 2);
  expect(logged.some((line) => line.workflowId === caseWorkflowId(id) && line.gap === 'unreplayable' && line.msg === 'live state unavailable')).toBe(true);

  // Before the repair, the sweep names the case; the fallback answered from what was recorded.
  const broken = await sweepHistories({ client: stack.client, executions: [{ workflowId: caseWorkflowId(id) }], workflowBundle: incompatible });
  expect(broken.failures).toEqual([expect.objectContaining({ workflowId: caseWorkflowId(id), nondeterministic: true })]);

  // The repair, as README "Operations" gives it: reset to the first workflow task, then replay-check.
  await run(temporalCliPath(), [
    'workflow',
    'reset',
    '--address',
    stack.devServer.address,
    '--namespace',
    stack.devServer.namespace,
    '--workflow-id',
    caseWorkflowId(id),
    '--type',
    'FirstWorkflowTask',
    '--reason',
    'replay broken by deploy; re-run on the current code',
  ]);
  const repaired = await waitFor(
    async () => {
      const answer = await http(stack, 'GET', `/api/v1/cases/${id}`, { headers: integration() });
      return answer.status === 200 && answer.body.liveState === undefined ? answer.body : undefined;
    },
    30_000,
    'the reset case to answer live',
  );
  expect(repaired).toMatchObject({ id, status: 'assigned' });
  const swept = await sweepHistories({ client: stack.client, executions: [{ workflowId: caseWorkflowId(id) }], workflowBundle: incompatible });
  expect(swept).toMatchObject({ replayed: 1, failures: [] });

  // Nothing was half-done by the refused step, and the case can be worked again.
  const acknowledged = await http(stack, 'POST', `/api/v1/cases/${id}/actions`, { body: { type: 'acknowledge' }, headers: staff() });
  expect(acknowledged.status).toBe(200);
  expect(acknowledged.body.timeline.filter((entry: { type: string }) => entry.type === 'acknowledged')).toHaveLength(1);
});

test('with no worker answering, a case is read from the store within seconds and its steps answer 503', async () => {
  await stack.replaceWorker(good);
  const id = await submitRecorded();
  await stack.replaceWorker(undefined);
  try {
    const started = Date.now();
    const read = await http(stack, 'GET', `/api/v1/cases/${id}`, { headers: integration() });
    const ms = Date.now() - started;
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id, status: 'assigned', liveState: { available: false, reason: 'worker_unavailable' } });
    // The query deadline (5 s) bounds it, not the server's ~30 s "no poller" answer.
    expect(ms).toBeLessThan(15_000);

    const step = await http(stack, 'POST', `/api/v1/cases/${id}/actions`, { body: { type: 'note', note: '已联系居民' }, headers: staff() });
    expect(step.status).toBe(503);
    expect(step.headers.get('retry-after')).toMatch(/^\d+$/);
  } finally {
    await stack.replaceWorker(good);
  }
  const live = await waitFor(
    async () => {
      const answer = await http(stack, 'GET', `/api/v1/cases/${id}`, { headers: integration() });
      return answer.status === 200 && answer.body.liveState === undefined ? answer.body : undefined;
    },
    30_000,
    'the case to answer live again',
  );
  expect(live.timeline.map((entry: { type: string }) => entry.type)).toEqual(['submitted', 'assigned']);
});
