/**
 * Who is calling: staff by HS256 JWT, integrations by API key (hashed in the config), residents by
 * a per-case token; and the local secrets file that makes the embedded `npm start` work.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { NextFunction, Request, Response } from 'express';
import jwt from 'jsonwebtoken';
import { actorOf, authenticate, caseTokenFor, isValidCaseToken, signStaffToken, type Principal } from '../../src/api/auth';
import { ProblemError } from '../../src/api/errors';
import { DEFAULT_CONFIG_PATH, loadConfig } from '../../src/config/load';
import type { GridflowConfig } from '../../src/config/schema';
import { authSecretFrom, hashApiKey, loadOrCreateLocalSecrets, localSecretsPath, withLocalApiKeys } from '../../src/config/secrets';

const SECRET = 'test-secret-of-at-least-32-characters!!';
const HOTLINE_KEY = 'gf_hotline-key-for-tests';
const demo = loadConfig(DEFAULT_CONFIG_PATH);
/** The demo city with one known key for the hotline integration (the mini-app has none). */
const config: GridflowConfig = {
  ...demo,
  integrations: demo.integrations.map((integration) =>
    integration.id === 'hotline-12345' ? { ...integration, apiKeySha256: [hashApiKey(HOTLINE_KEY)] } : integration,
  ),
};

interface Outcome {
  principal: Principal | undefined;
  /** What the middleware passed to next(): undefined when it let the request through. */
  error: unknown;
  calls: number;
}

/** Runs the middleware on a request carrying `headers` (names in any case). */
function run(headers: Record<string, string>, options: { config?: GridflowConfig; secret?: string } = {}): Outcome {
  const lower = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  const req = { get: (name: string) => lower[name.toLowerCase()] } as unknown as Request;
  const next = jest.fn<void, [unknown?]>();
  authenticate({ config: options.config ?? config, secret: options.secret ?? SECRET })(req, {} as Response, next as NextFunction);
  return { principal: req.principal, error: next.mock.calls[0]?.[0], calls: next.mock.calls.length };
}

/** Asserts the middleware refused with a 401 problem, and returns its detail's catalog key. */
function expect401(outcome: Outcome): string {
  expect(outcome.calls).toBe(1);
  expect(outcome.error).toBeInstanceOf(ProblemError);
  const problem = outcome.error as ProblemError;
  expect(problem.status).toBe(401);
  expect(problem.kind).toBe('unauthorized');
  expect(outcome.principal).toBeUndefined();
  return problem.detail.key;
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('staff tokens', () => {
  it('round-trips a signed token to the staff member from the config', () => {
    const outcome = run(bearer(signStaffToken(SECRET, 'qu-guilan')));
    expect(outcome.calls).toBe(1);
    expect(outcome.error).toBeUndefined();
    expect(outcome.principal).toEqual({ kind: 'staff', staff: demo.staff.find((person) => person.id === 'qu-guilan') });
    expect(actorOf(outcome.principal!)).toEqual({ kind: 'staff', id: 'qu-guilan', role: 'supervisor', unitId: 'santang' });
  });

  it('signs HS256 with subject, issuer and a 12-hour expiry', () => {
    const token = signStaffToken(SECRET, 'wang-fang');
    const header = jwt.decode(token, { complete: true })?.header;
    const claims = jwt.verify(token, SECRET) as jwt.JwtPayload;
    expect(header?.alg).toBe('HS256');
    expect(claims).toMatchObject({ sub: 'wang-fang', iss: 'gridflow' });
    expect(claims.exp! - claims.iat!).toBe(12 * 3600);
  });

  it('accepts the scheme in any case', () => {
    expect(run({ Authorization: `bearer ${signStaffToken(SECRET, 'sui-lei')}` }).principal).toMatchObject({ kind: 'staff' });
  });

  it('refuses an expired token', () => {
    const expired = jwt.sign({ iat: Math.floor(Date.now() / 1000) - 7200 }, SECRET, {
      algorithm: 'HS256',
      subject: 'wang-fang',
      issuer: 'gridflow',
      expiresIn: '1h',
    });
    expect(expect401(run(bearer(expired)))).toBe('detail.tokenExpired');
  });

  it('refuses a token signed with another secret', () => {
    expect(expect401(run(bearer(signStaffToken('another-secret-of-at-least-32-chars!!', 'wang-fang'))))).toBe('detail.tokenInvalid');
  });

  it('refuses an unsigned token (alg none)', () => {
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: 'liu-guoqing', iss: 'gridflow', iat: now, exp: now + 600 })}.`;
    expect401(run(bearer(unsigned)));
  });

  it('refuses a token signed with the right secret but HS512', () => {
    const hs512 = jwt.sign({}, SECRET, { algorithm: 'HS512', subject: 'liu-guoqing', issuer: 'gridflow', expiresIn: '1h' });
    expect(expect401(run(bearer(hs512)))).toBe('detail.tokenInvalid');
  });

  it('refuses a token from another issuer', () => {
    const foreign = jwt.sign({}, SECRET, { algorithm: 'HS256', subject: 'wang-fang', issuer: 'someone-else', expiresIn: '1h' });
    expect401(run(bearer(foreign)));
  });

  it('refuses a valid token for a staff id the config does not know, or with no subject', () => {
    expect(expect401(run(bearer(signStaffToken(SECRET, 'departed-colleague'))))).toBe('detail.tokenUnknownStaff');
    const noSubject = jwt.sign({}, SECRET, { algorithm: 'HS256', issuer: 'gridflow', expiresIn: '1h' });
    expect401(run(bearer(noSubject)));
  });

  it.each([['Basic d2FuZzpmYW5n'], ['Bearer'], ['Bearer two tokens'], ['garbage']])('refuses the header "%s"', (value) => {
    expect401(run({ Authorization: value }));
  });

  it('judges the bearer token when an API key is sent as well', () => {
    expect401(run({ ...bearer('not.a.jwt'), 'X-API-Key': HOTLINE_KEY }));
  });
});

describe('API keys', () => {
  it('maps the right key to its integration', () => {
    const outcome = run({ 'X-API-Key': HOTLINE_KEY });
    expect(outcome.error).toBeUndefined();
    expect(outcome.principal).toMatchObject({ kind: 'integration', integration: { id: 'hotline-12345' } });
    expect(actorOf(outcome.principal!)).toEqual({ kind: 'integration', id: 'hotline-12345' });
  });

  it.each([
    ['a wrong key', 'gf_wrong'],
    ['the key with a trailing space', `${HOTLINE_KEY} `],
    ['an empty key', ''],
  ])('refuses %s', (_label, key) => {
    expect(expect401(run({ 'X-API-Key': key }))).toBe('detail.apiKeyUnknown');
  });

  it('finds the right one of several integrations', () => {
    const twoKeys: GridflowConfig = {
      ...config,
      integrations: config.integrations.map((integration) =>
        integration.id === 'wechat-miniapp' ? { ...integration, apiKeySha256: [hashApiKey('gf_app-old'), hashApiKey('gf_app-new')] } : integration,
      ),
    };
    expect(run({ 'X-API-Key': 'gf_app-new' }, { config: twoKeys }).principal).toMatchObject({ integration: { id: 'wechat-miniapp' } });
    expect(run({ 'X-API-Key': HOTLINE_KEY }, { config: twoKeys }).principal).toMatchObject({ integration: { id: 'hotline-12345' } });
  });

  it('lets a request without credentials through as anonymous (a resident)', () => {
    const outcome = run({});
    expect(outcome).toEqual({ principal: { kind: 'anonymous' }, error: undefined, calls: 1 });
    expect(actorOf({ kind: 'anonymous' })).toEqual({ kind: 'resident' });
  });
});

describe('case tokens', () => {
  const token = caseTokenFor(SECRET, 'c-2026-0001');

  it('is a stable 32-character base64url string per secret and case', () => {
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(caseTokenFor(SECRET, 'c-2026-0001')).toBe(token);
    expect(caseTokenFor(SECRET, 'c-2026-0002')).not.toBe(token);
    expect(caseTokenFor('another-secret-of-at-least-32-chars!!', 'c-2026-0001')).not.toBe(token);
  });

  it('verifies only for its own case and secret', () => {
    expect(isValidCaseToken(SECRET, 'c-2026-0001', token)).toBe(true);
    expect(isValidCaseToken(SECRET, 'c-2026-0002', token)).toBe(false);
    expect(isValidCaseToken('another-secret-of-at-least-32-chars!!', 'c-2026-0001', token)).toBe(false);
  });

  it('refuses a token of the wrong length without throwing', () => {
    expect(isValidCaseToken(SECRET, 'c-2026-0001', token.slice(0, 31))).toBe(false);
    expect(isValidCaseToken(SECRET, 'c-2026-0001', `${token}x`)).toBe(false);
    expect(isValidCaseToken(SECRET, 'c-2026-0001', '')).toBe(false);
    // 32 characters but more bytes: compared as bytes, still refused.
    expect(isValidCaseToken(SECRET, 'c-2026-0001', `${token.slice(0, 31)}网`)).toBe(false);
  });
});

describe('local secrets (embedded npm start)', () => {
  let dir: string;
  beforeEach(() => {
    dir = path.join(mkdtempSync(path.join(tmpdir(), 'gridflow-secrets-')), 'data');
  });
  afterEach(() => {
    rmSync(path.dirname(dir), { recursive: true, force: true });
  });

  it('creates data/secrets.json readable by its owner only, with a secret and a key per keyless integration', () => {
    const secrets = loadOrCreateLocalSecrets(dir, demo);
    const file = localSecretsPath(dir);
    expect(file).toBe(path.join(dir, 'secrets.json'));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(secrets.authSecret.length).toBeGreaterThanOrEqual(32);
    expect(Object.keys(secrets.apiKeys).sort()).toEqual(['hotline-12345', 'wechat-miniapp']);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(secrets);
  });

  it('is idempotent: a second start reads the same secret and keys', () => {
    const first = loadOrCreateLocalSecrets(dir, demo);
    const before = readFileSync(localSecretsPath(dir), 'utf8');
    const second = loadOrCreateLocalSecrets(dir, demo);
    expect(second).toEqual(first);
    expect(readFileSync(localSecretsPath(dir), 'utf8')).toBe(before);
  });

  it('makes no key for an integration whose key is configured', () => {
    expect(Object.keys(loadOrCreateLocalSecrets(dir, config).apiKeys)).toEqual(['wechat-miniapp']);
  });

  it('adds the SHA-256 of each local key to its integration, so the key authenticates', () => {
    const secrets = loadOrCreateLocalSecrets(dir, demo);
    const withKeys = withLocalApiKeys(demo, secrets);
    const miniappKey = secrets.apiKeys['wechat-miniapp']!;
    expect(withKeys.integrations.find((integration) => integration.id === 'wechat-miniapp')?.apiKeySha256).toEqual([hashApiKey(miniappKey)]);
    expect(hashApiKey(miniappKey)).toMatch(/^[0-9a-f]{64}$/);
    expect(demo.integrations.every((integration) => integration.apiKeySha256.length === 0)).toBe(true);

    const outcome = run({ 'X-API-Key': miniappKey }, { config: withKeys, secret: secrets.authSecret });
    expect(outcome.principal).toMatchObject({ kind: 'integration', integration: { id: 'wechat-miniapp' } });
  });

  it('prefers GRIDFLOW_AUTH_SECRET and otherwise uses the local secret', () => {
    expect(authSecretFrom(SECRET, dir, demo)).toBe(SECRET);
    expect(() => statSync(localSecretsPath(dir))).toThrow(/ENOENT/);
    const local = authSecretFrom(undefined, dir, demo);
    expect(local).toBe(loadOrCreateLocalSecrets(dir, demo).authSecret);
  });

  it('hashes API keys as SHA-256 hex', () => {
    expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
