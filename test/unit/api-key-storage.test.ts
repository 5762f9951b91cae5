/**
 * Integration API keys (issue 9, item 3): stored only as SHA-256, and checked in constant time —
 * every stored hash is compared with `timingSafeEqual` on every lookup, whether the key matches
 * the first integration, the last, or none, so the time taken tells an attacker nothing.
 */
import { readFileSync } from 'node:fs';
import { integrationLookup } from '../../src/api/api-keys';
import { DEFAULT_CONFIG_PATH } from '../../src/config/load';
import { integrationSchema, type GridflowConfig } from '../../src/config/schema';
import { hashApiKey } from '../../src/config/secrets';
import { demoConfig } from '../helpers/fixtures';

const comparisons: { a: Buffer; b: Buffer }[] = [];

// Wraps the real function, so the lookup still compares for real while the test counts.
jest.mock('node:crypto', () => {
  const actual = jest.requireActual<typeof import('node:crypto')>('node:crypto');
  return {
    ...actual,
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      comparisons.push({ a: Buffer.from(a.buffer, a.byteOffset, a.byteLength), b: Buffer.from(b.buffer, b.byteOffset, b.byteLength) });
      return actual.timingSafeEqual(a, b);
    },
  };
});

const KEYS = { first: 'gf_first-key', second: 'gf_second-key', third: 'gf_third-key' };
const config: GridflowConfig = {
  ...demoConfig,
  integrations: [
    { id: 'hotline-12345', name: 'hotline', apiKeySha256: [hashApiKey(KEYS.first), hashApiKey(KEYS.second)] },
    { id: 'wechat-miniapp', name: 'mini-app', apiKeySha256: [hashApiKey(KEYS.third)] },
  ],
};

describe('API key lookup', () => {
  const lookup = integrationLookup(config);

  beforeEach(() => {
    comparisons.length = 0;
  });

  test.each([
    ['the first stored key', KEYS.first, 'hotline-12345'],
    ['a later key of the same integration', KEYS.second, 'hotline-12345'],
    ['the last stored key', KEYS.third, 'wechat-miniapp'],
    ['no key at all', 'gf_guess', undefined],
    ['an empty key', '', undefined],
    ['a very long key', 'x'.repeat(10_000), undefined],
  ])('compares every stored hash, in full, for %s', (_what, key, integration) => {
    expect(lookup(key)?.id).toBe(integration);
    expect(comparisons).toHaveLength(3);
    // Always two 32-byte digests: the key's length never shortens or skips a comparison.
    for (const { a, b } of comparisons) {
      expect(a.length).toBe(32);
      expect(b.length).toBe(32);
    }
  });

  test('a stored hash is not itself a key', () => {
    expect(lookup(hashApiKey(KEYS.first))).toBeUndefined();
  });
});

describe('API key storage', () => {
  test("the shipped config holds no key, only hashes (keys live in data/secrets.json or the operator's vault)", () => {
    const text = readFileSync(DEFAULT_CONFIG_PATH, 'utf8');
    expect(text).not.toMatch(/apiKey\s*:/);
    expect(text).not.toMatch(/\bgf_[A-Za-z0-9_-]{8,}/);
    for (const integration of demoConfig.integrations) for (const hash of integration.apiKeySha256) expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });

  test('the config schema refuses anything but a hex SHA-256 where a key would go', () => {
    expect(integrationSchema.safeParse({ id: 'app', name: 'App', apiKeySha256: ['gf_plain-text-key'] }).success).toBe(false);
    expect(integrationSchema.safeParse({ id: 'app', name: 'App', apiKey: 'gf_plain-text-key' }).success).toBe(false);
    expect(integrationSchema.safeParse({ id: 'app', name: 'App', apiKeySha256: [hashApiKey('gf_plain-text-key')] }).success).toBe(true);
  });
});
