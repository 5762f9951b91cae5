/**
 * Integration API keys: stored as SHA-256 in the config, compared in constant time against every
 * key. Used by `X-API-Key` authentication and by the Open311 `api_key` parameter.
 */
import { timingSafeEqual } from 'node:crypto';
import type { GridflowConfig, Integration } from '../config/schema';
import { hashApiKey } from '../config/secrets';

/** Finds the integration a plain API key belongs to, or undefined. */
export type IntegrationLookup = (apiKey: string) => Integration | undefined;

/** Builds the lookup once from the config's key hashes. */
export function integrationLookup(config: GridflowConfig): IntegrationLookup {
  const keyHashes = config.integrations.flatMap((integration) => integration.apiKeySha256.map((hash) => ({ hash: Buffer.from(hash, 'hex'), integration })));
  return (apiKey) => {
    const given = Buffer.from(hashApiKey(apiKey), 'hex');
    let found: Integration | undefined;
    // No early exit: the time taken must not reveal which key almost matched.
    for (const candidate of keyHashes) if (timingSafeEqual(candidate.hash, given)) found = candidate.integration;
    return found;
  };
}
