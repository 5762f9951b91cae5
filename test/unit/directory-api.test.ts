/**
 * The directory's admin API over HTTP (createApp on a real SQLite store, no Temporal needed):
 * admins only and only in their scope, every bad input a 4xx problem naming the field, refusals
 * naming the grid left without a grid worker, If-Match revisions (412), the audit, and the
 * read-only directory of a process without a records store.
 */
import type { Server } from 'node:http';
import pino from 'pino';
import { createApp } from '../../src/api/app';
import { signStaffToken } from '../../src/api/auth';
import { parseConfig } from '../../src/config/load';
import { openDirectory, type OpenedDirectory } from '../../src/directory/open-directory';
import { OrgTree } from '../../src/domain/org-tree';
import type { RecordsStore } from '../../src/records/store';
import { createApiClient } from '../../src/temporal/connection';
import { openSqliteTestStore } from '../helpers/records';
import { http } from '../helpers/stack';

const SECRET = 'directory-api-test-secret-of-32-chars!';
/** Two streets, so an admin of one can be kept out of the other. */
const city = parseConfig(`
city: { name: { zh-CN: 测试区 }, timeZone: Asia/Shanghai }
units:
  - { id: d, level: district, name: { zh-CN: 区 }, dutyOfficer: d-duty }
  - { id: s1, level: street, parent: d, name: { zh-CN: 一街道 }, dutyOfficer: s1-duty }
  - { id: c1, level: community, parent: s1, name: { zh-CN: 一社区 }, dutyOfficer: c1-sec }
  - { id: c1b, level: community, parent: s1, name: { zh-CN: 一社区乙 }, dutyOfficer: c1b-sec }
  - { id: g1, level: grid, parent: c1, name: { zh-CN: 一网格 }, dutyOfficer: g1-worker, addresses: [一路1号] }
  - { id: s2, level: street, parent: d, name: { zh-CN: 二街道 }, dutyOfficer: s2-duty }
  - { id: c2, level: community, parent: s2, name: { zh-CN: 二社区 }, dutyOfficer: c2-sec }
  - { id: g2, level: grid, parent: c2, name: { zh-CN: 二网格 }, dutyOfficer: g2-worker, addresses: [二路1号] }
staff:
  - { id: d-duty, name: 区值班, email: d-duty@example.org, role: officer, unit: d }
  - { id: d-admin, name: 区管理员, email: d-admin@example.org, role: admin, unit: d }
  - { id: s1-duty, name: 一街道值班, email: s1-duty@example.org, role: officer, unit: s1 }
  - { id: s1-admin, name: 一街道管理员, email: s1-admin@example.org, role: admin, unit: s1, locale: en }
  - { id: c1-sec, name: 一书记, email: c1-sec@example.org, role: supervisor, unit: c1 }
  - { id: c1b-sec, name: 乙书记, email: c1b-sec@example.org, role: supervisor, unit: c1b }
  - { id: g1-worker, name: 一网格员, email: g1-worker@example.org, role: grid_worker, unit: g1 }
  - { id: s2-duty, name: 二街道值班, email: s2-duty@example.org, role: officer, unit: s2 }
  - { id: c2-sec, name: 二书记, email: c2-sec@example.org, role: supervisor, unit: c2 }
  - { id: g2-worker, name: 二网格员, email: g2-worker@example.org, role: grid_worker, unit: g2 }
categories:
  - { id: road_repair, name: { zh-CN: 道路维修 } }
sla:
  levels:
    grid: { urgent: PT1H, high: PT1H, normal: PT1H, low: PT1H }
    community: { urgent: PT1H, high: PT1H, normal: PT1H, low: PT1H }
    street: { urgent: PT1H, high: PT1H, normal: PT1H, low: PT1H }
    district: { urgent: PT1H, high: PT1H, normal: PT1H, low: PT1H }
`);

let records: RecordsStore;
let directory: OpenedDirectory;
let server: Server;
let readOnly: Server;
let client: ReturnType<typeof createApiClient>;
const base = { baseUrl: '' };
const readOnlyBase = { baseUrl: '' };

async function listen(app: ReturnType<typeof createApp>): Promise<{ server: Server; url: string }> {
  const listening: Server = await new Promise((resolve) => {
    const started = app.listen(0, '127.0.0.1', () => resolve(started));
  });
  const address = listening.address();
  return { server: listening, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` };
}

beforeAll(async () => {
  records = await openSqliteTestStore();
  directory = await openDirectory({ records, config: city, pollMs: 60_000 });
  // Nothing here talks to Temporal: the client points nowhere and is never asked.
  client = createApiClient({ address: '127.0.0.1:1', namespace: 'default' });
  const deps = { config: city, client, taskQueue: 'nowhere', authSecret: SECRET, logger: pino({ level: 'silent' }) };
  const main = await listen(createApp({ ...deps, org: directory.org, records, directory: directory.store }));
  server = main.server;
  base.baseUrl = main.url;
  const fromFile = await listen(createApp({ ...deps, org: new OrgTree(city.units, city.staff) }));
  readOnly = fromFile.server;
  readOnlyBase.baseUrl = fromFile.url;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await new Promise((resolve) => readOnly.close(resolve));
  directory.stop();
  await client.connection.close().catch(() => undefined);
  await records.close();
});

const as = (staffId: string, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${signStaffToken(SECRET, staffId)}`, ...extra });
const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((error) => error.field);

describe('who may use it', () => {
  it('answers only admins, with the directory’s version and their scopes', async () => {
    expect((await http(base, 'GET', '/api/v1/admin/units')).status).toBe(401);
    const notAdmin = await http(base, 'GET', '/api/v1/admin/units', { headers: as('c1-sec') });
    expect(notAdmin.status).toBe(403);
    expect(notAdmin.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const status = await http(base, 'GET', '/api/v1/admin/directory', { headers: as('s1-admin') });
    expect(status.body).toEqual({ version: 1, source: 'store', writable: true, scopes: ['s1'] });
  });

  it('keeps a street’s admin inside their street', async () => {
    const units = await http(base, 'GET', '/api/v1/admin/units', { headers: as('s1-admin') });
    expect(units.body.units.map((unit: { id: string }) => unit.id)).toEqual(['s1', 'c1', 'c1b', 'g1']);
    expect((await http(base, 'GET', '/api/v1/admin/units/g2', { headers: as('s1-admin') })).status).toBe(403);
    expect((await http(base, 'GET', '/api/v1/admin/staff/g2-worker', { headers: as('s1-admin') })).status).toBe(403);
    const move = await http(base, 'PATCH', '/api/v1/admin/units/g1', { headers: as('s1-admin', { 'accept-language': 'en' }), body: { parent: 'c2' } });
    expect(move.status).toBe(403);
    expect(move.body.detail).toBe('Unit "c2" is outside your scope');
    const hire = await http(base, 'POST', '/api/v1/admin/staff', {
      headers: as('s1-admin'),
      body: { id: 'x', name: '某', email: 'x@example.org', role: 'grid_worker', unit: 'g2' },
    });
    expect(hire.status).toBe(403);
    expect(await directory.store.version()).toBe(1);
  });
});

describe('changes', () => {
  it('adds a grid worker who takes the grid at once; the answer carries the version and an ETag', async () => {
    const hire = await http(base, 'POST', '/api/v1/admin/staff', {
      headers: as('s1-admin'),
      body: { id: 'g1-new', name: '新网格员', email: 'g1-new@example.org', phone: '13800139999', role: 'grid_worker', unit: 'g1', dutyOfficerOf: ['g1'] },
    });
    expect(hire.status).toBe(201);
    expect(hire.headers.get('location')).toBe('/api/v1/admin/staff/g1-new');
    expect(hire.headers.get('etag')).toBe('"2"');
    expect(hire.body).toMatchObject({
      version: 2,
      staff: { id: 'g1-new', active: true, dutyOfficerOf: ['g1'], posts: [{ unit: 'g1', role: 'grid_worker' }], revision: 2 },
    });
    const grid = await http(base, 'GET', '/api/v1/admin/units/g1', { headers: as('s1-admin') });
    expect(grid.body.unit).toMatchObject({ dutyOfficer: { id: 'g1-new', name: '新网格员' }, staff: 2, revision: 2 });
    expect(grid.body.staff.map((person: { id: string }) => person.id)).toEqual(['g1-worker', 'g1-new']);
    expect(directory.org.dutyOfficer('g1')?.id).toBe('g1-new');
  });

  it('moves a grid to another community of the street, and refuses a stale If-Match with 412 and the current ETag', async () => {
    const before = await http(base, 'GET', '/api/v1/admin/units/g1', { headers: as('d-admin') });
    const etag = before.headers.get('etag')!;
    const moved = await http(base, 'PATCH', '/api/v1/admin/units/g1', { headers: as('s1-admin', { 'if-match': etag }), body: { parent: 'c1b' } });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ version: 3, unit: { parent: 'c1b', revision: 3 } });
    expect(directory.org.lineageIds('g1')).toEqual(['g1', 'c1b', 's1', 'd']);
    const stale = await http(base, 'PATCH', '/api/v1/admin/units/g1', {
      headers: as('s1-admin', { 'if-match': etag, 'accept-language': 'en' }),
      body: { name: { 'zh-CN': '改名' } },
    });
    expect(stale.status).toBe(412);
    expect(stale.headers.get('etag')).toBe('"3"');
    expect(stale.body.detail).toMatch(/g1 has changed since you read it \(now revision 3\)/);
    const malformed = await http(base, 'PATCH', '/api/v1/admin/units/g1', { headers: as('s1-admin', { 'if-match': 'yesterday' }), body: {} });
    expect(malformed.status).toBe(422);
    expect(fieldsOf(malformed.body)).toEqual(['headers.if-match']);
  });

  it('refuses a change that would leave a grid without a grid worker, naming the field and the grid, in both languages', async () => {
    const en = await http(base, 'PATCH', '/api/v1/admin/staff/g1-new', { headers: as('s1-admin', { 'accept-language': 'en' }), body: { unit: 'c1' } });
    expect(en.status).toBe(422);
    expect(en.body.errors).toEqual([{ field: 'body.unit', message: 'grid g1 would be left without a grid worker: g1-new holds no post there' }]);
    const zh = await http(base, 'PATCH', '/api/v1/admin/staff/g1-new', { headers: as('d-admin', { 'accept-language': 'zh-CN' }), body: { unit: 'c1' } });
    expect(zh.body.errors).toEqual([{ field: 'body.unit', message: '网格g1将没有网格员：g1-new在该网格没有岗位' }]);
    const community = await http(base, 'POST', '/api/v1/admin/units', {
      headers: as('d-admin'),
      body: { id: 'c3', level: 'community', parent: 'g2', name: { 'zh-CN': '三社区' }, dutyOfficer: 'c2-sec' },
    });
    expect(community.status).toBe(422);
    expect(community.body.errors).toEqual([{ field: 'body.parent', message: 'c3是社区/村，上级须为街道，而g2是网格' }]);
  });

  it('refuses deactivation by an edit, a change of level, an unknown entry, and bad input, each naming its field', async () => {
    const leave = await http(base, 'PATCH', '/api/v1/admin/staff/g1-worker', { headers: as('s1-admin'), body: { active: false } });
    expect(leave.status).toBe(422);
    expect(fieldsOf(leave.body)).toEqual(['body.active']);
    const level = await http(base, 'PATCH', '/api/v1/admin/units/g1', { headers: as('s1-admin'), body: { level: 'community' } });
    expect([level.status, fieldsOf(level.body)]).toEqual([422, ['body.level']]);
    expect((await http(base, 'PATCH', '/api/v1/admin/units/nowhere', { headers: as('d-admin'), body: {} })).status).toBe(404);
    expect((await http(base, 'GET', '/api/v1/admin/staff/Not_An_Id', { headers: as('d-admin') })).status).toBe(400);
    const bad = await http(base, 'POST', '/api/v1/admin/units', {
      headers: as('d-admin'),
      body: { id: 'G 9', level: 'hamlet', parent: 'c2', name: { 'zh-CN': '' }, dutyOfficer: 'c2-sec', bounds: [121.5, 39.6, 121.4, 39.5], colour: 'red' },
    });
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad.body)).toEqual(expect.arrayContaining(['body.id', 'body.level', 'body.name.zh-CN', 'body.bounds', 'body']));
    const taken = await http(base, 'POST', '/api/v1/admin/staff', {
      headers: as('d-admin'),
      body: { id: 'g2-worker', name: '重名', email: 'x@example.org', role: 'officer', unit: 'd' },
    });
    expect([taken.status, fieldsOf(taken.body)]).toEqual([422, ['body.id']]);
    expect(await directory.store.version()).toBe(3);
  });

  it('gives one person a second grid under the same sign-in', async () => {
    const covered = await http(base, 'PATCH', '/api/v1/admin/staff/g1-worker', {
      headers: as('d-admin'),
      body: { posts: [{ unit: 'g2' }], dutyOfficerOf: ['g2'] },
    });
    expect(covered.status).toBe(200);
    expect(covered.body.staff).toMatchObject({ posts: [{ unit: 'g1' }, { unit: 'g2' }], dutyOfficerOf: ['g2'] });
    expect(directory.org.dutyOfficer('g2')?.id).toBe('g1-worker');
  });
});

describe('reading', () => {
  it('lists staff by unit, activity and search text', async () => {
    const inG2 = await http(base, 'GET', '/api/v1/admin/staff?unit=g2', { headers: as('d-admin') });
    expect(inG2.body.staff.map((person: { id: string }) => person.id)).toEqual(['g1-worker', 'g2-worker']);
    const search = await http(base, 'GET', '/api/v1/admin/staff?q=NEW', { headers: as('d-admin') });
    expect(search.body).toMatchObject({ version: 4, staff: [{ id: 'g1-new' }] });
    expect((await http(base, 'GET', '/api/v1/admin/staff?active=maybe', { headers: as('d-admin') })).status).toBe(400);
  });

  it('reads the audit newest first, in pages, and only within the admin’s scope', async () => {
    const first = await http(base, 'GET', '/api/v1/admin/audit?limit=2', { headers: as('d-admin') });
    expect(first.status).toBe(200);
    expect(
      first.body.entries.map((entry: { version: number; change: string; target: { id: string } }) => `${entry.version} ${entry.change} ${entry.target.id}`),
    ).toEqual(['4 staff.edit g2', '4 staff.edit g1-worker']);
    expect(first.body.entries[1]).toMatchObject({ actorId: 'd-admin', before: { id: 'g1-worker' }, after: { posts: [{ unit: 'g2' }] } });
    const second = await http(base, 'GET', first.body.next as string, { headers: as('d-admin') });
    expect(second.body.entries.map((entry: { version: number; target: { id: string } }) => `${entry.version} ${entry.target.id}`)).toEqual(['3 g1', '2 g1']);
    const street = await http(base, 'GET', '/api/v1/admin/audit?limit=500', { headers: as('s1-admin') });
    const targets = new Set(street.body.entries.map((entry: { target: { id: string } }) => entry.target.id));
    expect(targets.has('g1')).toBe(true);
    expect(targets.has('g2')).toBe(false);
    expect((await http(base, 'GET', '/api/v1/admin/audit?kind=unit&id=g2', { headers: as('s1-admin') })).status).toBe(403);
  });
});

describe('without a records store', () => {
  it('reads the config file’s directory and refuses changes with 409', async () => {
    const units = await http(readOnlyBase, 'GET', '/api/v1/admin/units', { headers: as('d-admin') });
    expect(units.body.units).toHaveLength(city.units.length);
    expect((await http(readOnlyBase, 'GET', '/api/v1/admin/directory', { headers: as('d-admin') })).body).toMatchObject({ source: 'config', writable: false });
    const change = await http(readOnlyBase, 'PATCH', '/api/v1/admin/units/g1', { headers: as('d-admin'), body: { name: { 'zh-CN': '改名' } } });
    expect(change.status).toBe(409);
    expect(change.body.detail).toMatch(/配置文件/);
  });
});
