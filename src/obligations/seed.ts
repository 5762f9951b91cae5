/**
 * Creates the obligations the config's rules ask for, at start. Idempotent: the workflow id is
 * derived from obligee, unit and period, and an id already used (running, or ended by a
 * supervisor) is left alone, so restarting never duplicates an obligation or revives an ended one.
 */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { GridflowConfig } from '../config/schema';
import { seededObligations } from '../domain/obligation-model';
import type { OrgTree } from '../domain/org-tree';
import type { obligationWorkflow } from '../workflows/obligation';
import { OBLIGATION_WORKFLOW_TYPE } from '../workflows/obligation-definitions';

/** Starts at most this many at once: enough to seed a district quickly without flooding the server. */
const SEED_CONCURRENCY = 16;

export async function seedObligations(
  client: Client,
  config: GridflowConfig,
  org: OrgTree,
  taskQueue: string,
  now: Date = new Date(),
): Promise<{ created: number; existing: number }> {
  const inputs = seededObligations(config, org, now);
  let created = 0;
  let existing = 0;
  let next = 0;
  async function worker(): Promise<void> {
    while (next < inputs.length) {
      const input = inputs[next++]!;
      try {
        await client.workflow.start<typeof obligationWorkflow>(OBLIGATION_WORKFLOW_TYPE, {
          workflowId: input.obligationId,
          taskQueue,
          args: [input],
          workflowIdConflictPolicy: 'FAIL',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        });
        created++;
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
        existing++;
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(SEED_CONCURRENCY, inputs.length) }, () => worker()));
  return { created, existing };
}
