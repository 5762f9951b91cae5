/**
 * `npm run --silent token -- <staffId> [expiresIn]`: prints a staff JWT signed with
 * GRIDFLOW_AUTH_SECRET, or with the local development secret in data/secrets.json. The staff id must
 * be active in the directory of the records store (staff an admin added count; leavers do not), or,
 * before the store holds a directory, in the config file.
 */
import { signStaffToken } from '../src/api/auth';
import { loadEnv } from '../src/config/env';
import { loadConfig } from '../src/config/load';
import { authSecretFrom } from '../src/config/secrets';
import { DirectoryStore } from '../src/directory/directory-store';
import { openRecordsStore } from '../src/records/store';

async function main(): Promise<void> {
  const [staffId, expiresIn] = process.argv.slice(2);
  const env = loadEnv();
  const config = loadConfig(env.GRIDFLOW_CONFIG);
  const records = await openRecordsStore({ databaseUrl: env.DATABASE_URL, dataDir: env.dataDir });
  let staff = config.staff;
  try {
    const store = new DirectoryStore(records);
    if (!(await store.isEmpty())) staff = (await store.snapshot()).staff;
  } finally {
    await records.close();
  }
  const active = staff.filter((person) => person.active !== false);
  if (!staffId || !active.some((person) => person.id === staffId)) {
    console.error(`usage: npm run --silent token -- <staffId> [expiresIn]\nknown staff ids: ${active.map((p) => p.id).join(', ')}`);
    process.exit(2);
  }
  const secret = authSecretFrom(env.GRIDFLOW_AUTH_SECRET, env.dataDir, config);
  process.stdout.write(`${signStaffToken(secret, staffId, (expiresIn as `${number}h` | undefined) ?? '12h')}\n`);
}

main().catch((error: unknown) => {
  console.error(`token failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
