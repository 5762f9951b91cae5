/**
 * `npm run records:drift [-- --backfill]`: compares the open executions in Temporal with the open
 * rows of the records store and prints the drift as JSON; exits 1 when there is any. With
 * `--backfill` it first writes the timelines of open cases and mediations the store has never
 * heard of (those started before the store) and reports what remains. Uses TEMPORAL_ADDRESS
 * (default: the embedded dev server of `npm start`, 127.0.0.1:7233) and DATABASE_URL (default:
 * SQLite in the data directory).
 */
import { loadEnv } from '../src/config/env';
import { backfillFromTemporal } from '../src/records/backfill';
import { driftReport, hasDrift, openExecutions } from '../src/records/drift';
import { openRecordsStore } from '../src/records/store';
import { createApiClient } from '../src/temporal/connection';
import { temporalTarget } from '../src/worker-process';

async function main(): Promise<number> {
  const env = loadEnv();
  const client = createApiClient(temporalTarget(env, '127.0.0.1:7233'));
  const store = await openRecordsStore({ databaseUrl: env.DATABASE_URL, dataDir: env.dataDir });
  try {
    let report = await driftReport(store, await openExecutions(client));
    if (process.argv.includes('--backfill') && report.missingInStore.length > 0) {
      const backfilled = await backfillFromTemporal(client, store, report.missingInStore);
      process.stdout.write(`${JSON.stringify({ backfilled })}\n`);
      report = await driftReport(store, await openExecutions(client));
    }
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return hasDrift(report) ? 1 : 0;
  } finally {
    await store.close();
    await client.connection.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`records:drift failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
