/**
 * Abuse limits on intake (issue 9, item 4), on the real stack: per API key and per client IP,
 * shared by both front doors (`POST /api/v1/cases` and Open311 `POST requests`), answered 429
 * problem+json with Retry-After, and nothing beyond the budget reaches Temporal.
 */
import type { Server } from 'node:http';
import { WorkflowNotFoundError } from '@temporalio/client';
import pino from 'pino';
import { createApp } from '../../src/api/app';
import { signStaffToken } from '../../src/api/auth';
import { caseIdForIdempotencyKey } from '../../src/api/case-intake';
import type { GridflowConfig, IntakeRateLimit } from '../../src/config/schema';
import { demoConfig } from '../helpers/fixtures';
import { http, startStack, type Stack } from '../helpers/stack';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ config: demoConfig });
});

afterAll(async () => {
  await stack?.stop();
});

/** A second API on the stack's Temporal with its own limits (and so its own, empty, budgets), behind a trusted loopback proxy. */
async function apiWithLimits(intake: IntakeRateLimit): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const config: GridflowConfig = { ...stack.config, rateLimits: { intake } };
  const app = createApp({
    config,
    org: stack.org,
    client: stack.client,
    taskQueue: stack.taskQueue,
    authSecret: stack.authSecret,
    logger: pino({ level: 'silent' }),
    trustProxy: ['loopback'],
  });
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const address = server.address();
  return {
    baseUrl: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const submission = (n: number) => ({ category: 'road_repair', description: `井盖缺失 第${n}号`, address: '三堂村一组5号楼' });

/** An Open311 form the demo city accepts. */
function open311Form(apiKey: string, n: number): URLSearchParams {
  return new URLSearchParams({
    api_key: apiKey,
    service_code: 'road_repair',
    address_string: '三堂村一组5号楼',
    description: `路面坑洼 第${n}号`,
    'attribute[hazard]': 'pothole',
  });
}

async function postForm(baseUrl: string, form: URLSearchParams, headers: Record<string, string> = {}) {
  const response = await fetch(`${baseUrl}/open311/v2/requests.json`, { method: 'POST', body: form, headers });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

/** 429 with Retry-After: problem+json from the API, the GeoReport v2 errors array from Open311. */
function expect429(response: { status: number; headers: Headers; body: unknown }, door: 'api' | 'open311' = 'api'): void {
  expect(response.status).toBe(429);
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  if (door === 'open311') {
    expect(response.body).toEqual([{ code: 429, description: expect.any(String) as string }]);
    return;
  }
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  expect(response.body).toMatchObject({ type: 'urn:gridflow:problem:rate_limited', status: 429 });
}

async function workflowExists(caseId: string): Promise<boolean> {
  try {
    await stack.client.workflow.getHandle(caseId).describe();
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}

describe('intake rate limits', () => {
  test('an API key gets perKey submissions per window over both front doors, then 429; another key is unaffected', async () => {
    const api = await apiWithLimits({ window: 'PT1M', perKey: 3, perIp: 1_000 });
    try {
      const hotline = { 'x-api-key': stack.apiKeys['hotline-12345']! };
      const run = `${Date.now()}`;
      for (let n = 1; n <= 2; n++) {
        const created = await http(api, 'POST', '/api/v1/cases', { body: submission(n), headers: { ...hotline, 'idempotency-key': `${run}-${n}` } });
        expect(created.status).toBe(201);
      }
      // The third of the budget through Open311, with the key in the form as the spec sends it.
      expect((await postForm(api.baseUrl, open311Form(stack.apiKeys['hotline-12345']!, 3))).status).toBe(201);

      const refused = await http(api, 'POST', '/api/v1/cases', { body: submission(4), headers: { ...hotline, 'idempotency-key': `${run}-4` } });
      expect429(refused);
      expect(await workflowExists(caseIdForIdempotencyKey('integration:hotline-12345', `${run}-4`))).toBe(false);
      expect429(await postForm(api.baseUrl, open311Form(stack.apiKeys['hotline-12345']!, 5)), 'open311');

      const other = await http(api, 'POST', '/api/v1/cases', { body: submission(6), headers: { 'x-api-key': stack.apiKeys['wechat-miniapp']! } });
      expect(other.status).toBe(201);
    } finally {
      await api.close();
    }
  });

  test('a staff member submitting counts against their own budget', async () => {
    const api = await apiWithLimits({ window: 'PT1M', perKey: 1, perIp: 1_000 });
    try {
      const asGridWorker = { authorization: `Bearer ${stack.tokenFor('sui-lei')}` };
      expect((await http(api, 'POST', '/api/v1/cases', { body: submission(1), headers: asGridWorker })).status).toBe(201);
      expect429(await http(api, 'POST', '/api/v1/cases', { body: submission(2), headers: asGridWorker }));
      // A new token for the same person is the same budget.
      expect429(
        await http(api, 'POST', '/api/v1/cases', {
          body: submission(3),
          headers: { authorization: `Bearer ${signStaffToken(stack.authSecret, 'sui-lei', '1h')}` },
        }),
      );
    } finally {
      await api.close();
    }
  });

  test('one client IP gets perIp intake requests per window whatever it sends; another IP is unaffected; reads are not limited', async () => {
    const api = await apiWithLimits({ window: 'PT1M', perKey: 1_000, perIp: 4 });
    try {
      // This API trusts the loopback proxy (GRIDFLOW_TRUST_PROXY=loopback), so X-Forwarded-For names the client.
      const from = (ip: string) => ({ 'x-forwarded-for': ip });
      const attacker = from('203.0.113.7');
      // Without a key, with a wrong key, and through Open311: every attempt counts.
      expect((await http(api, 'POST', '/api/v1/cases', { body: submission(1), headers: attacker })).status).toBe(401);
      expect((await http(api, 'POST', '/api/v1/cases', { body: submission(2), headers: { ...attacker, 'x-api-key': 'guess-1' } })).status).toBe(401);
      expect((await postForm(api.baseUrl, open311Form('guess-2', 3), attacker)).status).toBe(403);
      expect(
        (await http(api, 'POST', '/api/v1/cases', { body: submission(4), headers: { ...attacker, 'x-api-key': stack.apiKeys['hotline-12345']! } })).status,
      ).toBe(201);
      expect429(await http(api, 'POST', '/api/v1/cases', { body: submission(5), headers: { ...attacker, 'x-api-key': stack.apiKeys['hotline-12345']! } }));
      expect429(await postForm(api.baseUrl, open311Form(stack.apiKeys['hotline-12345']!, 6), attacker), 'open311');

      const neighbour = await http(api, 'POST', '/api/v1/cases', {
        body: submission(7),
        headers: { ...from('198.51.100.20'), 'x-api-key': stack.apiKeys['hotline-12345']! },
      });
      expect(neighbour.status).toBe(201);
      for (let n = 0; n < 6; n++) expect((await http(api, 'GET', '/open311/v2/services.json', { headers: attacker })).status).toBe(200);
    } finally {
      await api.close();
    }
  });
});
