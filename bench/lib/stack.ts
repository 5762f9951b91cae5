/**
 * The stack a benchmark measures, as production runs it: a Temporal dev server, an SMTP sink, and
 * gridflow (`node dist/src/main.js`, API + worker in one process) pointed at both — started
 * from the built code, so the figures are not those of a test transpiler. The benchmark itself
 * runs in this (driver) process with its own Temporal client.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { parse, stringify } from 'yaml';
import { signStaffToken } from '../../src/api/auth';
import { parseConfig } from '../../src/config/load';
import type { GridflowConfig } from '../../src/config/schema';
import { hashApiKey } from '../../src/config/secrets';
import { startSmtpSink, type SmtpSink } from '../../src/mail/smtp-sink';
import { freePort, startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { describeSweep, sweepHistories } from '../../src/temporal/determinism-sweep';
import { processRss, waitForIdle } from './process';

const ROOT = path.resolve(__dirname, '../..');
export const TASK_QUEUE = 'gridflow-bench';

export interface BenchStack {
  baseUrl: string;
  config: GridflowConfig;
  client: Client;
  devServer: DevServer;
  smtp: SmtpSink;
  /** X-API-Key of the `hotline` integration (or the first one). */
  apiKey: string;
  tokenFor(staffId: string): string;
  /** The gridflow process (API + worker). */
  gridflow(): ChildProcess;
  /** Milliseconds from spawn to "running" of the last (re)start. */
  startupMs: number;
  /** Stops gridflow and starts it again on the same Temporal; returns the start-up time. */
  restartGridflow(): Promise<number>;
  rssBytes(): number;
  waitForIdle(): Promise<void>;
  stop(): Promise<void>;
}

export interface BenchStackOptions {
  /** Changes to the demo city's YAML before it is loaded (e.g. shorter deadlines). */
  patchConfig?: (document: Record<string, any>) => void;
  /** Extra environment for the gridflow process. */
  env?: Record<string, string>;
}

/** Builds dist/ once per benchmark run, so gridflow runs as `npm start` runs it. */
export function build(): void {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
}

export async function startBenchStack(options: BenchStackOptions = {}): Promise<BenchStack> {
  build();
  const dir = mkdtempSync(path.join(tmpdir(), 'gridflow-bench-'));
  const document = parse(readFileSync(path.join(ROOT, 'config/gridflow.yaml'), 'utf8')) as Record<string, any>;
  // Load generators come from one address with one key: lift the abuse limits for the run.
  document.rateLimits = { intake: { window: 'PT1M', perKey: 1_000_000, perIp: 1_000_000 } };
  const apiKey = `bench_${randomBytes(16).toString('hex')}`;
  for (const integration of document.integrations as { id: string; apiKeySha256?: string[] }[]) integration.apiKeySha256 = [hashApiKey(apiKey)];
  options.patchConfig?.(document);
  const configPath = path.join(dir, 'gridflow.yaml');
  writeFileSync(configPath, stringify(document));
  const config = parseConfig(readFileSync(configPath, 'utf8'), configPath);

  const [devServer, smtp] = await Promise.all([startDevServer({ startTimeoutMs: 120_000 }), startSmtpSink()]);
  const client = new Client({ connection: await Connection.connect({ address: devServer.address }), namespace: devServer.namespace });
  const authSecret = randomBytes(32).toString('hex');
  const port = await freePort();
  const sdkMetricsPort = await freePort();
  const env = {
    ...process.env,
    TEMPORAL_ADDRESS: devServer.address,
    TEMPORAL_NAMESPACE: devServer.namespace,
    TEMPORAL_TASK_QUEUE: TASK_QUEUE,
    TEMPORAL_METRICS_ADDRESS: `127.0.0.1:${sdkMetricsPort}`,
    SMTP_URL: smtp.url,
    PORT: String(port),
    GRIDFLOW_AUTH_SECRET: authSecret,
    GRIDFLOW_CONFIG: configPath,
    GRIDFLOW_DATA_DIR: path.join(dir, 'data'),
    LOG_LEVEL: 'warn',
    ...options.env,
  };

  let child: ChildProcess | undefined;
  async function startGridflow(): Promise<number> {
    const started = Date.now();
    const spawned = spawn(process.execPath, [path.join(ROOT, 'dist/src/main.js')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = spawned;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('gridflow is running')) resolve();
      };
      spawned.stdout.on('data', onData);
      spawned.stderr.on('data', (chunk: Buffer) => process.stderr.write(`[gridflow] ${chunk.toString()}`));
      spawned.once('exit', (code) => reject(new Error(`gridflow exited with ${code} before it was running:\n${output}`)));
    });
    return Date.now() - started;
  }
  async function stopGridflow(): Promise<void> {
    const running = child;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    await exited;
  }

  const stack: BenchStack = {
    baseUrl: `http://127.0.0.1:${port}`,
    config,
    client,
    devServer,
    smtp,
    apiKey,
    tokenFor: (staffId) => signStaffToken(authSecret, staffId),
    gridflow: () => child!,
    startupMs: await startGridflow(),
    async restartGridflow() {
      await stopGridflow();
      stack.startupMs = await startGridflow();
      return stack.startupMs;
    },
    rssBytes: () => processRss(child!.pid!),
    waitForIdle: () => waitForIdle(child!.pid!),
    async stop() {
      await stopGridflow();
      // Every history the run produced replays against the current code, or the run fails.
      const sweep = await sweepHistories({ client });
      process.stdout.write(`${describeSweep(sweep)}\n`);
      if (sweep.failures.length > 0) process.exitCode = 1;
      await client.connection.close();
      await smtp.close();
      await devServer.stop();
    },
  };
  return stack;
}
