/**
 * Start-up of the directory in a process (API or worker): a fresh records store gets the config
 * file's units and staff, so a city still starts from its file; a store that already holds a
 * directory wins over the file (an edited file is applied only by `npm run directory:import`, and
 * start-up says when they differ). Then the directory goes live, polled every `pollMs`.
 */
import type { Logger } from 'pino';
import type { GridflowConfig } from '../config/schema';
import type { OrgTree } from '../domain/org-tree';
import type { RecordsStore } from '../records/store';
import { differsFromConfig, importDirectory } from './config-import';
import { DirectoryStore } from './directory-store';
import { LiveDirectory } from './live-directory';

export interface OpenDirectoryOptions {
  records: RecordsStore;
  config: Pick<GridflowConfig, 'units' | 'staff'>;
  /** The config file's name, for the audit and the log. */
  configFile?: string | undefined;
  pollMs?: number | undefined;
  logger?: Pick<Logger, 'info' | 'warn'> | undefined;
}

/** A process's directory: the live tree, the store it changes, and how to stop polling. */
export interface OpenedDirectory {
  org: OrgTree;
  store: DirectoryStore;
  live: LiveDirectory;
  /** True when this start imported the config file into an empty store. */
  imported: boolean;
  stop(): void;
}

export async function openDirectory(options: OpenDirectoryOptions): Promise<OpenedDirectory> {
  const { logger, config } = options;
  const file = options.configFile ?? 'the config file';
  const started: { live?: LiveDirectory } = {};
  // A change made here is in this process's tree before the change's caller hears back.
  const store = new DirectoryStore(options.records, { onChange: () => started.live?.refresh() });
  let imported = false;
  if (await store.isEmpty()) {
    // Two processes starting on one empty store both get here: the second import finds nothing to change.
    const applied = await importDirectory(store, config, { reason: `start-up import of ${file}` });
    imported = applied.entries.length > 0;
    if (imported)
      logger?.info(
        { version: applied.version, units: config.units.length, staff: config.staff.length, file },
        'directory imported from the config file into the records store',
      );
  }
  const snapshot = await store.snapshot();
  if (!imported && differsFromConfig(snapshot, config)) {
    logger?.warn(
      { version: snapshot.version, file },
      "the directory in the records store differs from the config file's units and staff: the store wins; npm run directory:import applies the file",
    );
  }
  const live = LiveDirectory.of(store, snapshot, { pollMs: options.pollMs, logger });
  started.live = live;
  live.start();
  return { org: live.org, store, live, imported, stop: () => live.stop() };
}
