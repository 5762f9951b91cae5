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
   * costs about 0.8 MB of RSS, so the default of 250 keeps a worker under 900 MiB with 10,000 cases
   * and 10,000 obligations open (bench/README.md); a workflow that is not cached replays its short
   * history on its next task, and escalations stayed p99 0.3 s late. WORKER_MAX_CACHED_WORKFLOWS
   * changes it.
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
    maxCachedWorkflows: setup.maxCachedWorkflows ?? 250,
  });
}
