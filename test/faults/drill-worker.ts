/**
 * The gridflow worker as a process of its own (`worker.ts`, configured by the environment the
 * way an operator runs it), so a drill can SIGKILL it mid-task and start a fresh one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
/** How long a worker may take to bundle its workflows and start polling. */
const START_TIMEOUT_MS = 120_000;

/** What a drill sets for the worker; the rest of the environment is not passed on. */
export interface DrillWorkerEnv {
  TEMPORAL_ADDRESS: string;
  TEMPORAL_TASK_QUEUE: string;
  SMTP_URL: string;
  GRIDFLOW_CONFIG: string;
  GRIDFLOW_DATA_DIR: string;
}

/** One worker slot: at most one process at a time, started, killed and restarted by the drill. */
export class DrillWorker {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private stderrTail = '';
  /** Exits the drill did not cause (a crash), with the last lines the process wrote. */
  readonly unexpectedExits: string[] = [];
  starts = 0;

  constructor(private readonly env: DrillWorkerEnv) {}

  /** Starts a worker and resolves once it polls its task queue ("worker running"). */
  async start(): Promise<void> {
    if (this.child) throw new Error('a worker is already running');
    this.starts++;
    // node --import tsx runs worker.ts in this very process, so SIGKILL reaches the worker itself.
    const child = spawn(process.execPath, ['--import', 'tsx', 'worker.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'info', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.stderrTail = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-2_000);
    });
    this.exited = new Promise<void>((resolve) =>
      child.once('exit', (code, signal) => {
        if (this.child === child) {
          this.child = undefined;
          this.unexpectedExits.push(`exit ${code ?? signal}: ${this.stderrTail}`);
        }
        resolve();
      }),
    );
    await new Promise<void>((resolve, reject) => {
      // Bundling the workflows takes seconds; minutes means the worker is stuck, not slow.
      const timer = setTimeout(() => reject(new Error(`worker not running after ${START_TIMEOUT_MS} ms: ${this.stderrTail}`)), START_TIMEOUT_MS);
      let out = '';
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
        if (out.includes('worker running')) {
          clearTimeout(timer);
          resolve();
        }
      });
      void this.exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`worker exited during start-up: ${this.stderrTail}`));
      });
    });
  }

  /** SIGKILL: no shutdown, no goodbye to the server; what it was doing is simply cut off. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) throw new Error('no worker to kill');
    this.child = undefined;
    child.kill('SIGKILL');
    await this.exited;
  }

  /** A graceful stop at the end of the drill. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await this.exited;
    clearTimeout(timer);
  }
}
