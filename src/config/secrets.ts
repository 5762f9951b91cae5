/**
 * Secrets: the HS256 secret for staff and case tokens, and integration API keys.
 *
 * Production provides GRIDFLOW_AUTH_SECRET and puts API key hashes in the config. For the
 * embedded `npm start` on a laptop, a secret and one key per integration without keys are
 * generated once into `data/secrets.json` (mode 0600, git-ignored), so nothing secret is ever
 * committed and the demo still works out of the box.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { GridflowConfig } from './schema';

const localSecretsSchema = z.object({
  authSecret: z.string().min(32),
  apiKeys: z.record(z.string(), z.string()).default({}),
});
export type LocalSecrets = z.infer<typeof localSecretsSchema>;

/** SHA-256 hex of an API key, as stored in the config (`integrations[].apiKeySha256`). */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function localSecretsPath(dataDir: string): string {
  return path.join(dataDir, 'secrets.json');
}

/** Reads `data/secrets.json`, creating it (and keys for integrations that have none) when needed. */
export function loadOrCreateLocalSecrets(dataDir: string, config: GridflowConfig): LocalSecrets {
  const file = localSecretsPath(dataDir);
  const secrets: LocalSecrets = existsSync(file)
    ? localSecretsSchema.parse(JSON.parse(readFileSync(file, 'utf8')))
    : { authSecret: randomBytes(32).toString('base64url'), apiKeys: {} };
  let changed = !existsSync(file);
  for (const integration of config.integrations) {
    if (integration.apiKeySha256.length === 0 && !secrets.apiKeys[integration.id]) {
      secrets.apiKeys[integration.id] = `gf_${randomBytes(24).toString('base64url')}`;
      changed = true;
    }
  }
  if (changed) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  }
  return secrets;
}

/** The config with the hashes of locally generated API keys added to their integrations. */
export function withLocalApiKeys(config: GridflowConfig, secrets: LocalSecrets): GridflowConfig {
  return {
    ...config,
    integrations: config.integrations.map((integration) => {
      const key = secrets.apiKeys[integration.id];
      return key ? { ...integration, apiKeySha256: [...integration.apiKeySha256, hashApiKey(key)] } : integration;
    }),
  };
}

/** The auth secret: GRIDFLOW_AUTH_SECRET, else the local development secret. */
export function authSecretFrom(envSecret: string | undefined, dataDir: string, config: GridflowConfig): string {
  return envSecret ?? loadOrCreateLocalSecrets(dataDir, config).authSecret;
}
