/**
 * Records handOverWorkflow histories for the replay tests:
 *   npx tsx test/replay/record-hand-over-histories.ts
 * On the time-skipping server with the real case and obligation workflows and the real hand-over
 * activities over an in-memory store and directory: a leaver's cases (one failing until the
 * workflow's own retry, one closed meanwhile, one resolved and waiting out its resident's window)
 * and an obligation, listed two at a time and continued-as-new every four attempts. Each run is
 * saved on its own (hand-over-run-<n>.json).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { createHandOverActivities, type HandOverItemRequest } from '../../src/activities/hand-over';
import type { Actor } from '../../src/domain/case-model';
import type { CaseAction } from '../../src/domain/case-rules';
import { obligationInputFor } from '../../src/domain/obligation-model';
import { OrgTree } from '../../src/domain/org-tree';
import type { RecordBatch } from '../../src/records/events';
import { openWorkOf } from '../../src/records/open-work';
import { openRecordsStore } from '../../src/records/store';
import { writeBatch } from '../../src/records/writer';
import { caseWorkflow } from '../../src/workflows/case';
import { caseActionUpdate } from '../../src/workflows/case-definitions';
import { handOverWorkflow } from '../../src/workflows/hand-over';
import { obligationWorkflow } from '../../src/workflows/obligation';
import { caseInputFor, demoConfig } from '../helpers/fixtures';
import { MemoryDirectory } from '../helpers/memory-directory';
import { bundleWorkflows, createTimeSkippingEnv } from '../helpers/temporal';

const prefix = process.env.REPLAY_HISTORY_PREFIX ?? '';
const directory = path.join(__dirname, 'histories');
const HOUR = 3_600_000;
const LEAVER = 'sui-lei';
const SUCCESSOR = 'chi-yong';
const org = new OrgTree(demoConfig.units, demoConfig.staff);
const actor = (id: string): Actor => {
  const person = org.staff(id)!;
  return { kind: 'staff', id: person.id, role: person.role, unitId: person.unit };
};
const slowPlan = {
  clock: 'calendar' as const,
  budgets: { grid: 2_000 * HOUR, community: 2_000 * HOUR, street: 2_000 * HOUR, district: 2_000 * HOUR },
  warnAt: [],
  confirmWithinMs: 2 * HOUR,
};

async function main(): Promise<void> {
  const env = await createTimeSkippingEnv();
  const store = await openRecordsStore({ sqliteFile: ':memory:' });
  try {
    const handOver = createHandOverActivities({
      client: env.client,
      records: store,
      org,
      handOverDirectory: new MemoryDirectory(demoConfig.staff, demoConfig.units),
    });
    const flaky = { id: '', failures: 0 };
    let cancelled = '';
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'record',
      workflowBundle: await bundleWorkflows(),
      activities: {
        notify: async () => Promise.resolve({ delivered: [] }),
        currentDutyOfficer: async (unitId: string) => Promise.resolve(org.dutyOfficer(unitId)?.id),
        recordEvents: async (batch: RecordBatch) => ({ inserted: (await writeBatch(store, batch)).inserted }),
        ...handOver,
        async listOpenWork(request: Parameters<typeof handOver.listOpenWork>[0]) {
          const page = await handOver.listOpenWork(request);
          return request.kind === 'case' && request.after === undefined ? { ...page, items: [{ kind: 'case' as const, id: cancelled }, ...page.items] } : page;
        },
        async handOverItem(request: HandOverItemRequest) {
          if (request.item.id === flaky.id && flaky.failures++ < 3) throw new Error('14 UNAVAILABLE: temporal frontend unreachable');
          return handOver.handOverItem(request);
        },
      },
    });
    await worker.runUntil(async () => {
      const t0 = await env.currentTimeMs();
      const act = (id: string, action: CaseAction, by: string) =>
        env.client.workflow.getHandle(id).executeUpdate(caseActionUpdate, { args: [{ action, actor: actor(by) }] });
      const cases: string[] = [];
      for (let index = 0; index < 4; index++) {
        const input = caseInputFor({ submittedAtMs: t0, sla: slowPlan });
        await env.client.workflow.start(caseWorkflow, { args: [input, undefined, { searchAttributes: false }], workflowId: input.caseId, taskQueue: 'record' });
        cases.push(input.caseId);
      }
      const [, second, third, fourth] = cases as [string, string, string, string];
      flaky.id = second;
      cancelled = third;
      await act(fourth, { type: 'acknowledge' }, LEAVER);
      await act(fourth, { type: 'resolve', note: '已修复' }, LEAVER);
      const obligation = obligationInputFor(demoConfig, org, { obligeeId: LEAVER, unitId: 'santang-1', period: 'P7D', times: 1 }, new Date(t0));
      await env.client.workflow.start(obligationWorkflow, {
        args: [obligation, undefined, { searchAttributes: false }],
        workflowId: obligation.obligationId,
        taskQueue: 'record',
      });
      for (;;) {
        const listed =
          (await openWorkOf(store, { staffId: LEAVER, kind: 'case', limit: 10 })).items.length +
          (await openWorkOf(store, { staffId: LEAVER, kind: 'obligation', limit: 10 })).items.length;
        if (listed === 5) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await act(third, { type: 'cancel', reason: '居民撤回' }, 'liu-guoqing');

      const workflowId = `hand-over-${LEAVER}`;
      const handle = await env.client.workflow.start(handOverWorkflow, {
        args: [{ leaverId: LEAVER, successorId: SUCCESSOR, requestedBy: actor('liu-guoqing'), reason: '调离' }, undefined, { pageSize: 2, itemsPerRun: 4 }],
        workflowId,
        taskQueue: 'record',
      });
      const done = await handle.result();
      process.stdout.write(`hand-over ${done.stage}: ${JSON.stringify(done.counts)} in ${done.runs} runs\n`);
      // The time-skipping server has no visibility: follow the chain of runs through their histories.
      for (let runId: string | null | undefined = handle.firstExecutionRunId, index = 0; runId; index++) {
        const history = await env.client.workflow.getHandle(workflowId, runId).fetchHistory();
        const file = `hand-over-${prefix}run-${index}.json`;
        writeFileSync(path.join(directory, file), `${historyToJSON(history)}\n`);
        process.stdout.write(`saved ${file} (${history.events?.length ?? 0} events)\n`);
        runId = history.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
      }
      for (const id of [...cases, obligation.obligationId])
        await env.client.workflow
          .getHandle(id)
          .terminate('recorded')
          .catch(() => undefined);
    });
  } finally {
    await store.close();
    await env.teardown();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
