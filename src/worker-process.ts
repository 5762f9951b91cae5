/**
 * Builds and runs the worker from the environment: shared by `worker.ts` (a worker process of its
 * own, to scale out) and `src/main.ts` (the embedded stack).
 */
import type { Logger } from 'pino';
import { createActivities } from './activities';
import { createChannel } from './notifications/channels';
import type { Env } from './config/env';
import type { GridflowConfig } from './config/schema';
import type { OrgTree } from './domain/org-tree';
import { connectWorker, createApiClient, type TemporalTarget } from './temporal/connection';
import type { DirectoryForHandOver } from './directory/hand-over-port';
import { createWorker } from './temporal/worker';
import { openRecordsStore, type RecordsStore } from './records/store';

export interface RunningWorker {
  /** Resolves when the worker has stopped. */
  done: Promise<void>;
  shutdown(): Promise<void>;
}

export async function startWorkerProcess(options: {
  env: Env;
  config: GridflowConfig;
  org: OrgTree;
  target: TemporalTarget;
  smtpUrl: string;
  logger: Logger;
  /** The records store, when the caller shares its own; otherwise opened here from the environment. */
  records?: RecordsStore | undefined;
  /** The directory the hand-over of a leaver deactivates them in (src/directory/hand-over-port.ts). */
  handOverDirectory?: DirectoryForHandOver | undefined;
}): Promise<RunningWorker> {
  const { env, config, org, target, logger } = options;
  const records = options.records ?? (await openRecordsStore({ databaseUrl: env.DATABASE_URL, dataDir: env.dataDir }));
  const channel = createChannel(env.NOTIFICATION_CHANNEL, { smtpUrl: options.smtpUrl, mailFrom: env.MAIL_FROM });
  const connection = await connectWorker(target);
  // The hand-over's activities send each item's update as a client would; lazy, so it never holds up start-up.
  const client = createApiClient(target);
  const worker = await createWorker({
    connection,
    namespace: target.namespace,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    maxCachedWorkflows: env.WORKER_MAX_CACHED_WORKFLOWS,
    activities: createActivities({ config, org, channel, publicUrl: env.GRIDFLOW_PUBLIC_URL, records, client, handOverDirectory: options.handOverDirectory }),
  });
  const done = worker.run().finally(async () => {
    channel.close?.();
    await connection.close();
    await client.connection.close();
    if (!options.records) await records.close();
  });
  logger.info({ taskQueue: env.TEMPORAL_TASK_QUEUE, namespace: target.namespace }, 'worker running');
  return {
    done,
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}

/** The Temporal target named by the environment, or the given local address. */
export function temporalTarget(env: Env, localAddress?: string): TemporalTarget {
  const address = env.TEMPORAL_ADDRESS ?? localAddress;
  if (!address) throw new Error('TEMPORAL_ADDRESS is not set');
  return {
    address,
    namespace: env.TEMPORAL_NAMESPACE,
    tlsCertPath: env.TEMPORAL_TLS_CERT,
    tlsKeyPath: env.TEMPORAL_TLS_KEY,
    apiKey: env.TEMPORAL_API_KEY,
  };
}
