/**
 * What is logged (issue 9, item 5; SECURITY.md): no credential and no resident's contact
 * details, neither in what the code logs on purpose nor in what it logs when a request fails.
 */
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import { createApp } from '../../src/api/app';
import { signStaffToken } from '../../src/api/auth';
import { hashApiKey } from '../../src/config/secrets';
import { createLogger } from '../../src/logger';
import { createApiClient } from '../../src/temporal/connection';
import { freePort } from '../../src/temporal/dev-server';
import { demoConfig, demoOrg } from '../helpers/fixtures';

/** A logger at `level` whose lines land in `lines`. */
function capturingLogger(level = 'info') {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger(level, destination), lines };
}

const SECRETS = {
  phone: '13812345678',
  email: 'zhang.san@example.org',
  name: '张三丰',
  partyPhone: '13987654321',
  token: 'eyJhbGciOiJIUzI1NiJ9.secret-token.signature',
  apiKey: 'gf_do-not-log-this-key',
  caseToken: 'case-token-do-not-log-0123456789',
  authSecret: 'auth-secret-of-at-least-32-characters!!',
};

describe('the logger redacts credentials and contact details', () => {
  test.each([
    ['a request', { req: { headers: { authorization: `Bearer ${SECRETS.token}`, 'x-api-key': SECRETS.apiKey, 'x-case-token': SECRETS.caseToken } } }],
    ['bare headers', { headers: { authorization: `Bearer ${SECRETS.token}`, 'x-api-key': SECRETS.apiKey, 'x-case-token': SECRETS.caseToken } }],
    ['a reporter at the top', { reporter: { name: SECRETS.name, phone: SECRETS.phone, email: SECRETS.email } }],
    ['a case input', { input: { reporter: { name: SECRETS.name, phone: SECRETS.phone, email: SECRETS.email } } }],
    ['a case input inside a workflow start', { start: { input: { reporter: { name: SECRETS.name, phone: SECRETS.phone, email: SECRETS.email } } } }],
    ['dispute parties', { mediation: { parties: [{ name: '甲', phone: SECRETS.partyPhone, email: SECRETS.email }] } }],
    [
      'secrets at the top and one down',
      { authSecret: SECRETS.authSecret, apiKey: SECRETS.apiKey, caseToken: SECRETS.caseToken, deps: { authSecret: SECRETS.authSecret } },
    ],
  ])('%s', (_what, payload) => {
    const { logger, lines } = capturingLogger('trace');
    logger.info(payload, 'logged on purpose');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('[redacted]');
    for (const secret of Object.values(SECRETS)) expect(lines[0]).not.toContain(secret);
  });
});

describe('a failing request leaves no credential or contact detail in the log', () => {
  let server: Server;
  let baseUrl: string;
  let client: ReturnType<typeof createApiClient>;
  const { logger, lines } = capturingLogger('info');

  beforeAll(async () => {
    // Temporal unreachable: every case route fails with 503, the one failure the API logs.
    client = createApiClient({ address: `127.0.0.1:${await freePort()}`, namespace: 'default' });
    const config = {
      ...demoConfig,
      integrations: demoConfig.integrations.map((integration, index) =>
        index === 0 ? { ...integration, apiKeySha256: [hashApiKey(SECRETS.apiKey)] } : integration,
      ),
    };
    const app = createApp({ config, org: demoOrg, client, taskQueue: 'nowhere', authSecret: SECRETS.authSecret, logger });
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    const address = server.address();
    baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await client.connection.close().catch(() => undefined);
  });

  test('submissions and reads that fail are logged by method and path only', async () => {
    const submitted = await fetch(`${baseUrl}/api/v1/cases`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': SECRETS.apiKey },
      body: JSON.stringify({
        category: 'road_repair',
        description: '路灯不亮',
        address: '三堂村一组5号楼',
        reporter: { name: SECRETS.name, phone: SECRETS.phone, email: SECRETS.email },
      }),
    });
    expect(submitted.status).toBe(503);
    const staffToken = signStaffToken(SECRETS.authSecret, 'sui-lei');
    const read = await fetch(`${baseUrl}/api/v1/cases/c-aaaaaaaaaaaaaaaa`, { headers: { authorization: `Bearer ${staffToken}` } });
    expect(read.status).toBe(503);
    const asResident = await fetch(`${baseUrl}/api/v1/cases/c-aaaaaaaaaaaaaaaa`, { headers: { 'x-case-token': SECRETS.caseToken } });
    expect(asResident.status).toBe(403);

    // The failures were logged (so this test looks at real lines), with the path to find them by.
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.join('\n')).toContain('/cases');
    for (const secret of [...Object.values(SECRETS), staffToken]) expect(lines.join('\n')).not.toContain(secret);
  });
});
