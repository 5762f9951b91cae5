/**
 * Records a recordsRedactionWorkflow history for the replay tests (one pass over an in-memory store):
 *   npx tsx test/replay/record-redaction-history.ts
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { recordsRedactionWorkflow } from '../../src/workflows/records-redaction';
import { memoryRecordActivities } from '../helpers/records';
import { bundleWorkflows, createTimeSkippingEnv } from '../helpers/temporal';

async function main(): Promise<void> {
  const env = await createTimeSkippingEnv();
  try {
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'record',
      workflowBundle: await bundleWorkflows(),
      activities: memoryRecordActivities(),
    });
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(recordsRedactionWorkflow, {
        args: [{ redactAfter: 'P3Y' }],
        workflowId: `records-redaction-${Date.now()}`,
        taskQueue: 'record',
      });
      await handle.result();
      const history = await handle.fetchHistory();
      writeFileSync(path.join(__dirname, 'histories', 'records-redaction.json'), `${historyToJSON(history)}\n`);
      process.stdout.write(`saved records-redaction.json (${history.events?.length ?? 0} events)\n`);
    });
  } finally {
    await env.teardown();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
