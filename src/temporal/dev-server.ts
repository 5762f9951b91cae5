/**
 * Runs `temporal server start-dev` as a child process: the embedded Temporal of `npm start` and
 * the real server of the integration tests. We start it ourselves (rather than through the SDK's
 * test environment) to wait as long as a loaded 2-core machine needs and to keep its SQLite file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Connection } from '@temporalio/client';
import { temporalCliPath } from './binaries';
import { devServerSearchAttributeArgs } from './search-attributes';

export interface DevServerOptions {
  /** gRPC port; 0 picks a free one. */
  port?: number;
  /** Web UI port; undefined disables the UI. */
  uiPort?: number | undefined;
  /** SQLite file that keeps state across restarts; undefined keeps everything in memory. */
  dbFile?: string | undefined;
  namespace?: string;
  /** How long to wait for the server to answer. */
  startTimeoutMs?: number;
  /** Extra CLI arguments, e.g. dynamic config values. */
  extraArgs?: string[];
  /** Receives the server's own log lines (warnings and errors only). */
  onLog?: (line: string) => void;
}

export interface DevServer {
  address: string;
  namespace: string;
  uiUrl?: string | undefined;
  process: ChildProcess;
  /** Stops the server and waits for it to exit. */
  stop(): Promise<void>;
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Start-up attempts on ports of our choosing: a free port can be taken by another process before the server binds it. */
const START_ATTEMPTS = 3;

/**
 * Starts the dev server and resolves once it answers gRPC calls. On a port it chose itself, a
 * server that exits during start-up (its port, or the HTTP port beside it, taken meanwhile by a
 * parallel test or process) is started again on a fresh port.
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options, options.port || (await freePort()));
    } catch (error) {
      const retry = !options.port && attempt < START_ATTEMPTS && error instanceof DevServerExited;
      if (!retry) throw error;
      options.onLog?.(`${error.message}; starting again on another port`);
    }
  }
}

/** The dev server process ended before it answered: what it last said is in the message. */
class DevServerExited extends Error {}

async function startOnce(options: DevServerOptions, port: number): Promise<DevServer> {
  const namespace = options.namespace ?? 'default';
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--namespace',
    namespace,
    '--log-level',
    'warn',
    ...(options.uiPort === undefined ? ['--headless'] : ['--ui-port', String(options.uiPort)]),
    ...(options.dbFile ? ['--db-filename', options.dbFile] : []),
    ...devServerSearchAttributeArgs(),
    ...(options.extraArgs ?? []),
  ];
  const child = spawn(temporalCliPath(), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let lastLine = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    // The server logs a dial warning per connection attempt while it starts: not worth showing.
    for (const line of chunk.split('\n')) {
      if (!line || line.includes('network dial error')) continue;
      lastLine = line;
      options.onLog?.(line);
    }
  });
  const address = `127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitUntilServing(
      address,
      namespace,
      options.startTimeoutMs ?? 60_000,
      () => child.exitCode !== null,
      () => lastLine,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { address, namespace, uiUrl: options.uiPort === undefined ? undefined : `http://127.0.0.1:${options.uiPort}`, process: child, stop };
}

async function waitUntilServing(address: string, namespace: string, timeoutMs: number, hasExited: () => boolean, lastLine: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (hasExited()) throw new DevServerExited(`temporal dev server exited during start-up (address ${address})${lastLine() ? `: ${lastLine()}` : ''}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.withDeadline(Date.now() + 2_000, () => connection.workflowService.describeNamespace({ namespace }));
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`temporal dev server at ${address} did not answer within ${timeoutMs} ms: ${String(lastError)}`);
}
