/**
 * Temporal test plumbing: the time-skipping server from .tools, one workflow bundle per suite.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
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
