/**
 * The gridflow worker: every workflow type and every activity on one task queue.
 */
import { Worker, type NativeConnection, type WorkflowBundleOption } from '@temporalio/worker';
import type { Activities } from '../activities';

export interface WorkerSetup {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: Activities;
  /** A pre-built bundle (tests bundle once per suite); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkflowBundleOption | undefined;
  /**
   * Workflows kept in memory between tasks (the sticky cache). Measured here, each cached workflow
   * costs about 0.8 MB of RSS (bench/README.md), so the default of 500 keeps a worker near 750 MiB
   * however many cases and obligations are open; a workflow that is not cached replays its short
   * history on its next task. WORKER_MAX_CACHED_WORKFLOWS changes it.
   */
  maxCachedWorkflows?: number | undefined;
}

/** Path of the workflow entry point, resolved next to this file (src in tests, dist in production). */
export const WORKFLOWS_PATH = require.resolve('../workflows');

export async function createWorker(setup: WorkerSetup): Promise<Worker> {
  return Worker.create({
    connection: setup.connection,
    namespace: setup.namespace,
    taskQueue: setup.taskQueue,
    activities: setup.activities,
    ...(setup.workflowBundle ? { workflowBundle: setup.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    maxCachedWorkflows: setup.maxCachedWorkflows ?? 500,
  });
}
