/**
 * `npm run directory:import [-- <file>] [--dry-run]`: applies a city file's units and staff to the
 * directory in the records store (DATABASE_URL, default SQLite in the data directory), as one
 * audited change. Importing the same file again changes nothing; staff the file no longer lists are
 * deactivated (kept for old timelines); a unit the file drops is refused. Without a file it reads
 * GRIDFLOW_CONFIG (default config/gridflow.yaml). `--dry-run` lists what would change.
 */
import { loadEnv } from '../src/config/env';
import { DEFAULT_CONFIG_PATH, loadConfig } from '../src/config/load';
import { importDirectory, treeOfConfig } from '../src/directory/config-import';
import { importTree } from '../src/directory/directory-changes';
import { DirectoryRefusalError } from '../src/directory/directory-refusal';
import { DirectoryStore } from '../src/directory/directory-store';
import { diffTrees } from '../src/directory/directory-tree';
import { translator } from '../src/i18n';
import { openRecordsStore } from '../src/records/store';

async function main(): Promise<void> {
  const env = loadEnv();
  const args = process.argv.slice(2);
  const dryRun = args.includes('--dry-run');
  const file = args.find((arg) => !arg.startsWith('--')) ?? env.GRIDFLOW_CONFIG ?? DEFAULT_CONFIG_PATH;
  const config = loadConfig(file);
  const records = await openRecordsStore({ databaseUrl: env.DATABASE_URL, dataDir: env.dataDir });
  try {
    const store = new DirectoryStore(records);
    if (dryRun) {
      const snapshot = await store.snapshot();
      const changes = diffTrees(snapshot, importTree(treeOfConfig(config))(snapshot).tree);
      for (const change of changes) process.stdout.write(`${change.before ? 'change' : 'add'} ${change.kind} ${change.id}\n`);
      process.stdout.write(`${JSON.stringify({ file, version: snapshot.version, wouldChange: changes.length })}\n`);
      return;
    }
    const applied = await importDirectory(store, config, { reason: `npm run directory:import ${file}` });
    process.stdout.write(`${JSON.stringify({ file, version: applied.version, changed: applied.entries.length })}\n`);
  } finally {
    await records.close();
  }
}

main().catch((error: unknown) => {
  if (error instanceof DirectoryRefusalError) {
    const t = translator('en');
    console.error(`directory:import refused:\n${error.problems.map((problem) => `  - ${problem.field}: ${t(problem.key, problem.values)}`).join('\n')}`);
  } else console.error(`directory:import failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
