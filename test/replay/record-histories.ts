/**
 * Records histories of every workflow type on a real dev server, for the replay tests:
 *   npx tsx test/replay/record-histories.ts
 * Run it when a workflow gains a new path worth guarding; keep the old files, since they stand for
 * executions that may still be running in production. A change that breaks replay needs patched().
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { temporalCliPath } from '../../src/temporal/binaries';
import type { CaseState } from '../../src/domain/case-model';
import type { CaseAction } from '../../src/domain/case-rules';
import { caseWorkflow } from '../../src/workflows/case';
import { caseActionUpdate, getCaseQuery } from '../../src/workflows/case-definitions';
import { caseInputFor, tinyCityConfig } from '../helpers/fixtures';
import { startStack } from '../helpers/stack';

/** Histories recorded after a change worth guarding get a prefix, so the older files stay: REPLAY_HISTORY_PREFIX=records- */
const prefix = process.env.REPLAY_HISTORY_PREFIX ?? '';

const SECOND = 1_000;
const directory = path.join(__dirname, 'histories');

async function main(): Promise<void> {
  const config = tinyCityConfig();
  const stack = await startStack({ config });
  const staff = (id: string) => {
    const person = stack.org.staff(id)!;
    return { kind: 'staff' as const, id: person.id, role: person.role, unitId: person.unit };
  };
  const act = (handle: WorkflowHandle<typeof caseWorkflow>, action: CaseAction, actor = staff(stackAssignee)) =>
    handle.executeUpdate(caseActionUpdate, { args: [{ action, actor }] });
  let stackAssignee = 'g-worker';
  const until = async (handle: WorkflowHandle<typeof caseWorkflow>, check: (state: CaseState) => boolean) => {
    for (let i = 0; i < 200; i++) {
      if (check(await handle.query(getCaseQuery))) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error('scenario did not reach its state');
  };
  const start = (name: string, historyLimit?: number, budgetMs = 2 * SECOND) => {
    const input = caseInputFor({
      submittedAtMs: Date.now(),
      gridId: 'g',
      config,
      org: stack.org,
      reporterEmail: 'resident@example.org',
      sla: { clock: 'calendar', budgets: { grid: budgetMs, community: budgetMs, street: budgetMs, district: budgetMs }, confirmWithinMs: 3 * SECOND },
    });
    input.caseId = `replay-${name}-${Date.now()}`;
    return stack.client.workflow.start(caseWorkflow, { args: [input, undefined, { historyLimit }], workflowId: input.caseId, taskQueue: stack.taskQueue });
  };
  // The CLI writes the canonical proto3 JSON that Worker.runReplayHistory reads back.
  const save = async (name: string, handle: WorkflowHandle, runId?: string) => {
    const args = ['workflow', 'show', '--address', stack.devServer.address, '--workflow-id', handle.workflowId, '--output', 'json'];
    const json = execFileSync(temporalCliPath(), runId ? [...args, '--run-id', runId] : args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    writeFileSync(path.join(directory, `case-${prefix}${name}.json`), json);
    process.stdout.write(`saved case-${prefix}${name}.json (${(JSON.parse(json) as { events: unknown[] }).events.length} events)\n`);
    await Promise.resolve();
  };

  try {
    // 1. The whole ladder to overdue, then worked at the district, reopened once, auto-closed.
    const ladder = await start('ladder');
    await until(ladder, (s) => s.overdue);
    stackAssignee = 'd-duty';
    await act(ladder, { type: 'acknowledge' });
    await act(ladder, { type: 'start' });
    await act(ladder, { type: 'resolve', note: '已处理' });
    await act(ladder, { type: 'feedback', satisfied: false, rating: 2 }, { kind: 'integration', id: 'hotline-12345' } as never);
    await act(ladder, { type: 'resolve', note: '已彻底处理' });
    await ladder.result();
    await save('ladder-reopen-autoclose', ladder);

    // 2. Paused clock, reassignment, moved deadline, manual escalation, rating, close.
    stackAssignee = 'g-worker';
    const steps = await start('steps', undefined, 60 * SECOND);
    await act(steps, { type: 'acknowledge' });
    await act(steps, { type: 'request_info', note: '请补充照片' });
    await act(steps, { type: 'info_provided', note: '照片已上传' }, { kind: 'resident' } as never);
    await act(steps, { type: 'move_deadline', dueAt: new Date(Date.now() + 60 * SECOND).toISOString(), reason: '协调' }, staff('c-sec'));
    await act(steps, { type: 'reassign', assigneeId: 'c-sec', reason: '书记亲自办' }, staff('c-sec'));
    stackAssignee = 'c-sec';
    // Escalating from the grid hands the case to the community's duty officer, c-sec again.
    await act(steps, { type: 'escalate', reason: '需社区协调' });
    await act(steps, { type: 'acknowledge' });
    await act(steps, { type: 'resolve', note: '已解决' });
    await act(steps, { type: 'feedback', satisfied: true, rating: 5, comment: '满意' }, { kind: 'resident' } as never);
    await steps.result();
    await save('steps-close', steps);

    // 3. Cancelled by the reporter.
    stackAssignee = 'g-worker';
    const cancelled = await start('cancel', undefined, 60 * SECOND);
    await act(cancelled, { type: 'cancel', reason: '已自行解决' }, { kind: 'resident' } as never);
    await cancelled.result();
    await save('cancelled', cancelled);

    // 4. Continue-as-new after many notes (first run's history).
    const noted = await start('notes', 120, 60 * SECOND);
    const firstRun = (await noted.describe()).runId;
    for (let i = 1; i <= 40; i++) await act(stack.client.workflow.getHandle(noted.workflowId), { type: 'note', note: `跟进${i}` });
    await save('continued-as-new', noted, firstRun);
    await stack.client.workflow.getHandle(noted.workflowId).terminate('recorded');
  } finally {
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
