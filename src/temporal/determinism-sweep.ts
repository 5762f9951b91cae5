/**
 * The determinism sweep: fetch the histories of many executions from a Temporal server and replay
 * each against the workflow code at hand. A change that would break running workflows — or a
 * workflow that decided on a time replay reads differently — shows up as a failed replay here
 * instead of as a case that breaks for good once it leaves a worker's cache.
 *
 * Used after the fault drill and the benchmarks (every history they produced), and by operators
 * before a deploy (`npm run determinism:sweep`) and after repairing a workflow with a reset.
 */
import { bundleWorkflowCode, DefaultLogger, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Client, HistoryAndWorkflowId } from '@temporalio/client';
import { WORKFLOWS_PATH } from './worker';

/** One execution that did not replay. */
export interface SweepFailure {
  workflowId: string;
  runId?: string | undefined;
  /** Whether the code is incompatible with the history (the failure the sweep exists for) or replay failed otherwise. */
  nondeterministic: boolean;
  error: string;
}

export interface SweepResult {
  /** Executions replayed (every run of a workflow that continued-as-new counts once). */
  replayed: number;
  failures: SweepFailure[];
  /** Wall time of the whole sweep, for the figures. */
  ms: number;
}

export interface SweepOptions {
  client: Client;
  /** A visibility query; default: every execution in the namespace. */
  query?: string | undefined;
  /** Or exactly these executions. */
  executions?: { workflowId: string; runId?: string | undefined }[] | undefined;
  /** The code to replay against (tests bundle once); default: src/workflows as built. */
  workflowBundle?: WorkflowBundleWithSourceMap | undefined;
  /** Histories fetched at once (default 10). */
  concurrency?: number | undefined;
}

/**
 * Replays every selected history against the current workflow code and names those that fail.
 * Never throws for a failed replay: the caller decides (CI fails on any, an operator reads them).
 */
export async function sweepHistories(options: SweepOptions): Promise<SweepResult> {
  const started = Date.now();
  const failures: SweepFailure[] = [];
  let replayed = 0;
  const workflowBundle = options.workflowBundle ?? (await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') }));
  const results = Worker.runReplayHistories({ workflowBundle, replayName: 'determinism-sweep' }, historiesOf(options));
  for await (const result of results) {
    replayed++;
    if (!result.error) continue;
    failures.push({
      workflowId: result.workflowId,
      runId: result.runId,
      nondeterministic: result.error.name === 'DeterminismViolationError',
      error: result.error.message.slice(0, 2_000),
    });
  }
  return { replayed, failures, ms: Date.now() - started };
}

async function* historiesOf(options: SweepOptions): AsyncGenerator<HistoryAndWorkflowId> {
  if (options.executions) {
    for (const execution of options.executions) {
      const handle = options.client.workflow.getHandle(execution.workflowId, execution.runId);
      yield { workflowId: execution.workflowId, history: await handle.fetchHistory() };
    }
    return;
  }
  const listing = options.client.workflow.list(options.query === undefined ? {} : { query: options.query });
  yield* listing.intoHistories({ concurrency: options.concurrency ?? 10 });
}

/** One line per failure and a summary, for logs and CI output. */
export function describeSweep(result: SweepResult): string {
  const lines = [`determinism sweep: ${result.replayed} histories replayed in ${(result.ms / 1000).toFixed(1)} s, ${result.failures.length} failed`];
  for (const failure of result.failures) {
    lines.push(
      `  ${failure.nondeterministic ? 'NONDETERMINISTIC' : 'FAILED'} ${failure.workflowId}${failure.runId ? ` (run ${failure.runId})` : ''}: ${failure.error.split('\n')[0]}`,
    );
  }
  return lines.join('\n');
}
