/**
 * `npm run --silent token -- <staffId> [expiresIn]`: prints a staff JWT signed with
 * GRIDFLOW_AUTH_SECRET, or with the local development secret in data/secrets.json.
 */
import { signStaffToken } from '../src/api/auth';
import { loadEnv } from '../src/config/env';
import { loadConfig } from '../src/config/load';
import { authSecretFrom } from '../src/config/secrets';

const [staffId, expiresIn] = process.argv.slice(2);
const env = loadEnv();
const config = loadConfig(env.GRIDFLOW_CONFIG);
if (!staffId || !config.staff.some((person) => person.id === staffId)) {
  console.error(`usage: npm run --silent token -- <staffId> [expiresIn]\nknown staff ids: ${config.staff.map((p) => p.id).join(', ')}`);
  process.exit(2);
}
const secret = authSecretFrom(env.GRIDFLOW_AUTH_SECRET, env.dataDir, config);
process.stdout.write(`${signStaffToken(secret, staffId, (expiresIn as `${number}h` | undefined) ?? '12h')}\n`);
