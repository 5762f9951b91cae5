/**
 * Intake throughput as a ratio to raw Temporal (issue 8, item 1).
 *
 *   npx tsx bench/intake.ts [--requests 3000] [--concurrency 32] [--rounds 2]
 *
 * Against one dev server in one run: (a) `POST /api/v1/cases` through the API with auth,
 * validation and routing by address, driven by autocannon; (b) the raw floor — the same number
 * of `client.workflow.start` calls of the same workflow with the same input, memo and search
 * attributes, from Node at the same concurrency. Rounds alternate (a, b, a, b ...) and each
 * starts once the worker has drained the previous one, so neither side inherits the other's load.
 */
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { buildCaseInput, newCaseId } from '../src/api/case-intake';
import { caseFactsOf, requestHashOf } from '../src/api/case-submission';
import { caseIndexOf, openCase } from '../src/domain/case-machine';
import { startingSearchAttributes } from '../src/temporal/search-attributes';
import type { SubmitCaseBody } from '../src/api/schemas/cases';
import { OrgTree } from '../src/domain/org-tree';
import { caseWorkflowId } from '../src/workflows/case-definitions';
import { startBenchStack, TASK_QUEUE } from './lib/stack';
import { row, runConcurrently, type RunResult } from './lib/stats';

const { values: args } = parseArgs({
  options: { requests: { type: 'string', default: '3000' }, concurrency: { type: 'string', default: '32' }, rounds: { type: 'string', default: '2' } },
});
const REQUESTS = Number(args.requests);
const CONCURRENCY = Number(args.concurrency);
const ROUNDS = Number(args.rounds);

/** What a hotline integration sends: routed by the address to its grid. */
const submission: SubmitCaseBody = {
  category: 'road_repair',
  description: '三堂村一组路口井盖缺失，夜间有安全隐患',
  address: '三堂村一组',
  reporter: { name: '张先生', phone: '13812345678' },
  lang: 'zh-CN',
};

async function main(): Promise<void> {
  const stack = await startBenchStack();
  const org = new OrgTree(stack.config.units, stack.config.staff);
  const integration = stack.config.integrations[0]!;
  console.log(`gridflow up in ${stack.startupMs} ms; ${REQUESTS} requests per side per round, concurrency ${CONCURRENCY}, ${ROUNDS} rounds`);

  async function viaHttp(amount: number): Promise<RunResult> {
    const result = await autocannon({
      url: `${stack.baseUrl}/api/v1/cases`,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': stack.apiKey },
      body: JSON.stringify(submission),
      connections: CONCURRENCY,
      amount,
      timeout: 30,
    });
    const failed = result.errors + result.timeouts + result.non2xx;
    // autocannon's histogram has no p95; its p97.5 is reported in that column.
    return {
      count: result.requests.total,
      errors: failed,
      seconds: result.duration,
      perSecond: result.requests.total / result.duration,
      p50: result.latency.p50,
      p95: result.latency.p97_5,
      p99: result.latency.p99,
      max: result.latency.max,
    };
  }

  async function raw(amount: number): Promise<RunResult> {
    return runConcurrently(amount, CONCURRENCY, async () => {
      const input = buildCaseInput({ config: stack.config, org }, submission, { kind: 'integration', id: integration.id }, newCaseId(), new Date(), 'zh-CN');
      await stack.client.workflow.start('caseWorkflow', {
        workflowId: caseWorkflowId(input.caseId),
        taskQueue: TASK_QUEUE,
        args: [input],
        memo: { requestHash: requestHashOf(submission), facts: caseFactsOf(input) },
        typedSearchAttributes: startingSearchAttributes(caseIndexOf(openCase(input).case)),
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
    });
  }

  // Warm both paths (JIT, connections, the dev server's caches), then let the worker drain.
  await viaHttp(Math.min(300, REQUESTS));
  await raw(Math.min(300, REQUESTS));
  await stack.waitForIdle();

  const http: RunResult[] = [];
  const floor: RunResult[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const first = round % 2 === 1;
    for (const side of first ? ['http', 'raw'] : ['raw', 'http']) {
      const result = side === 'http' ? await viaHttp(REQUESTS) : await raw(REQUESTS);
      (side === 'http' ? http : floor).push(result);
      console.log(row(`round ${round} ${side === 'http' ? 'HTTP POST /api/v1/cases' : 'raw client.workflow.start'}`, result));
      await stack.waitForIdle();
    }
  }
  const total = (results: RunResult[]) => {
    const count = results.reduce((sum, r) => sum + r.count, 0);
    const seconds = results.reduce((sum, r) => sum + r.seconds, 0);
    return { count, seconds, perSecond: count / seconds, errors: results.reduce((sum, r) => sum + r.errors, 0) };
  };
  const h = total(http);
  const f = total(floor);
  console.log('');
  console.log(
    `HTTP intake  ${h.perSecond.toFixed(1)} cases/s over ${h.count} (errors ${h.errors}); p50 ${median(http.map((r) => r.p50))} ms, p99 ${median(http.map((r) => r.p99))} ms (median of rounds)`,
  );
  console.log(
    `raw start    ${f.perSecond.toFixed(1)} starts/s over ${f.count} (errors ${f.errors}); p50 ${median(floor.map((r) => r.p50))} ms, p99 ${median(floor.map((r) => r.p99))} ms`,
  );
  console.log(`ratio        ${(h.perSecond / f.perSecond).toFixed(2)} of raw throughput (target ≥ 0.80, zero errors)`);
  console.log(`gridflow RSS ${(stack.rssBytes() / 2 ** 20).toFixed(0)} MiB after ${h.count + f.count} cases`);
  await stack.stop();
}

function median(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!.toFixed(1);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
