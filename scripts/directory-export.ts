/**
 * `npm run --silent directory:export [-- --out <file>] [--bare]`: writes the directory in the
 * records store as YAML in the config's shape. By default it is the city file (GRIDFLOW_CONFIG,
 * default config/gridflow.yaml) with its `units:` and `staff:` replaced — a file to start from or to
 * import again; `--bare` writes the two lists alone. Leavers stay in it with `active: false`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { loadEnv } from '../src/config/env';
import { DEFAULT_CONFIG_PATH } from '../src/config/load';
import { exportDirectory } from '../src/directory/config-import';
import { DirectoryStore } from '../src/directory/directory-store';
import { openRecordsStore } from '../src/records/store';

async function main(): Promise<void> {
  const env = loadEnv();
  const args = process.argv.slice(2);
  const outAt = args.indexOf('--out');
  const out = outAt >= 0 ? args[outAt + 1] : undefined;
  if (outAt >= 0 && !out) throw new Error('--out needs a file name');
  const records = await openRecordsStore({ databaseUrl: env.DATABASE_URL, dataDir: env.dataDir });
  try {
    const store = new DirectoryStore(records);
    if (await store.isEmpty()) throw new Error('the records store holds no directory yet (npm start or npm run directory:import fills it)');
    const configText = args.includes('--bare') ? undefined : readFileSync(env.GRIDFLOW_CONFIG ?? DEFAULT_CONFIG_PATH, 'utf8');
    const text = exportDirectory(await store.snapshot(), configText);
    if (out) writeFileSync(out, text);
    else process.stdout.write(text);
  } finally {
    await records.close();
  }
}

main().catch((error: unknown) => {
  console.error(`directory:export failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
