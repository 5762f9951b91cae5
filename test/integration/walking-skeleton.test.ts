/**
 * One slice end to end on real parts: HTTP in, caseWorkflow on a real Temporal dev server, the
 * e-mail received by a real SMTP server, the state read back through the API.
 */
import type { Server } from 'node:http';
import pino from 'pino';
import { createApp } from '../../src/api/app';
import { firstDeadline } from '../../src/domain/case-machine';
import { createApiClient } from '../../src/temporal/connection';
import { freePort } from '../../src/temporal/dev-server';
import { caseWorkflow } from '../../src/workflows/case';
import { caseActionUpdate, getCaseQuery } from '../../src/workflows/case-definitions';
import { caseInputFor, demoConfig, demoOrg } from '../helpers/fixtures';
import { http, startStack, waitFor, type Stack } from '../helpers/stack';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ config: demoConfig });
});

afterAll(async () => {
  await stack?.stop();
});

const grid = demoConfig.units.find((unit) => unit.level === 'grid' && unit.addresses.length > 0)!;
const gridWorker = demoOrg.dutyOfficer(grid.id)!;
const otherGrid = demoConfig.units.find((unit) => unit.level === 'grid' && unit.parent !== grid.parent)!;
const otherWorker = demoOrg.dutyOfficer(otherGrid.id)!;

function submission(extra: Record<string, unknown> = {}) {
  return {
    category: 'road_repair',
    description: '路灯坏了，晚上很黑 <script>alert("x")</script>',
    address: `${grid.addresses[0]} 5号楼`,
    reporter: { name: '张三', phone: '13812345678' },
    ...extra,
  };
}

function asIntegration(extra: Record<string, string> = {}) {
  return { 'x-api-key': stack.apiKeys['hotline-12345']!, ...extra };
}

describe('walking skeleton: HTTP → Temporal → SMTP', () => {
  test('a submitted case is routed to its grid worker, who receives the e-mail, and reads it back', async () => {
    const created = await http(stack, 'POST', '/api/v1/cases', { body: submission(), headers: asIntegration() });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'assigned', level: 'grid', unitId: grid.id, assigneeId: gridWorker.id });
    expect(created.body.id).toMatch(/^c-[a-z2-7]{16}$/);
    expect(Date.parse(created.body.dueAt)).toBeGreaterThan(Date.now());
    expect(created.headers.get('location')).toBe(`/api/v1/cases/${created.body.id}`);

    const mail = await waitFor(async () => (await stack.mails()).find((m) => m.subject?.includes(created.body.id)), 20_000, 'assignment e-mail');
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value[0]?.address : undefined).toBe(gridWorker.email);
    expect(mail.subject).toContain('道路维修');
    expect(mail.messageId).toBe(`<${created.body.id}.2.case_assigned.${gridWorker.id}@gridflow.local>`);
    expect(mail.text).toContain('路灯坏了，晚上很黑');
    // User text is escaped in the HTML part, never interpreted.
    expect(mail.html).toContain('&lt;script&gt;');
    expect(mail.html).not.toContain('<script>');
    // Chinese survives the wire: an RFC 2047 subject, UTF-8 text and HTML parts, Chinese display names.
    const raw = stack.smtp.messages.find((m) => m.raw.toString('latin1').includes(created.body.id))!.raw.toString('latin1');
    expect(raw).toMatch(/^Subject: =\?UTF-8\?[BQ]\?/im);
    expect(raw).toMatch(/^Content-Type: text\/plain; charset=utf-8/im);
    expect(raw).toMatch(/^Content-Type: text\/html; charset=utf-8/im);
    expect(mail.from?.value[0]).toEqual({ name: '长兴岛网格化服务平台', address: 'noreply@gridflow.test' });
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value[0]?.name : undefined).toBe(gridWorker.name);
    expect(mail.subject).toMatch(/^【新工单】道路维修（c-[a-z2-7]{16}）$/);
    expect(mail.html).toContain('路灯坏了，晚上很黑');

    const read = await http(stack, 'GET', `/api/v1/cases/${created.body.id}`, { headers: { authorization: `Bearer ${stack.tokenFor(gridWorker.id)}` } });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: created.body.id, status: 'assigned', assigneeId: gridWorker.id, dueAt: created.body.dueAt });
    expect(read.body.timeline.map((entry: { type: string }) => entry.type)).toEqual(['submitted', 'assigned']);
    // The grid worker may need to call the resident; the community secretary above sees it masked.
    expect(read.body.reporter.phone).toBe('+8613812345678');
    const secretary = demoOrg.dutyOfficer(grid.parent!)!;
    const asSecretary = await http(stack, 'GET', `/api/v1/cases/${created.body.id}`, { headers: { authorization: `Bearer ${stack.tokenFor(secretary.id)}` } });
    expect(asSecretary.body.reporter.phone).toBe('138****5678');

    const asResident = await http(stack, 'GET', `/api/v1/cases/${created.body.id}`, { headers: { 'x-case-token': created.body.caseToken } });
    expect(asResident.status).toBe(200);
    expect(asResident.body.reporter).toBeUndefined();
    expect(asResident.body.status).toBe('assigned');
  });

  test('reading a case needs the right credentials and scope', async () => {
    const created = await http(stack, 'POST', '/api/v1/cases', { body: submission(), headers: asIntegration() });
    const path = `/api/v1/cases/${created.body.id}`;
    expect((await http(stack, 'GET', path)).status).toBe(401);
    expect((await http(stack, 'GET', path, { headers: { 'x-case-token': 'x'.repeat(32) } })).status).toBe(403);
    const outsider = await http(stack, 'GET', path, { headers: { authorization: `Bearer ${stack.tokenFor(otherWorker.id)}` } });
    expect(outsider.status).toBe(403);
    expect(outsider.headers.get('content-type')).toContain('application/problem+json');
    expect((await http(stack, 'GET', path, { headers: { authorization: 'Bearer not-a-jwt' } })).status).toBe(401);
    expect((await http(stack, 'GET', path, { headers: { 'x-api-key': 'wrong' } })).status).toBe(401);
    const otherIntegration = await http(stack, 'GET', path, { headers: { 'x-api-key': stack.apiKeys['wechat-miniapp']! } });
    expect(otherIntegration.status).toBe(403);
    const unknown = await http(stack, 'GET', '/api/v1/cases/c-aaaaaaaaaaaaaaaa', { headers: { authorization: `Bearer ${stack.tokenFor('liu-guoqing')}` } });
    expect(unknown.status).toBe(404);
  });

  test('the same Idempotency-Key gives the same case; reused for another body it is a 409', async () => {
    const headers = asIntegration({ 'idempotency-key': `retry-${Date.now()}` });
    const first = await http(stack, 'POST', '/api/v1/cases', { body: submission(), headers });
    const second = await http(stack, 'POST', '/api/v1/cases', { body: submission(), headers });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body.id).toBe(first.body.id);
    expect(second.body.caseToken).toBe(first.body.caseToken);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    const different = await http(stack, 'POST', '/api/v1/cases', { body: submission({ description: '另一件事' }), headers });
    expect(different.status).toBe(409);
    // Only one workflow exists for the key.
    const executions = [];
    for await (const execution of stack.client.workflow.list({ query: `WorkflowId = '${first.body.id}'` })) executions.push(execution);
    expect(executions).toHaveLength(1);
  });

  test('bad input is a 400/422 problem naming the field, and starts nothing', async () => {
    const missing = await http(stack, 'POST', '/api/v1/cases', { body: { category: 'road_repair', address: grid.addresses[0] }, headers: asIntegration() });
    expect(missing.status).toBe(400);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect(missing.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'body.description' })]));

    const unknownCategory = await http(stack, 'POST', '/api/v1/cases', { body: submission({ category: 'alien_landing' }), headers: asIntegration() });
    expect(unknownCategory.status).toBe(422);
    expect(unknownCategory.body.errors[0].field).toBe('body.category');

    const nowhere = await http(stack, 'POST', '/api/v1/cases', { body: submission({ address: '火星基地一号' }), headers: asIntegration() });
    expect(nowhere.status).toBe(422);
    expect(nowhere.body.errors[0].field).toBe('body.address');

    const extra = await http(stack, 'POST', '/api/v1/cases', { body: submission({ admin: true }), headers: asIntegration() });
    expect(extra.status).toBe(400);

    const malformed = await http(stack, 'POST', '/api/v1/cases', { rawBody: '{"category": ', headers: asIntegration() });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0].field).toBe('body');

    const badPhone = await http(stack, 'POST', '/api/v1/cases', { body: submission({ reporter: { phone: '12345' } }), headers: asIntegration() });
    expect(badPhone.status).toBe(400);
    expect(badPhone.body.errors[0].field).toBe('body.reporter.phone');

    const huge = await http(stack, 'POST', '/api/v1/cases', { body: submission({ description: '长'.repeat(40_000) }), headers: asIntegration() });
    expect(huge.status).toBe(413);

    const anonymous = await http(stack, 'POST', '/api/v1/cases', { body: submission() });
    expect(anonymous.status).toBe(401);

    const staffOutside = await http(stack, 'POST', '/api/v1/cases', {
      body: submission(),
      headers: { authorization: `Bearer ${stack.tokenFor(otherWorker.id)}` },
    });
    expect(staffOutside.status).toBe(403);
  });

  test('the case is visible in the supervisor listing through visibility', async () => {
    const created = await http(stack, 'POST', '/api/v1/cases', { body: submission(), headers: asIntegration() });
    const secretary = demoOrg.dutyOfficer(grid.parent!)!;
    const listed = await waitFor(async () => {
      const list = await http(stack, 'GET', `/api/v1/cases?unit=${grid.parent}`, { headers: { authorization: `Bearer ${stack.tokenFor(secretary.id)}` } });
      return list.body.items?.find((item: { id: string }) => item.id === created.body.id);
    });
    expect(listed).toMatchObject({ status: 'assigned', level: 'grid', unitId: grid.id, assigneeId: gridWorker.id, overdue: false });
    const outOfScope = await http(stack, 'GET', `/api/v1/cases?unit=${otherGrid.id}`, { headers: { authorization: `Bearer ${stack.tokenFor(secretary.id)}` } });
    expect(outOfScope.status).toBe(403);
  });

  test('operations endpoints answer', async () => {
    expect((await http(stack, 'GET', '/healthz')).body).toEqual({ status: 'ok' });
    expect((await http(stack, 'GET', '/readyz')).status).toBe(200);
    const spec = await http(stack, 'GET', '/openapi.json');
    expect(spec.body.openapi).toBe('3.1.0');
    expect(Object.keys(spec.body.paths)).toEqual(expect.arrayContaining(['/api/v1/cases', '/api/v1/cases/{id}']));
    expect(spec.body.components.schemas.SubmitCase.required).toEqual(expect.arrayContaining(['category', 'description']));
    const docs = await fetch(`${stack.baseUrl}/docs/`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger-ui');
    expect((await http(stack, 'GET', '/nowhere')).status).toBe(404);
  });

  test('a case with hundreds of notes continues-as-new on the server and keeps its whole state', async () => {
    const input = caseInputFor({ submittedAtMs: Date.now(), gridId: grid.id });
    const handle = await stack.client.workflow.start(caseWorkflow, {
      args: [input, undefined, { historyLimit: 300 }],
      workflowId: input.caseId,
      taskQueue: stack.taskQueue,
    });
    const firstRun = (await handle.describe()).runId;
    const actor = { kind: 'staff' as const, id: gridWorker.id, role: gridWorker.role, unitId: gridWorker.unit };
    for (let i = 1; i <= 200; i++) {
      // No run id: each update goes to whichever run is current, across continue-as-new.
      await stack.client.workflow
        .getHandle(input.caseId)
        .executeUpdate(caseActionUpdate, { args: [{ action: { type: 'note', note: `第${i}次跟进` }, actor }] });
    }
    const latest = stack.client.workflow.getHandle(input.caseId);
    const description = await latest.describe();
    expect(description.runId).not.toBe(firstRun);
    expect(description.historyLength).toBeLessThan(400);
    const state = await latest.query(getCaseQuery);
    expect(state.timeline.filter((entry) => entry.type === 'note')).toHaveLength(200);
    expect(state.dueAt).toBe(firstDeadline(input));
    await latest.terminate('test finished');
  });
});

describe('when Temporal is unreachable', () => {
  test('the API answers 503 with Retry-After within 2 s and starts nothing', async () => {
    const client = createApiClient({ address: `127.0.0.1:${await freePort()}`, namespace: 'default' });
    const app = createApp({
      config: stack.config,
      org: stack.org,
      client,
      taskQueue: 'nowhere',
      authSecret: stack.authSecret,
      logger: pino({ level: 'silent' }),
    });
    const server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    const address = server.address();
    const down = { baseUrl: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` };
    try {
      const started = Date.now();
      const response = await http(down, 'POST', '/api/v1/cases', { body: submission(), headers: asIntegration() });
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      const read = await http(down, 'GET', '/api/v1/cases/c-aaaaaaaaaaaaaaaa', { headers: { authorization: `Bearer ${stack.tokenFor(gridWorker.id)}` } });
      expect(read.status).toBe(503);
      expect((await http(down, 'GET', '/readyz')).status).toBe(503);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await client.connection.close().catch(() => undefined);
    }
  });
});
