/**
 * `npm run records:rebuild [-- <workflowId> ...]`: rebuilds the records store's current-state
 * rows (all, or the given cases, mediations and obligations) from their events, and prints how
 * many of each it wrote. Uses DATABASE_URL (default: SQLite in the data directory).
 */
import { loadEnv } from '../src/config/env';
import { rebuildCurrentState } from '../src/records/rebuild';
import { openRecordsStore } from '../src/records/store';

async function main(): Promise<void> {
  const env = loadEnv();
  const ids = process.argv.slice(2);
  const store = await openRecordsStore({ databaseUrl: env.DATABASE_URL, dataDir: env.dataDir });
  try {
    const result = await rebuildCurrentState(store, ids.length > 0 ? { workflowIds: ids } : {});
    process.stdout.write(`${JSON.stringify({ rebuilt: result })}\n`);
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => {
  console.error(`records:rebuild failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
