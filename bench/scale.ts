/**
 * City scale and growth (issue 8, items 3 and 4).
 *
 *   npx tsx bench/scale.ts --obligations 10000 --cases 10000 [--cache 2000] [--queries 200]
 *
 * Starts the stack, creates the obligations (contact duties of staff toward units, one workflow
 * each, as the API creates them) and the cases (through the HTTP intake, spread over every grid),
 * waits for the worker to drain, then reports: creation rates, the gridflow process's RSS (API +
 * worker, sticky cache of --cache workflows), the p50/p95/p99 of /supervision/overdue and
 * /supervision/summary for the busiest street as its supervisor calls them, and the start-up
 * time of gridflow on a Temporal that already holds all of it (spawn → serving, and → idle).
 */
import { parseArgs } from 'node:util';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { obligationInputFor } from '../src/domain/obligation-model';
import { OrgTree } from '../src/domain/org-tree';
import { OBLIGATION_WORKFLOW_TYPE } from '../src/workflows/obligation-definitions';
import { startBenchStack, TASK_QUEUE } from './lib/stack';
import { row, runConcurrently } from './lib/stats';

const { values: args } = parseArgs({
  options: {
    obligations: { type: 'string', default: '1000' },
    cases: { type: 'string', default: '1000' },
    cache: { type: 'string', default: '' },
    queries: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '32' },
  },
});
const OBLIGATIONS = Number(args.obligations);
const CASES = Number(args.cases);
const QUERIES = Number(args.queries);
const CONCURRENCY = Number(args.concurrency);
const PERIODS = ['P7D', 'P2W', 'P1M', 'P3M', 'P6M', 'P1Y'];
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

async function main(): Promise<void> {
  const stack = await startBenchStack({ env: args.cache ? { WORKER_MAX_CACHED_WORKFLOWS: args.cache } : {} });
  const { config } = stack;
  const org = new OrgTree(config.units, config.staff);
  await stack.waitForIdle();
  console.log(`obligations ${OBLIGATIONS}, cases ${CASES}, sticky cache ${args.cache || 'default (250)'}`);
  console.log(`start-up (empty)          ${stack.startupMs} ms; RSS idle ${mib(stack.rssBytes())}`);

  // Every (person, unit, period) is one obligation, as POST /obligations would create it.
  const combos = config.staff.flatMap((person) => config.units.flatMap((unit) => PERIODS.map((period) => ({ obligeeId: person.id, unitId: unit.id, period }))));
  if (combos.length < OBLIGATIONS) throw new Error(`the demo city has only ${combos.length} distinct obligations`);
  const created = await runConcurrently(OBLIGATIONS, CONCURRENCY, async (index) => {
    const input = obligationInputFor(config, org, { ...combos[index]!, times: 1 }, new Date());
    try {
      await stack.client.workflow.start(OBLIGATION_WORKFLOW_TYPE, {
        workflowId: input.obligationId,
        taskQueue: TASK_QUEUE,
        args: [input],
        workflowIdConflictPolicy: 'FAIL',
      });
    } catch (error) {
      // The config's own rules seeded a few at start.
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  });
  console.log(row('create obligations', created));

  const grids = config.units.filter((unit) => unit.level === 'grid');
  const submitted = await runConcurrently(CASES, CONCURRENCY, async (index) => {
    const response = await fetch(`${stack.baseUrl}/api/v1/cases`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': stack.apiKey },
      body: JSON.stringify({
        category: 'road_repair',
        description: `第${index}号：路面坑洼`,
        gridId: grids[index % grids.length]!.id,
        reporter: { name: '居民' },
      }),
    });
    if (response.status !== 201) throw new Error(`${response.status} ${await response.text()}`);
  });
  console.log(row('submit cases (HTTP)', submitted));
  const drainStarted = Date.now();
  await stack.waitForIdle();
  console.log(`worker drained in ${((Date.now() - drainStarted) / 1000).toFixed(0)} s after the last start; RSS ${mib(stack.rssBytes())}`);

  // The street with the most grids, and one of its supervisors.
  const streets = config.units.filter((unit) => unit.level === 'street');
  const gridsUnder = (streetId: string) => grids.filter((grid) => org.isWithin(grid.id, streetId)).length;
  const street = streets.sort((a, b) => gridsUnder(b.id) - gridsUnder(a.id))[0]!;
  const supervisor = config.staff.find((person) => person.unit === street.id && (person.role === 'supervisor' || person.role === 'admin'))!;
  const headers = { authorization: `Bearer ${stack.tokenFor(supervisor.id)}` };
  for (const route of ['overdue', 'summary']) {
    const url = `${stack.baseUrl}/api/v1/supervision/${route}?unit=${street.id}`;
    const sample = (await (await fetch(url, { headers })).json()) as { open?: number; total?: number; source?: string };
    // One supervisor refreshing the board, then four at once.
    for (const concurrency of [1, 4]) {
      const result = await runConcurrently(QUERIES, concurrency, async () => {
        const response = await fetch(url, { headers });
        if (response.status !== 200) throw new Error(String(response.status));
        await response.arrayBuffer();
      });
      const what = route === 'summary' ? `open ${sample.open} from ${sample.source}` : `total ${sample.total}`;
      console.log(row(`/supervision/${route} ×${concurrency} (${street.id})`, result), what);
    }
  }
  console.log(`RSS after queries         ${mib(stack.rssBytes())}`);

  const startup = await stack.restartGridflow();
  const idleFrom = Date.now();
  await stack.waitForIdle();
  console.log(`start-up (loaded)         ${startup} ms to serving, idle ${((Date.now() - idleFrom) / 1000).toFixed(0)} s later; RSS ${mib(stack.rssBytes())}`);
  await stack.stop();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
