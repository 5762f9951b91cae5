/**
 * Temporal test plumbing: the time-skipping server from .tools, one workflow bundle per suite.
 */
import type { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { temporalTestServerPath } from '../../src/temporal/binaries';
import { WORKFLOWS_PATH } from '../../src/temporal/worker';

let runtimeInstalled = false;

/** Quiet SDK logs; must run before the first environment is created (once per process). */
export function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    // ERROR, not WARN: tests that break SMTP on purpose would otherwise log every retried attempt.
    Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });
  } catch {
    // Already installed by another suite in this process.
  }
}

/** The real time-skipping test server, from the binary `npm install` put in .tools. */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  installQuietRuntime();
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
  });
}

/** Bundles src/workflows once (about 2 s); pass the result to every Worker of the suite. */
export async function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
}

/**
 * Ends the given workflows once they are idle, while the test's worker still runs. The
 * time-skipping server only skips time when nothing is outstanding, and a workflow terminated in
 * the middle of a workflow or activity task keeps it locked for good: so each is terminated once it
 * is idle (or after a few seconds, if the test failed). A workflow left running would freeze time
 * for every later test. Empties `workflowIds`.
 */
export async function endWhenIdle(client: Client, workflowIds: string[]): Promise<void> {
  for (const workflowId of workflowIds.splice(0)) {
    const handle = client.workflow.getHandle(workflowId);
    for (let idle = 0, giveUpAt = Date.now() + 5_000; idle < 2 && Date.now() < giveUpAt;) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const description = await handle.describe().catch(() => undefined);
      const busy = description?.status.name === 'RUNNING' && (description.raw.pendingWorkflowTask || (description.raw.pendingActivities ?? []).length > 0);
      idle = busy ? 0 : idle + 1;
    }
    await handle.terminate('test finished').catch(() => undefined);
  }
}

let taskQueueCounter = 0;

/**
 * Runs `fn` with a worker on a fresh task queue of the time-skipping environment, then ends the
 * workflows the test started (listed in `started`) while that worker still runs.
 */
export async function withTestWorker<T>(
  env: TestWorkflowEnvironment,
  options: { workflowBundle: WorkflowBundleWithSourceMap; activities: object; started: string[] },
  fn: (taskQueue: string) => Promise<T>,
): Promise<T> {
  const taskQueue = `test-${++taskQueueCounter}`;
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: options.workflowBundle, activities: options.activities });
  return worker.runUntil(async () => {
    try {
      return await fn(taskQueue);
    } finally {
      await endWhenIdle(env.client, options.started);
    }
  });
}
