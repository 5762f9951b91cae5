/**
 * Escalation timeliness at load (issue 8, item 2).
 *
 *   npx tsx bench/escalation.ts [--cases 1000] [--budget PT3M] [--spread 55] [--cache N] [--explain]
 *
 * Submits --cases urgent cases through the HTTP intake, paced over --spread seconds (55), so all
 * their grid deadlines (--budget on the calendar clock) fall within the same minute (--spread 0
 * packs them into the few seconds the intake needs: a harsher burst), then waits for
 * every one to escalate to its community. Reports how late each escalation was after its
 * deadline — as the workflow recorded it, and as the e-mail to the community's duty officer
 * reached the SMTP server.
 */
import { parseArgs } from 'node:util';
import { Duration } from 'luxon';
import type { CaseState } from '../src/domain/case-model';
import { getCaseQuery } from '../src/workflows/case-definitions';
import { caseWorkflowId } from '../src/workflows/case-definitions';
import { startBenchStack } from './lib/stack';
import { percentile, runConcurrently } from './lib/stats';

const { values: args } = parseArgs({
  options: {
    cases: { type: 'string', default: '1000' },
    budget: { type: 'string', default: 'PT3M' },
    concurrency: { type: 'string', default: '32' },
    cache: { type: 'string', default: '' },
    explain: { type: 'boolean', default: false },
    spread: { type: 'string', default: '55' },
  },
});
const CASES = Number(args.cases);
const BUDGET_MS = Duration.fromISO(args.budget).as('milliseconds');

async function main(): Promise<void> {
  const stack = await startBenchStack({
    patchConfig: (document) => {
      // Urgent cases run on calendar hours: the deadline is exactly submission + budget.
      document.sla.levels.grid.urgent = args.budget;
    },
    env: args.cache ? { WORKER_MAX_CACHED_WORKFLOWS: args.cache } : {},
  });
  await stack.waitForIdle();
  const grids = stack.config.units.filter((unit) => unit.level === 'grid');
  const created: { id: string; dueAt: string }[] = [];
  // Paced so the deadlines spread over the minute (--spread seconds), as a day's cases would.
  const spreadMs = Number(args.spread) * 1000;
  const firstAt = Date.now();
  const submitted = await runConcurrently(CASES, Number(args.concurrency), async (index) => {
    const wait = firstAt + (index * spreadMs) / CASES - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const response = await fetch(`${stack.baseUrl}/api/v1/cases`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': stack.apiKey },
      body: JSON.stringify({
        category: 'road_repair',
        priority: 'urgent',
        description: `第${index}号：井盖缺失`,
        gridId: grids[index % grids.length]!.id,
        reporter: { name: '居民' },
      }),
    });
    if (response.status !== 201) throw new Error(`${response.status} ${await response.text()}`);
    const body = (await response.json()) as { id: string; dueAt: string };
    created.push({ id: body.id, dueAt: body.dueAt });
  });
  // (Paced: the latency of each call includes its wait for its turn, so only the count is shown.)
  console.log(`submitted ${submitted.count} urgent cases over ${submitted.seconds.toFixed(1)} s, errors ${submitted.errors}`);
  const dues = created.map((c) => Date.parse(c.dueAt)).sort((a, b) => a - b);
  console.log(`deadlines span ${((dues.at(-1)! - dues[0]!) / 1000).toFixed(1)} s, from ${new Date(dues[0]!).toISOString()}`);

  // Wait for every deadline, then for visibility to show every case at its community.
  const query = `WorkflowType = 'caseWorkflow' AND GridflowLevel = 'community'`;
  const waitUntil = dues.at(-1)! + 600_000;
  for (;;) {
    const { count } = await stack.client.workflow.count(query);
    if (count >= CASES) break;
    if (Date.now() > waitUntil) throw new Error(`only ${count} of ${CASES} escalated`);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }

  const recorded: number[] = [];
  const lateById = new Map<string, number>();
  await runConcurrently(created.length, 16, async (index) => {
    const c = created[index]!;
    const state: CaseState = await stack.client.workflow.getHandle(caseWorkflowId(c.id)).query(getCaseQuery);
    const escalation = state.timeline.find((entry) => entry.type === 'escalated');
    if (!escalation) throw new Error(`${c.id} did not escalate`);
    recorded.push(Date.parse(escalation.at) - Date.parse(c.dueAt));
    lateById.set(c.id, Date.parse(escalation.at) - Date.parse(c.dueAt));
  });
  // The first escalation e-mail of each case (its duty officer and supervisors each get one).
  const dueById = new Map(created.map((c) => [c.id, Date.parse(c.dueAt)]));
  const firstMail = new Map<string, number>();
  for (const mail of stack.smtp.messages) {
    const id = /Message-ID: <(c-[a-z2-7]{16})\.\d+\.case_escalated\./i.exec(mail.raw.toString('latin1'))?.[1];
    if (id === undefined || !dueById.has(id)) continue;
    firstMail.set(id, Math.min(firstMail.get(id) ?? Infinity, mail.receivedAt.getTime()));
  }
  const mailed = [...firstMail.entries()].map(([id, at]) => at - dueById.get(id)!);
  const line = (label: string, values: number[]) =>
    `${label.padEnd(40)} n ${String(values.length).padStart(5)}  p50 ${percentile(values, 50).toFixed(0).padStart(6)}  p99 ${percentile(values, 99).toFixed(0).padStart(6)}  max ${percentile(values, 100).toFixed(0).padStart(6)} ms  (min ${percentile(values, 0).toFixed(0)} ms)`;
  console.log(line('escalation recorded after the deadline', recorded));
  console.log(line('first escalation e-mail received after it', mailed));
  console.log(`target: p99 ≤ 2000 ms; gridflow RSS ${(stack.rssBytes() / 2 ** 20).toFixed(0)} MiB; budget ${BUDGET_MS / 1000} s`);
  if (args.explain) {
    // Where the time went for the latest few: the history events after the deadline.
    const latest = [...lateById.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3);
    for (const [id] of latest) {
      const due = dueById.get(id)!;
      const history = await stack.client.workflow.getHandle(caseWorkflowId(id)).fetchHistory();
      const lines = (history.events ?? [])
        .map((event) => ({
          type: String(event.eventType ?? '').replace('EVENT_TYPE_', ''),
          at: Number(event.eventTime?.seconds ?? 0) * 1000 + Math.floor((event.eventTime?.nanos ?? 0) / 1e6),
        }))
        .filter((event) => event.at >= due - 1_000)
        .map((event) => `${event.type}@${event.at - due}`);
      console.log(`${id}: ${lines.join(' ')}`);
    }
  }
  const metrics = await (await fetch(`${stack.baseUrl}/metrics`)).text();
  console.log(
    metrics
      .split('\n')
      .filter((l) => /^gridflow_nodejs_heap_size_(used|total)_bytes|^gridflow_process_resident/.test(l))
      .join('\n'),
  );
  await stack.stop();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
