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
import { loadConfig } from './src/config/load';
import { OrgTree } from './src/domain/org-tree';
import { createLogger } from './src/logger';
import { installRuntimeWithMetrics } from './src/metrics/sdk-metrics';
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
  const worker = await startWorkerProcess({
    env,
    config,
    org: new OrgTree(config.units, config.staff),
    target: temporalTarget(env),
    smtpUrl: env.SMTP_URL,
    logger,
  });
  // The activities' counters (notifications, escalations, e-mail failures) live in this process.
  const metricsServer = env.WORKER_METRICS_PORT
    ? express().use(metricsRoutes({ token: env.METRICS_TOKEN, sdkMetricsAddress, calendar })).use(errorHandler(logger)).listen(env.WORKER_METRICS_PORT, env.HOST)
    : undefined;
  const stop = () => {
    metricsServer?.close();
    void worker.shutdown();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await worker.done;
}

run().catch((error: unknown) => {
  process.stderr.write(`worker failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
