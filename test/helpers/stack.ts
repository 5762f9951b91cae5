/**
 * The whole gridflow stack for integration tests, started by the suite itself: a real Temporal dev
 * server (with the custom search attributes), a real SMTP server, the real worker and activities,
 * and the API on port 0.
 */
import type { Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { NativeConnection, Worker, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import express, { type Express, type Router } from 'express';
import { simpleParser, type ParsedMail } from 'mailparser';
import pino from 'pino';
import { createActivities } from '../../src/activities';
import { createMailChannel } from '../../src/notifications/email-channel';
import { createApp } from '../../src/api/app';
import type { ApiDeps } from '../../src/api/deps';
import { signStaffToken } from '../../src/api/auth';
import type { GridflowConfig } from '../../src/config/schema';
import { hashApiKey } from '../../src/config/secrets';
import type { OrgTree } from '../../src/domain/org-tree';
import { openDirectory, type OpenedDirectory } from '../../src/directory/open-directory';
import { startSmtpSink, type SmtpSink } from '../../src/mail/smtp-sink';
import { createApiClient, connectWorker } from '../../src/temporal/connection';
import { startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { createWorker } from '../../src/temporal/worker';
import { bundleWorkflows, installQuietRuntime } from './temporal';
import { openSqliteTestStore } from './records';
import type { RecordsStore } from '../../src/records/store';

/** The sender, with a Chinese display name as the demo city would configure it. */
export const MAIL_FROM = '长兴岛网格化服务平台 <noreply@gridflow.test>';

export interface Stack {
  baseUrl: string;
  config: GridflowConfig;
  /** The live directory the API and the worker read (`directory.org`), in `records`. */
  org: OrgTree;
  directory: OpenedDirectory;
  devServer: DevServer;
  smtp: SmtpSink;
  client: Client;
  taskQueue: string;
  authSecret: string;
  /** The records store the worker writes to and the API reads from (SQLite in a temp file). */
  records: RecordsStore;
  /** Plain API key of each integration. */
  apiKeys: Record<string, string>;
  tokenFor(staffId: string): string;
  /** Messages received so far, parsed. */
  mails(): Promise<ParsedMail[]>;
  /**
   * Stops the worker and starts another on the same task queue with `bundle` (a fresh sticky cache,
   * so every open workflow replays on its next task), or none at all: a worker that is down.
   */
  replaceWorker(bundle: WorkflowBundleWithSourceMap | undefined): Promise<void>;
  stop(): Promise<void>;
}

export interface StackOptions {
  config: GridflowConfig;
  bundle?: WorkflowBundleWithSourceMap;
  taskQueue?: string;
  /**
   * Routers mounted in front of the API (path → router), with the app's settings, the way
   * app.ts mounts its own: for a front door that app.ts does not mount yet.
   */
  extraRouters?: (deps: ApiDeps) => { path: string; router: Router }[];
  /** The API's logger (default: silent), for a test that reads what is logged. */
  logger?: ApiDeps['logger'];
  /** How often the stack's directory polls the store (default 250 ms). */
  directoryPollMs?: number;
  /** The API's clock (default: the real one), for a scenario set on other dates. */
  now?: ApiDeps['now'];
}

/** Tests poll the directory often: a change made elsewhere shows within a quarter second. */
const DIRECTORY_POLL_MS = 250;

/** `api` behind the extra routers, with the settings createApp gives its own app. */
function withRouters(api: Express, routers: { path: string; router: Router }[]): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.set('query parser', 'simple');
  for (const { path, router } of routers) app.use(path, router);
  app.use(api);
  return app;
}

export async function startStack(options: StackOptions): Promise<Stack> {
  installQuietRuntime();
  const apiKeys: Record<string, string> = {};
  const config: GridflowConfig = {
    ...options.config,
    integrations: options.config.integrations.map((integration) => {
      apiKeys[integration.id] = `test_${randomBytes(16).toString('hex')}`;
      return { ...integration, apiKeySha256: [hashApiKey(apiKeys[integration.id]!)] };
    }),
  };
  const authSecret = randomBytes(32).toString('hex');
  const taskQueue = options.taskQueue ?? 'gridflow-test';
  const logger = options.logger ?? pino({ level: 'silent' });

  const [devServer, smtp, bundle, records] = await Promise.all([
    startDevServer({ startTimeoutMs: 120_000 }),
    startSmtpSink(),
    options.bundle ?? bundleWorkflows(),
    openSqliteTestStore(),
  ]);
  // As in npm start: the config's directory imported into the fresh store, read live by API and worker.
  const directory = await openDirectory({ records, config, pollMs: options.directoryPollMs ?? DIRECTORY_POLL_MS });
  const org = directory.org;
  const channel = createMailChannel({ smtpUrl: smtp.url, from: MAIL_FROM });
  const target = { address: devServer.address, namespace: devServer.namespace };
  const connection: NativeConnection = await connectWorker(target);
  // The hand-over's activities send their updates through a client, and deactivate in the stack's directory.
  const client = createApiClient(target);
  const activities = createActivities({ config, org, channel, records, client, handOverDirectory: directory.store });
  const runWorker = async (workflowBundle: WorkflowBundleWithSourceMap) => {
    const worker: Worker = await createWorker({ connection, namespace: target.namespace, taskQueue, workflowBundle, activities });
    return { worker, run: worker.run() };
  };
  let running: { worker: Worker; run: Promise<void> } | undefined = await runWorker(bundle);
  const stopWorker = async () => {
    if (!running) return;
    running.worker.shutdown();
    await running.run;
    running = undefined;
  };
  const deps: ApiDeps = { config, org, client, taskQueue, authSecret, logger, records, directory: directory.store, now: options.now };
  const api = createApp(deps);
  const app = options.extraRouters ? withRouters(api, options.extraRouters(deps)) : api;
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    config,
    org,
    directory,
    devServer,
    smtp,
    client,
    taskQueue,
    authSecret,
    records,
    apiKeys,
    tokenFor: (staffId) => signStaffToken(authSecret, staffId),
    mails: () => Promise.all(smtp.messages.map((message) => simpleParser(message.raw))),
    async replaceWorker(next) {
      await stopWorker();
      if (next) running = await runWorker(next);
    },
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await stopWorker();
      await connection.close();
      await client.connection.close();
      channel.close?.();
      await smtp.close();
      await devServer.stop();
      directory.stop();
      await records.close();
    },
  };
}

/** Polls until `check` returns a value (not undefined) or the time runs out. */
export async function waitFor<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastError instanceof Error ? `: ${lastError.message}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A JSON request against the stack; returns status, headers and parsed body. */
export async function http(
  stack: Pick<Stack, 'baseUrl'>,
  method: string,
  path: string,
  options: { body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: any }> {
  const response = await fetch(`${stack.baseUrl}${path}`, {
    method,
    headers: {
      ...(options.body !== undefined || options.rawBody !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON (HTML docs page, say): keep the text.
  }
  return { status: response.status, headers: response.headers, body };
}
