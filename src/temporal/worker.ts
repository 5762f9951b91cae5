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
   * Workflows kept in memory between tasks. Each cached case costs roughly tens of kB; the
   * default keeps a city's hot set without letting memory grow with the number of open cases.
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
    maxCachedWorkflows: setup.maxCachedWorkflows ?? 2_000,
  });
}
