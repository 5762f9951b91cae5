/**
 * `npm run determinism:sweep [-- --query "<visibility query>"] [-- --workflow-id <id> ...]`: fetches
 * the histories of the selected executions (default: every execution in the namespace) and replays
 * each against the workflow code of this checkout. Run it before deploying new workflow code (every
 * open case must replay) and after repairing a workflow with `temporal workflow reset`. Prints one
 * line per failure; exits 1 when any history does not replay. Uses TEMPORAL_ADDRESS and
 * TEMPORAL_NAMESPACE (default: the embedded dev server of `npm start`, 127.0.0.1:7233).
 */
import { parseArgs } from 'node:util';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadEnv } from '../src/config/env';
import { createApiClient } from '../src/temporal/connection';
import { describeSweep, sweepHistories } from '../src/temporal/determinism-sweep';
import { temporalTarget } from '../src/worker-process';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { query: { type: 'string' }, 'workflow-id': { type: 'string', multiple: true } } });
  // The replayer logs each failed replay as a warning; the summary below says it once.
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const client = createApiClient(temporalTarget(loadEnv(), '127.0.0.1:7233'));
  try {
    const ids = values['workflow-id'];
    const result = await sweepHistories({ client, query: values.query, executions: ids?.map((workflowId) => ({ workflowId })) });
    process.stdout.write(`${describeSweep(result)}\n`);
    return result.failures.length > 0 ? 1 : 0;
  } finally {
    await client.connection.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`determinism:sweep failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
