/**
 * Records obligationWorkflow histories for the replay tests:
 *   npx tsx test/replay/record-obligation-histories.ts
 * - on a dev server (search attributes on): contacts, a staff change, ending;
 * - on the time-skipping server: a week that closes met, one missed after a reminder, and the
 *   continue-as-new at each period boundary (the runs are saved one by one).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import type { Actor } from '../../src/domain/case-model';
import { obligationInputFor } from '../../src/domain/obligation-model';
import { temporalCliPath } from '../../src/temporal/binaries';
import { obligationWorkflow } from '../../src/workflows/obligation';
import { changeObligeeUpdate, endObligationUpdate, logContactUpdate } from '../../src/workflows/obligation-definitions';
import { tinyCityConfig } from '../helpers/fixtures';
import { memoryRecords } from '../helpers/records';
import { startStack } from '../helpers/stack';
import { bundleWorkflows, createTimeSkippingEnv } from '../helpers/temporal';
import { OrgTree } from '../../src/domain/org-tree';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';

/** Histories recorded after a change worth guarding get a prefix, so the older files stay: REPLAY_HISTORY_PREFIX=records- */
const prefix = process.env.REPLAY_HISTORY_PREFIX ?? '';

const directory = path.join(__dirname, 'histories');
const DAY = 86_400_000;
const config = tinyCityConfig();
const org = new OrgTree(config.units, config.staff);
const staff = (id: string): Actor => {
  const person = org.staff(id)!;
  return { kind: 'staff', id: person.id, role: person.role, unitId: person.unit };
};

async function onDevServer(): Promise<void> {
  const stack = await startStack({ config });
  try {
    const input = obligationInputFor(config, org, { obligeeId: 's-lead', unitId: 'g', period: 'P7D', times: 2 }, new Date());
    input.obligationId = `${input.obligationId}-replay-${Date.now()}`;
    const handle = await stack.client.workflow.start(obligationWorkflow, { args: [input], workflowId: input.obligationId, taskQueue: stack.taskQueue });
    await handle.executeUpdate(logContactUpdate, { args: [{ at: new Date().toISOString(), channel: 'visit', note: '走访', actor: staff('s-lead') }] });
    await handle.executeUpdate(changeObligeeUpdate, { args: [{ obligeeId: 's-duty', obligeeUnitId: 's', actor: staff('d-admin'), reason: '分工调整' }] });
    await handle.executeUpdate(logContactUpdate, { args: [{ at: new Date().toISOString(), channel: 'phone', actor: staff('s-duty') }] });
    await handle.executeUpdate(endObligationUpdate, { args: [{ actor: staff('d-admin'), reason: '撤销' }] });
    await handle.result();
    const json = execFileSync(
      temporalCliPath(),
      ['workflow', 'show', '--address', stack.devServer.address, '--workflow-id', handle.workflowId, '--output', 'json'],
      { encoding: 'utf8' },
    );
    writeFileSync(path.join(directory, `obligation-${prefix}contacts-handover-ended.json`), json);
    process.stdout.write(`saved obligation-${prefix}contacts-handover-ended.json\n`);
  } finally {
    await stack.stop();
  }
}

async function onTimeSkippingServer(): Promise<void> {
  const env = await createTimeSkippingEnv();
  try {
    const bundle = await bundleWorkflows();
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'record',
      workflowBundle: bundle,
      activities: {
        notify: async () => Promise.resolve({ delivered: [] }),
        currentDutyOfficer: async () => Promise.resolve(undefined),
        recordEvents: memoryRecords().recordEvents,
      },
    });
    await worker.runUntil(async () => {
      const t0 = await env.currentTimeMs();
      const input = obligationInputFor(config, org, { obligeeId: 's-lead', unitId: 'g', period: 'P7D', times: 1 }, new Date(t0));
      const handle = await env.client.workflow.start(obligationWorkflow, {
        args: [input, undefined, { searchAttributes: false }],
        workflowId: input.obligationId,
        taskQueue: 'record',
      });
      const runs = [(await handle.describe()).runId];
      await handle.executeUpdate(logContactUpdate, { args: [{ at: new Date(t0).toISOString(), channel: 'meeting', actor: staff('s-lead') }] });
      for (let week = 0; week < 3; week++) {
        await env.sleep(7 * DAY);
        runs.push((await env.client.workflow.getHandle(input.obligationId).describe()).runId);
      }
      // Runs: week 0 met (closes, continues), week 1 missed after a reminder, week 2 missed → escalation.
      for (const [index, runId] of runs.slice(0, 3).entries()) {
        const history = await env.client.workflow.getHandle(input.obligationId, runId).fetchHistory();
        const file = `obligation-${prefix}period-${index}.json`;
        writeFileSync(path.join(directory, file), `${historyToJSON(history)}\n`);
        process.stdout.write(`saved ${file} (${history.events?.length ?? 0} events)\n`);
      }
      await env.client.workflow.getHandle(input.obligationId).terminate('recorded');
    });
  } finally {
    await env.teardown();
  }
}

async function main(): Promise<void> {
  await onDevServer();
  await onTimeSkippingServer();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
