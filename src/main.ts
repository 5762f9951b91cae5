/**
 * `npm start`: the whole stack on one machine. Without TEMPORAL_ADDRESS it runs the Temporal dev
 * server with its state in `data/temporal.db`; without SMTP_URL it runs an SMTP sink storing
 * messages in `data/mail/`. Then the worker and the API. Ctrl-C stops everything in order.
 */
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { DefaultLogger } from '@temporalio/worker';
import { createApp } from './api/app';
import { answerClientErrors } from './api/client-errors';
import { loadEnv } from './config/env';
import { withCityCalendar } from './calendar/city-calendar';
import { startCalendarRollout } from './calendar/calendar-rollout';
import { logCalendarHorizon } from './calendar/horizon-report';
import { ConfigError, DEFAULT_CONFIG_PATH, loadConfig } from './config/load';
import { loadOrCreateLocalSecrets, localSecretsPath, withLocalApiKeys } from './config/secrets';
import { openDirectory } from './directory/open-directory';
import { createLogger } from './logger';
import { DEFAULT_SDK_METRICS_ADDRESS, installRuntimeWithMetrics } from './metrics/sdk-metrics';
import { startSmtpSink, type SmtpSink } from './mail/smtp-sink';
import { seedObligations } from './obligations/seed';
import { openRecordsStore } from './records/store';
import { ensureRedactionSchedule, REDACTION_SCHEDULE_ID } from './records/redaction-schedule';
import { createApiClient } from './temporal/connection';
import { startDevServer, type DevServer } from './temporal/dev-server';
import { startWorkerProcess, temporalTarget } from './worker-process';

const EMBEDDED_TEMPORAL_PORT = 7233;
const EMBEDDED_UI_PORT = 8233;
const EMBEDDED_SMTP_PORT = 2525;

/** What to stop, in start order; stopped in reverse on Ctrl-C or when start-up fails half-way. */
const stops: (() => Promise<void>)[] = [];

async function stopAll(): Promise<void> {
  for (const stop of stops.splice(0).reverse()) {
    try {
      await stop();
    } catch (error) {
      process.stderr.write(`error while stopping: ${String(error)}\n`);
    }
  }
}

async function main(): Promise<void> {
  const env = loadEnv();
  const logger = createLogger(env.LOG_LEVEL);
  let config = withCityCalendar(loadConfig(env.GRIDFLOW_CONFIG));
  logCalendarHorizon(logger, { calendar: config.calendar, zone: config.city.timeZone });
  let authSecret = env.GRIDFLOW_AUTH_SECRET;
  let localKeys: Record<string, string> = {};
  if (!authSecret) {
    const secrets = loadOrCreateLocalSecrets(env.dataDir, config);
    authSecret = secrets.authSecret;
    localKeys = secrets.apiKeys;
    config = { ...withLocalApiKeys(config, secrets), calendar: config.calendar };
    logger.warn({ file: localSecretsPath(env.dataDir) }, 'GRIDFLOW_AUTH_SECRET is not set: using the local development secret');
  }
  mkdirSync(env.dataDir, { recursive: true });
  const sdkMetricsAddress = installRuntimeWithMetrics(
    env.TEMPORAL_METRICS_ADDRESS ?? DEFAULT_SDK_METRICS_ADDRESS,
    { logger: new DefaultLogger('WARN'), telemetryOptions: { logging: { filter: { core: 'WARN', other: 'ERROR' } } } },
    (error) => logger.warn({ err: error }, "Temporal SDK metrics not served: /metrics shows gridflow's own only"),
  );

  let devServer: DevServer | undefined;
  if (!env.TEMPORAL_ADDRESS) {
    logger.info('starting the embedded Temporal dev server');
    devServer = await startDevServer({
      port: EMBEDDED_TEMPORAL_PORT,
      uiPort: EMBEDDED_UI_PORT,
      dbFile: path.join(env.dataDir, 'temporal.db'),
      namespace: env.TEMPORAL_NAMESPACE,
      onLog: (line) => logger.debug({ source: 'temporal' }, line),
    });
    stops.push(() => devServer!.stop());
  }
  let smtpUrl = env.SMTP_URL;
  let sink: SmtpSink | undefined;
  if (!smtpUrl) {
    sink = await startSmtpSink({ port: EMBEDDED_SMTP_PORT, directory: path.join(env.dataDir, 'mail') });
    smtpUrl = sink.url;
    stops.push(() => sink!.close());
  }
  // Migrations run here, before the worker records or the API reads anything.
  const records = await openRecordsStore({ databaseUrl: env.DATABASE_URL, dataDir: env.dataDir });
  stops.push(() => records.close());
  logger.info({ dialect: records.dialect, location: records.location }, 'records store ready');
  // The directory lives in the store (a fresh one gets the config file's); every part of this process reads it live.
  const directory = await openDirectory({ records, config, configFile: env.GRIDFLOW_CONFIG ?? DEFAULT_CONFIG_PATH, pollMs: env.directoryPollMs, logger });
  stops.push(() => Promise.resolve(directory.stop()));
  const { org } = directory;
  const target = temporalTarget(env, devServer?.address);
  const worker = await startWorkerProcess({ env, config, org, target, smtpUrl, logger, records, handOverDirectory: directory.store });
  stops.push(() => worker.shutdown());

  const client = createApiClient(target);
  const seeded = await seedObligations(client, config, org, env.TEMPORAL_TASK_QUEUE);
  const redactAfter = env.GRIDFLOW_REDACT_AFTER;
  const redaction = await ensureRedactionSchedule(client, { taskQueue: env.TEMPORAL_TASK_QUEUE, redactAfter, timeZone: config.city.timeZone });
  logger.info({ schedule: REDACTION_SCHEDULE_ID, redactAfter, redaction }, 'records redaction schedule');
  logger.info(seeded, 'contact obligations from config');
  const rollout = await startCalendarRollout(client, config.calendar, { taskQueue: env.TEMPORAL_TASK_QUEUE });
  logger.info({ calendarVersion: config.calendar.version, rollout: rollout.kind }, 'working-day calendar roll-out to open cases');
  const app = createApp({
    config,
    org,
    client,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    authSecret,
    logger,
    records,
    directory: directory.store,
    metrics: { token: env.METRICS_TOKEN, sdkMetricsAddress },
    trustProxy: env.GRIDFLOW_TRUST_PROXY,
  });
  if (env.GRIDFLOW_TRUST_PROXY.length > 0 && !env.METRICS_TOKEN) {
    logger.warn({ trustProxy: env.GRIDFLOW_TRUST_PROXY }, 'GRIDFLOW_TRUST_PROXY is set without METRICS_TOKEN: /metrics refuses every scraper');
  }
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(env.PORT, env.HOST, () => resolve(listening));
  });
  answerClientErrors(server, { locale: config.city.defaultLocale, timeZone: config.city.timeZone });
  stops.push(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await client.connection.close();
  });

  const base = `http://${env.HOST === '0.0.0.0' ? '127.0.0.1' : env.HOST}:${env.PORT}`;
  const exampleStaff = org.dutyOfficer(config.units.find((unit) => unit.level === 'grid')?.id ?? '')?.id ?? config.staff[0]?.id;
  const lines = [
    '',
    `gridflow is running — ${config.city.name['zh-CN']}`,
    `  API          ${base}/api/v1   (docs: ${base}/docs, spec: ${base}/openapi.json)`,
    `  Temporal     ${target.address}${devServer?.uiUrl ? `   (Web UI: ${devServer.uiUrl})` : ''}`,
    `  Mail         ${sink ? `SMTP sink on ${sink.url}, messages in ${path.join(env.dataDir, 'mail')}` : 'SMTP_URL'}`,
    `  Staff token  npm run --silent token -- <staffId>   e.g. npm run --silent token -- ${exampleStaff}`,
    ...Object.entries(localKeys).map(([id, key]) => `  API key      ${id}: ${key}   (X-API-Key; kept in ${localSecretsPath(env.dataDir)})`),
    '  Stop         Ctrl-C',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // Reverse order of start: API first, then worker, then mail and Temporal.
    await stopAll();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch(async (error: unknown) => {
  await stopAll();
  if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
  else process.stderr.write(`gridflow failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
