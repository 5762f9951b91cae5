/**
 * Issue 23, item 1 (what an outside tester found), on createApp without Temporal — every answer
 * here is given before a workflow would be touched:
 * (a) trusted proxies are configuration, default none; /metrics behind a proxy needs its token;
 * (b) every refusal is problem+json (431 from the HTTP parser, /docs misses, 405 with Allow), and
 *     Open311's 429 is its own errors array;
 * (c) names refuse CR/LF and bidi controls, `lang=constructor`, `attribute[__proto__]`, `[39.52]`;
 * (d) GET /api/v1/categories exists, and a missing field is worded without zod's English.
 */
import type { Server } from 'node:http';
import { connect } from 'node:net';
import pino from 'pino';
import { createApp } from '../../src/api/app';
import type { ApiDeps } from '../../src/api/deps';
import { answerClientErrors } from '../../src/api/client-errors';
import { parseOr400, ProblemError } from '../../src/api/errors';
import { attributeAnswersOf, postRequestSchema } from '../../src/api/open311/schemas';
import { problemDocument } from '../../src/api/problem-document';
import { caseActionSchema, partySchema, reporterSchema } from '../../src/api/schemas/cases';
import { loadEnv } from '../../src/config/env';
import { ConfigError } from '../../src/config/load';
import { hashApiKey } from '../../src/config/secrets';
import type { GridflowConfig } from '../../src/config/schema';
import { createApiClient } from '../../src/temporal/connection';
import { freePort } from '../../src/temporal/dev-server';
import { demoConfig, demoOrg } from '../helpers/fixtures';

const API_KEY = 'gf_http-hardening-test-key-0123456789';
const AUTH_SECRET = 'http-hardening-auth-secret-of-32-chars!';

let client: ReturnType<typeof createApiClient>;
const servers: Server[] = [];

beforeAll(async () => {
  // Nothing here may reach Temporal: an address nobody listens on.
  client = createApiClient({ address: `127.0.0.1:${await freePort()}`, namespace: 'default' });
});

afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  await client.connection.close().catch(() => undefined);
});

function configWith(overrides: Partial<GridflowConfig> = {}): GridflowConfig {
  return {
    ...demoConfig,
    integrations: demoConfig.integrations.map((integration, index) => (index === 0 ? { ...integration, apiKeySha256: [hashApiKey(API_KEY)] } : integration)),
    ...overrides,
  };
}

async function start(deps: Partial<ApiDeps> = {}): Promise<{ baseUrl: string; server: Server }> {
  const app = createApp({
    config: configWith(),
    org: demoOrg,
    client,
    taskQueue: 'nowhere',
    authSecret: AUTH_SECRET,
    logger: pino({ level: 'silent' }),
    ...deps,
  });
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  servers.push(server);
  const address = server.address();
  return { baseUrl: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, server };
}

const limited = (perIp: number) => configWith({ rateLimits: { intake: { window: 'PT1M', perIp, perKey: 1_000 } } });
const wrongKeyCase = (baseUrl: string, forwardedFor: string) =>
  fetch(`${baseUrl}/api/v1/cases`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'gf_guess', 'x-forwarded-for': forwardedFor },
    body: JSON.stringify({ category: 'road_repair', description: '井盖缺失', address: '三堂村一组' }),
  });

describe('(a) trusted proxies are configuration, default none', () => {
  test('with the default config a loopback client naming a new X-Forwarded-For each time still hits the per-IP limit', async () => {
    const { baseUrl } = await start({ config: limited(3) });
    const statuses: number[] = [];
    for (let n = 1; n <= 5; n++) statuses.push((await wrongKeyCase(baseUrl, `203.0.113.${n}`)).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });

  test('a configured proxy is believed: each forwarded client has its own budget', async () => {
    const { baseUrl } = await start({ config: limited(3), trustProxy: ['loopback'] });
    const statuses: number[] = [];
    for (let n = 1; n <= 5; n++) statuses.push((await wrongKeyCase(baseUrl, `203.0.113.${n}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
  });

  test('GRIDFLOW_TRUST_PROXY: default none; addresses, ranges and range names; anything else stops start-up', () => {
    expect(loadEnv({}).GRIDFLOW_TRUST_PROXY).toEqual([]);
    expect(loadEnv({ GRIDFLOW_TRUST_PROXY: 'loopback, 10.0.0.0/8,192.0.2.1 , ::1' }).GRIDFLOW_TRUST_PROXY).toEqual([
      'loopback',
      '10.0.0.0/8',
      '192.0.2.1',
      '::1',
    ]);
    expect(() => loadEnv({ GRIDFLOW_TRUST_PROXY: 'everyone' })).toThrow(ConfigError);
    expect(() => loadEnv({ GRIDFLOW_TRUST_PROXY: '1' })).toThrow(ConfigError);
  });

  test('/metrics: loopback is enough without a proxy; behind a trusted proxy only METRICS_TOKEN opens it', async () => {
    const direct = await start();
    expect((await fetch(`${direct.baseUrl}/metrics`)).status).toBe(200);

    const proxied = await start({ trustProxy: ['loopback'] });
    const refused = await fetch(`${proxied.baseUrl}/metrics`, { headers: { 'x-forwarded-for': '127.0.0.1' } });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');

    const token = 'metrics-token-0123456789';
    const withToken = await start({ trustProxy: ['loopback'], metrics: { token } });
    expect((await fetch(`${withToken.baseUrl}/metrics`)).status).toBe(403);
    expect((await fetch(`${withToken.baseUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });
});

/** Sends `request` on a raw socket (no client library trims it) and returns the whole answer. */
function rawRequest(baseUrl: string, request: string): Promise<string> {
  const { port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(request));
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('(b) every error answer is problem+json', () => {
  test('a 20 KB header: 431 problem+json from the HTTP parser, before Express', async () => {
    const { baseUrl, server } = await start();
    answerClientErrors(server, { locale: 'zh-CN', timeZone: 'Asia/Shanghai' });
    const answer = await rawRequest(baseUrl, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    const [head, body] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 431 /);
    expect(head).toMatch(/content-type: application\/problem\+json/i);
    expect(JSON.parse(body!)).toMatchObject({ type: 'urn:gridflow:problem:request_header_fields_too_large', status: 431, title: '请求头过大' });

    const garbage = await rawRequest(baseUrl, 'NOT HTTP AT ALL\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(garbage.split('\r\n\r\n')[1]!)).toMatchObject({ type: 'urn:gridflow:problem:bad_request', status: 400 });
  });

  test('/docs serves the page and its files; every other path under it is a problem+json 404', async () => {
    const { baseUrl } = await start();
    const page = await fetch(`${baseUrl}/docs/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('swagger-ui-bundle.js');
    expect((await fetch(`${baseUrl}/docs/swagger-ui.css`)).status).toBe(200);
    expect((await fetch(`${baseUrl}/docs/swagger-ui-init.js`)).status).toBe(200);
    for (const miss of ['/docs/nope', '/docs/nope.js', '/docs/x/package.json', '/docs/package.json']) {
      const response = await fetch(`${baseUrl}${miss}`);
      expect([miss, response.status, response.headers.get('content-type')]).toEqual([miss, 404, 'application/problem+json; charset=utf-8']);
    }
  });

  test('an unsupported method on a known path is 405 with Allow, credentials or not; an unknown path stays 404', async () => {
    const { baseUrl } = await start();
    for (const [method, path, allow] of [
      ['PUT', '/api/v1/cases', ['GET', 'HEAD', 'POST']],
      ['DELETE', '/api/v1/cases/c-abcdefgh23456789', ['GET', 'HEAD']],
      ['PUT', '/healthz', ['GET', 'HEAD']],
      ['POST', '/docs', ['GET', 'HEAD']],
    ] as const) {
      const response = await fetch(`${baseUrl}${path}`, { method });
      expect([path, response.status]).toEqual([path, 405]);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.headers.get('allow')?.split(', ').sort()).toEqual([...allow].sort());
      expect(await response.json()).toMatchObject({ type: 'urn:gridflow:problem:method_not_allowed', status: 405 });
    }
    expect((await fetch(`${baseUrl}/api/v1/nothing-here`, { method: 'PUT' })).status).toBe(404);
  });

  test('Open311 answers 429 in its own errors format, with Retry-After; the API keeps problem+json', async () => {
    const { baseUrl } = await start({ config: limited(1) });
    const form = () => new URLSearchParams({ api_key: 'gf_guess', service_code: 'road_repair', address_string: '三堂村一组5号楼' });
    expect((await fetch(`${baseUrl}/open311/v2/requests.json`, { method: 'POST', body: form() })).status).toBe(403);
    const refused = await fetch(`${baseUrl}/open311/v2/requests.json`, { method: 'POST', body: form() });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toContain('application/json');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const entries = (await refused.json()) as { code: number; description: string }[];
    expect(entries).toEqual([{ code: 429, description: expect.stringContaining('retry') as string }]);

    const xml = await fetch(`${baseUrl}/open311/v2/requests.xml`, { method: 'POST', body: form() });
    expect(xml.status).toBe(429);
    expect(await xml.text()).toContain('<code>429</code>');

    const api = await wrongKeyCase(baseUrl, '');
    expect(api.status).toBe(429);
    expect(api.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe('(c) input the schemas used to let through', () => {
  test.each([
    ['CR/LF', '张三\r\nBcc: all@example.org'],
    ['LF', '张三\n李四'],
    ['U+202E right-to-left override', '张三\u202Egnp.exe'],
    ['U+2066 isolate', '\u2066张三'],
    ['U+200F mark', '张三\u200F'],
  ])('a name with %s is refused (reporter, party, Open311)', (_what, name) => {
    expect(reporterSchema.safeParse({ name }).success).toBe(false);
    expect(partySchema.safeParse({ name, role: 'applicant' }).success).toBe(false);
    expect(postRequestSchema.safeParse({ first_name: name }).success).toBe(false);
    expect(postRequestSchema.safeParse({ last_name: name }).success).toBe(false);
  });

  test('ordinary names still pass', () => {
    for (const name of ['张三', 'Zhang San-Feng', "O'Brien", 'مريم']) expect(reporterSchema.safeParse({ name }).success).toBe(true);
  });

  test('Open311 coordinates: numbers and decimal text only, never [39.52]', () => {
    expect(postRequestSchema.parse({ lat: '39.52', long: 121.6 })).toMatchObject({ lat: 39.52, long: 121.6 });
    for (const lat of [[39.52], ['39.52'], true, '0x10', 'abc', { value: 39.52 }]) {
      expect([lat, postRequestSchema.safeParse({ lat }).success]).toEqual([lat, false]);
    }
  });

  test('/dashboard/messages.json?lang=constructor (or any inherited key) is 400, a real language 200', async () => {
    const { baseUrl } = await start();
    for (const lang of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'fr']) {
      const response = await fetch(`${baseUrl}/dashboard/messages.json?lang=${lang}`);
      expect([lang, response.status, response.headers.get('content-type')]).toEqual([lang, 400, 'application/problem+json; charset=utf-8']);
    }
    const en = await fetch(`${baseUrl}/dashboard/messages.json?lang=en`);
    expect(en.status).toBe(200);
    expect(await en.json()).toMatchObject({ locale: 'en' });
    expect((await fetch(`${baseUrl}/dashboard/messages.json`)).status).toBe(200);
  });

  test.each([
    [
      'a form',
      () =>
        new URLSearchParams({
          api_key: API_KEY,
          service_code: 'road_repair',
          address_string: '三堂村一组5号楼',
          'attribute[hazard]': 'pothole',
          'attribute[__proto__]': 'x',
        }),
      {},
    ],
    [
      'a JSON body, nested',
      () =>
        JSON.stringify({
          api_key: API_KEY,
          service_code: 'road_repair',
          address_string: '三堂村一组5号楼',
          attribute: JSON.parse('{"hazard":"pothole","__proto__":"x"}') as unknown,
        }),
      { 'content-type': 'application/json' },
    ],
    [
      'a JSON body, flat',
      () =>
        JSON.stringify({
          api_key: API_KEY,
          service_code: 'road_repair',
          address_string: '三堂村一组5号楼',
          'attribute[hazard]': 'pothole',
          'attribute[__proto__]': 'x',
        }),
      { 'content-type': 'application/json' },
    ],
  ])('Open311 attribute[__proto__] in %s fails the unknown-attribute check', async (_what, body, headers) => {
    const { baseUrl } = await start();
    const response = await fetch(`${baseUrl}/open311/v2/requests.json`, { method: 'POST', body: body(), headers });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual([{ code: 400, description: 'attribute[__proto__]: not an attribute of this service' }]);
  });

  test('Open311 lists still arrive from a form, as attribute[code][] repeated or indexed', () => {
    expect(attributeAnswersOf({ 'attribute[kinds][]': ['a', 'b'] })).toEqual({ answers: { kinds: ['a', 'b'] } });
    expect(attributeAnswersOf({ 'attribute[kinds][0]': 'a', 'attribute[kinds][1]': 'b' })).toEqual({ answers: { kinds: ['a', 'b'] } });
    expect(attributeAnswersOf({ 'attribute[hazard]': 'pothole' })).toEqual({ answers: { hazard: 'pothole' } });
  });
});

describe('(d) the contract and its wording', () => {
  test("GET /api/v1/categories lists what may be submitted, named in the caller's language; it is documented", async () => {
    const { baseUrl } = await start();
    expect((await fetch(`${baseUrl}/api/v1/categories`)).status).toBe(401);
    const zh = await fetch(`${baseUrl}/api/v1/categories`, { headers: { 'x-api-key': API_KEY, 'accept-language': 'zh-CN' } });
    expect(zh.status).toBe(200);
    const zhBody = (await zh.json()) as { locale: string; categories: { id: string; name: string; kind: string }[] };
    expect(zhBody.locale).toBe('zh-CN');
    expect(zhBody.categories.map((category) => category.id)).toEqual(demoConfig.categories.map((category) => category.id));
    expect(zhBody.categories.find((category) => category.id === 'road_repair')).toMatchObject({ name: '道路维修', kind: 'service', defaultPriority: 'normal' });

    const en = (await (await fetch(`${baseUrl}/api/v1/categories`, { headers: { 'x-api-key': API_KEY, 'accept-language': 'en' } })).json()) as typeof zhBody;
    expect(en.categories.find((category) => category.id === 'road_repair')).toMatchObject({ name: 'Road repair', group: 'Urban management' });

    const document = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as { paths: Record<string, { get?: { responses: Record<string, unknown> } }> };
    expect(document.paths['/api/v1/categories']?.get?.responses['200']).toBeDefined();
    expect(JSON.stringify(document)).not.toMatch(/from GET \/categories/);
  });

  test('resolve without note: a clean field message in each language, no zod English inside the Chinese', () => {
    let thrown: unknown;
    try {
      parseOr400(caseActionSchema, { type: 'resolve' }, 'body');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ProblemError);
    const zh = problemDocument(thrown as ProblemError, 'zh-CN', 'Asia/Shanghai');
    expect(zh.errors).toEqual([{ field: 'body.note', message: '必填' }]);
    expect(JSON.stringify(zh)).not.toMatch(/string|undefined/);
    expect(problemDocument(thrown as ProblemError, 'en', 'Asia/Shanghai').errors).toEqual([{ field: 'body.note', message: 'is required' }]);

    // A mistyped note and a size bound, the other zod wordings that leaked English type names.
    const wrongType = problemDocument(caseActionSchemaProblem({ type: 'resolve', note: 5 }), 'zh-CN', 'Asia/Shanghai');
    expect(wrongType.errors).toEqual([{ field: 'body.note', message: '须为文本' }]);
    const tooLong = problemDocument(caseActionSchemaProblem({ type: 'resolve', note: '长'.repeat(100_000) }), 'zh-CN', 'Asia/Shanghai');
    expect(tooLong.errors?.[0]?.message).toMatch(/^最多 \d+ 个字符$/);
  });
});

function caseActionSchemaProblem(body: unknown): ProblemError {
  try {
    parseOr400(caseActionSchema, body, 'body');
  } catch (error) {
    if (error instanceof ProblemError) return error;
    throw error;
  }
  throw new Error('expected a problem');
}
