/**
 * The directory every process reads: an OrgTree kept at the store's newest version. Each API and
 * worker process polls the version row (one cheap indexed read) and, when it moved, loads the whole
 * snapshot and swaps it in at once, so a reader sees the old directory or the new one, never a mix.
 * A change made in this process is swapped in before its answer goes out (the store's onChange),
 * so a deactivated member's token is refused at once here and within one poll elsewhere.
 *
 * A store outage keeps the last snapshot: changes arrive late, routing and escalations go on.
 */
import type { Logger } from 'pino';
import { OrgTree } from '../domain/org-tree';
import type { DirectoryStore } from './directory-store';
import type { DirectorySnapshot } from './directory-tree';

/** How often a process asks for the directory's version unless configured (GRIDFLOW_DIRECTORY_POLL). */
export const DEFAULT_DIRECTORY_POLL_MS = 2_000;

export interface LiveDirectoryOptions {
  pollMs?: number | undefined;
  logger?: Pick<Logger, 'info' | 'warn'> | undefined;
}

export class LiveDirectory {
  /** The tree handed to every route, activity and report: always the newest snapshot read. */
  readonly org: OrgTree;
  private readonly pollMs: number;
  private readonly logger: LiveDirectoryOptions['logger'];
  private timer: NodeJS.Timeout | undefined;
  /** Refreshes run one after another, so a late, older answer never replaces a newer one. */
  private queue: Promise<unknown> = Promise.resolve();
  private failing = false;

  private constructor(
    readonly store: DirectoryStore,
    org: OrgTree,
    options: LiveDirectoryOptions,
  ) {
    this.org = org;
    this.pollMs = options.pollMs ?? DEFAULT_DIRECTORY_POLL_MS;
    this.logger = options.logger;
  }

  /** Reads the store's directory once and returns it live (not yet polling: see {@link start}). */
  static async load(store: DirectoryStore, options: LiveDirectoryOptions = {}): Promise<LiveDirectory> {
    return LiveDirectory.of(store, await store.snapshot(), options);
  }

  /** The directory live from `snapshot`, one the caller has just read from `store`. */
  static of(store: DirectoryStore, snapshot: DirectorySnapshot, options: LiveDirectoryOptions = {}): LiveDirectory {
    return new LiveDirectory(store, new OrgTree(snapshot.units, snapshot.staff, snapshot.version, snapshot.revisions), options);
  }

  /** The version the tree shows. */
  get version(): number {
    return this.org.version;
  }

  /** Brings the tree to the store's version now; true when it changed. */
  refresh(): Promise<boolean> {
    const next = this.queue.then(() => this.pull());
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Polls every `pollMs` until {@link stop}; the timer never keeps a process alive. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.refresh().then(
        () => {
          if (this.failing) this.logger?.info({ version: this.version }, 'directory store reachable again');
          this.failing = false;
        },
        (error: unknown) => {
          if (!this.failing) this.logger?.warn({ err: error, version: this.version }, 'directory store unreachable: keeping the last directory read');
          this.failing = true;
        },
      );
    }, this.pollMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async pull(): Promise<boolean> {
    if ((await this.store.version()) === this.org.version) return false;
    const snapshot = await this.store.snapshot();
    if (snapshot.version <= this.org.version) return false;
    this.org.replace(snapshot.units, snapshot.staff, snapshot.version, snapshot.revisions);
    this.logger?.info({ version: snapshot.version }, 'directory changed');
    return true;
  }
}
