/**
 * A gridflow worker on its own, for running several against a Temporal cluster:
 *   TEMPORAL_ADDRESS=temporal.example.org:7233 SMTP_URL=smtp://relay:25 node dist/worker.js
 * `npm start` runs one inside the embedded stack instead.
 */
import express from 'express';
import { errorHandler } from './src/api/errors';
import { metricsRoutes } from './src/api/routes/metrics';
import { loadEnv } from './src/config/env';
import { withCityCalendar } from './src/calendar/city-calendar';
import { logCalendarHorizon } from './src/calendar/horizon-report';
import { DEFAULT_CONFIG_PATH, loadConfig } from './src/config/load';
import { openDirectory } from './src/directory/open-directory';
import { createLogger } from './src/logger';
import { installRuntimeWithMetrics } from './src/metrics/sdk-metrics';
import { openRecordsStore } from './src/records/store';
import { startWorkerProcess, temporalTarget } from './src/worker-process';

async function run(): Promise<void> {
  const env = loadEnv();
  const logger = createLogger(env.LOG_LEVEL);
  if (!env.SMTP_URL) throw new Error('SMTP_URL is required for a standalone worker (npm start runs an SMTP sink instead)');
  const config = withCityCalendar(loadConfig(env.GRIDFLOW_CONFIG));
  const calendar = { calendar: config.calendar, zone: config.city.timeZone };
  logCalendarHorizon(logger, calendar);
  const sdkMetricsAddress = installRuntimeWithMetrics(env.TEMPORAL_METRICS_ADDRESS, {}, (error) =>
    logger.warn({ err: error }, 'Temporal SDK metrics not served'),
  );
  const records = await openRecordsStore({ databaseUrl: env.DATABASE_URL, dataDir: env.dataDir });
  // The directory lives in the records store, polled: a change reaches this worker's next escalation without a restart.
  const directory = await openDirectory({ records, config, configFile: env.GRIDFLOW_CONFIG ?? DEFAULT_CONFIG_PATH, pollMs: env.directoryPollMs, logger });
  const worker = await startWorkerProcess({
    env,
    config,
    org: directory.org,
    target: temporalTarget(env),
    smtpUrl: env.SMTP_URL,
    logger,
    records,
    handOverDirectory: directory.store,
  });
  // The activities' counters (notifications, escalations, e-mail failures) live in this process.
  const metricsServer = env.WORKER_METRICS_PORT
    ? express()
        .use(metricsRoutes({ token: env.METRICS_TOKEN, sdkMetricsAddress, calendar }))
        .use(errorHandler(logger))
        .listen(env.WORKER_METRICS_PORT, env.HOST)
    : undefined;
  const stop = () => {
    metricsServer?.close();
    void worker.shutdown();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await worker.done;
  directory.stop();
  await records.close();
}

run().catch((error: unknown) => {
  process.stderr.write(`worker failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
