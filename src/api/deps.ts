/**
 * What the API is built from (`createApp(deps)`). In a module of its own because routers that take
 * the whole set (the Open311 router) are imported by the app that mounts them.
 */
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { GridflowConfig } from '../config/schema';
import type { DirectoryStore } from '../directory/directory-store';
import type { OrgTree } from '../domain/org-tree';
import type { RecordsStore } from '../records/store';
import type { MetricsRouteOptions } from './routes/metrics';

/** The API's dependencies: the config, the live directory, Temporal, the secrets, the stores. */
export interface ApiDeps {
  config: GridflowConfig;
  org: OrgTree;
  client: Client;
  taskQueue: string;
  authSecret: string;
  logger: Logger;
  /** The records store: reports, and executions Temporal deleted after retention. */
  records?: RecordsStore | undefined;
  /**
   * The records-store directory the admin API changes and the hand-over deactivates leavers in;
   * absent, the directory is `org` from the config file, read-only, and deactivation answers 409.
   */
  directory?: DirectoryStore | undefined;
  /** Who may scrape /metrics and where the Temporal SDK serves its own metrics in this process. */
  metrics?: MetricsRouteOptions | undefined;
  /** The clock for submissions; tests may pin it. */
  now?: () => Date;
  /**
   * Reverse proxies whose X-Forwarded-For names the client (GRIDFLOW_TRUST_PROXY): addresses,
   * CIDR ranges or proxy-addr's range names. Empty or absent → none, the connection's address.
   */
  trustProxy?: readonly string[] | undefined;
}
