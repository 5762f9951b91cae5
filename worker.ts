/**
 * A gridflow worker on its own, for running several against a Temporal cluster:
 *   TEMPORAL_ADDRESS=temporal.example.org:7233 SMTP_URL=smtp://relay:25 node dist/worker.js
 * `npm start` runs one inside the embedded stack instead.
 */
import { loadEnv } from './src/config/env';
import { loadConfig } from './src/config/load';
import { OrgTree } from './src/domain/org-tree';
import { createLogger } from './src/logger';
import { startWorkerProcess, temporalTarget } from './src/worker-process';

async function run(): Promise<void> {
  const env = loadEnv();
  const logger = createLogger(env.LOG_LEVEL);
  if (!env.SMTP_URL) throw new Error('SMTP_URL is required for a standalone worker (npm start runs an SMTP sink instead)');
  const config = loadConfig(env.GRIDFLOW_CONFIG);
  const worker = await startWorkerProcess({
    env,
    config,
    org: new OrgTree(config.units, config.staff),
    target: temporalTarget(env),
    smtpUrl: env.SMTP_URL,
    logger,
  });
  const stop = () => void worker.shutdown();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await worker.done;
}

run().catch((error: unknown) => {
  process.stderr.write(`worker failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
