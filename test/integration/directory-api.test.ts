/**
 * The directory is data (issue 16, items 2 and 5), over HTTP on the real stack (dev server, worker,
 * SMTP, records store) with a second API process on the same store: an admin adds a grid worker
 * and moves the grid to another community; a case submitted right after routes to the new worker
 * and climbs the new community, on either API process; the community's duty officer changes while
 * the case runs, and its escalation goes to whoever is on duty then; a leaver's token stops working
 * on both processes.
 */
import type { Server } from 'node:http';
import pino from 'pino';
import { createApp } from '../../src/api/app';
import { openDirectory, type OpenedDirectory } from '../../src/directory/open-directory';
import { openRecordsStore, type RecordsStore } from '../../src/records/store';
import { createApiClient } from '../../src/temporal/connection';
import { tinyCityConfig } from '../helpers/fixtures';
import { http, startStack, waitFor, type Stack } from '../helpers/stack';

let stack: Stack;
/** The second API process: its own connection to the store, its own live directory, its own Temporal client. */
let second: { baseUrl: string; server: Server; records: RecordsStore; directory: OpenedDirectory; client: ReturnType<typeof createApiClient> };

beforeAll(async () => {
  stack = await startStack({ config: tinyCityConfig() });
  const records = await openRecordsStore({ sqliteFile: stack.records.location });
  // The default poll of a real process, not the stack's quick one.
  const directory = await openDirectory({ records, config: stack.config, pollMs: 2_000 });
  const client = createApiClient({ address: stack.devServer.address, namespace: stack.devServer.namespace });
  const app = createApp({
    config: stack.config,
    org: directory.org,
    client,
    taskQueue: stack.taskQueue,
    authSecret: stack.authSecret,
    logger: pino({ level: 'silent' }),
    records,
    directory: directory.store,
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const address = server.address();
  second = { baseUrl: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, server, records, directory, client };
});

afterAll(async () => {
  if (second) {
    await new Promise((resolve) => second.server.close(resolve));
    second.directory.stop();
    await second.client.connection.close();
    await second.records.close();
  }
  await stack?.stop();
});

const bearer = (staffId: string) => ({ authorization: `Bearer ${stack.tokenFor(staffId)}` });
const asApp = () => ({ 'x-api-key': stack.apiKeys.app! });

async function submit(on: { baseUrl: string }, address: string) {
  const created = await http(on, 'POST', '/api/v1/cases', {
    body: { category: 'road_repair', description: '路灯不亮', address, reporter: { name: '李四', email: 'lisi@example.com' } },
    headers: asApp(),
  });
  expect(created.status).toBe(201);
  return created.body as { id: string; unitId: string; assigneeId: string; level: string };
}

describe('the directory changed over HTTP reaches every process', () => {
  test('a new grid worker and a moved grid route the next case at once, on both API processes', async () => {
    expect(second.directory.org.version).toBe(1);
    const hire = await http(stack, 'POST', '/api/v1/admin/staff', {
      headers: bearer('d-admin'),
      body: { id: 'g-new', name: '新网格员', email: 'g-new@example.org', role: 'grid_worker', unit: 'g', dutyOfficerOf: ['g'] },
    });
    expect(hire.status).toBe(201);
    const grid = await http(stack, 'GET', '/api/v1/admin/units/g', { headers: bearer('d-admin') });
    const moved = await http(stack, 'PATCH', '/api/v1/admin/units/g', {
      headers: { ...bearer('d-admin'), 'if-match': grid.headers.get('etag')! },
      body: { parent: 'c2' },
    });
    expect(moved.status).toBe(200);
    expect(moved.body.unit).toMatchObject({ id: 'g', parent: 'c2', dutyOfficer: { id: 'g-new' } });

    // Right after, on the process that made the change: the new worker, the new community above.
    const here = await submit(stack, '测试路1号');
    expect(here).toMatchObject({ unitId: 'g', level: 'grid', assigneeId: 'g-new' });
    expect((await http(stack, 'GET', `/api/v1/cases/${here.id}`, { headers: bearer('g-new') })).status).toBe(200);
    // Its ladder climbs c2 now: c2's secretary supervises it, c's (the grid's old community) does not.
    expect((await http(stack, 'GET', `/api/v1/cases/${here.id}`, { headers: bearer('c2-sec') })).status).toBe(200);
    expect((await http(stack, 'GET', `/api/v1/cases/${here.id}`, { headers: bearer('c-sec') })).status).toBe(403);

    // The other API process sees the change within its poll, and routes the same way.
    const started = Date.now();
    await waitFor(
      async () => {
        const unit = await http(second, 'GET', '/api/v1/admin/units/g', { headers: bearer('d-admin') });
        return unit.body.unit?.parent === 'c2' && unit.body.unit?.dutyOfficer.id === 'g-new' ? true : undefined;
      },
      10_000,
      'the second API process to see the change',
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    const there = await submit(second, '测试路1号');
    expect(there).toMatchObject({ unitId: 'g', assigneeId: 'g-new' });
    // The new worker's mail arrived through the worker, which reads the same directory.
    await waitFor(
      async () => ((await stack.mails()).some((mail) => mail.to && JSON.stringify(mail.to).includes('g-new@example.org')) ? true : undefined),
      15_000,
      'the assignment e-mail',
    );

    // c2's secretary, the community's duty officer when these cases were submitted, hands duty to c-sec.
    const duty = await http(stack, 'PATCH', '/api/v1/admin/units/c2', { headers: bearer('d-admin'), body: { dutyOfficer: 'c-sec' } });
    expect(duty.status).toBe(200);
    expect(duty.body.unit.dutyOfficer.id).toBe('c-sec');

    // The grid's 4-second deadline passes: the escalation goes to whoever is on duty at c2 now.
    const escalated = await waitFor(
      async () => {
        const view = await http(stack, 'GET', `/api/v1/cases/${here.id}`, { headers: bearer('d-admin') });
        return view.body.level === 'community' ? view.body : undefined;
      },
      30_000,
      'the case to escalate to the community',
    );
    expect(escalated).toMatchObject({ unitId: 'c2', assigneeId: 'c-sec' });
    await waitFor(
      async () =>
        (await stack.mails()).some((mail) => JSON.stringify(mail.to ?? '').includes('c-sec@example.org') && /c2|另一社区/.test(mail.subject ?? ''))
          ? true
          : undefined,
      15_000,
      'the escalation e-mail to c-sec',
    );
  });

  test('a leaver’s token is refused at once on the process that deactivated them, and within seconds on the other', async () => {
    // g-worker lost grid g to g-new above and is on duty nowhere: nothing to hand over.
    expect((await http(second, 'GET', '/api/v1/me', { headers: bearer('g-worker') })).status).toBe(200);
    await stack.directory.store.deactivateStaff({ staffId: 'g-worker', successorId: 'g-new', actorId: 'd-admin', reason: '调离' });
    const refused = await http(stack, 'GET', '/api/v1/me', { headers: { ...bearer('g-worker'), 'accept-language': 'en' } });
    expect(refused.status).toBe(401);
    expect(refused.body.detail).toBe('This staff member has left: their sign-in no longer works');
    await waitFor(
      async () => ((await http(second, 'GET', '/api/v1/me', { headers: bearer('g-worker') })).status === 401 ? true : undefined),
      10_000,
      'the second process to refuse the leaver',
    );
    const audit = await http(second, 'GET', '/api/v1/admin/audit?kind=staff&id=g-worker&limit=1', { headers: bearer('d-admin') });
    expect(audit.body.entries[0]).toMatchObject({ change: 'staff.deactivate', actorId: 'd-admin', reason: '调离', after: { active: false } });
  });
});
