/**
 * Open311 GeoReport v2 end to end on real parts: requests sent the way Open311 clients send them
 * (form-encoded with attribute[code] and attribute[code][], UTF-8 Chinese text; and JSON), cases on
 * a real Temporal dev server, answers read back through the same API and through visibility.
 * Every answer body, JSON or XML, is checked against the GeoReport v2 JSON Schemas in
 * test/fixtures/open311; XML is read back with the spec's Spark convention first.
 */
import { open311Routes } from '../../src/api/open311/router';
import { DEDUP_WINDOW_MS } from '../../src/api/open311/dedup';
import { HIDDEN_SERVICE, open311City } from '../fixtures/open311/city';
import { expectValid, type Open311Schema } from '../fixtures/open311/validate';
import { parseOpen311Xml } from '../fixtures/open311/xml';
import { http, startStack, waitFor, type Stack } from '../helpers/stack';

let stack: Stack;
/** The clock of the second Open311 router, mounted at /pinned/open311/v2 for the window-edge test. */
let pinnedNow = Date.now();

beforeAll(async () => {
  stack = await startStack({
    config: open311City,
    extraRouters: (deps) => [
      { path: '/open311/v2', router: open311Routes(deps) },
      { path: '/pinned/open311/v2', router: open311Routes({ ...deps, now: () => new Date(pinnedNow) }) },
    ],
  });
});

afterAll(async () => {
  await stack?.stop();
});

const grid = open311City.units.find((unit) => unit.level === 'grid' && unit.bounds !== undefined && unit.addresses.length > 0)!;
const community = open311City.units.find((unit) => unit.id === grid.parent)!;
const [minLng, minLat, maxLng, maxLat] = grid.bounds!;
const inside = { lat: ((minLat + maxLat) / 2).toFixed(6), long: ((minLng + maxLng) / 2).toFixed(6) };
const gridWorker = () => stack.org.dutyOfficer(grid.id)!;
const apiKey = () => stack.apiKeys['hotline-12345']!;

interface Answer {
  status: number;
  headers: Headers;
  /** The body as JSON: parsed JSON, or XML mapped by the Spark convention. */
  body: any;
  /** XML only: the root element. */
  root?: string;
}

/**
 * Calls an Open311 resource and checks the answer's content type and body against the schema of
 * `schema` (or of errors, for any 4xx/5xx), so no answer goes unchecked.
 */
async function open311(
  schema: Open311Schema,
  method: 'GET' | 'POST',
  path: string,
  options: { form?: URLSearchParams; json?: unknown; rawBody?: string; headers?: Record<string, string>; base?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | URLSearchParams | undefined;
  if (options.form) body = options.form;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['content-type'] = 'application/json';
  }
  if (options.rawBody !== undefined) body = options.rawBody;
  const response = await fetch(`${stack.baseUrl}${options.base ?? '/open311/v2'}${path}`, { method, headers, body });
  const text = await response.text();
  const xml = /\.xml(\?|$)/.test(path);
  const contentType = response.headers.get('content-type');
  expect(contentType).toBe(xml ? 'text/xml; charset=utf-8' : 'application/json; charset=utf-8');
  const effective: Open311Schema = response.status >= 400 ? 'errors' : schema;
  if (xml) {
    const parsed = parseOpen311Xml(text);
    expect(parsed.declaration).toBe(true);
    expectValid(effective, parsed.json);
    return { status: response.status, headers: response.headers, body: parsed.json, root: parsed.root };
  }
  return { status: response.status, headers: response.headers, body: expectValid(effective, JSON.parse(text)) };
}

/** A street-light report as a form, the way Open311 clients post it. */
function streetLightForm(extra: Record<string, string | string[]> = {}): URLSearchParams {
  const form = new URLSearchParams({
    api_key: apiKey(),
    service_code: 'road_repair',
    lat: inside.lat,
    long: inside.long,
    address_string: `${grid.addresses[0]}东侧路口`,
    first_name: '三',
    last_name: '张',
    email: 'zhangsan@example.org',
    phone: '13812345678',
    description: `路灯不亮已经三天了，晚上很黑。编号 ${Math.random().toString(36).slice(2, 8)}`,
    media_url: 'https://img.example.org/report/1.jpg',
    'attribute[pole_number]': 'CX-0012',
  });
  form.append('attribute[fault][]', 'dark');
  form.append('attribute[fault][]', 'flicker');
  for (const [key, value] of Object.entries(extra)) {
    form.delete(key);
    for (const item of Array.isArray(value) ? value : [value]) form.append(key, item);
  }
  return form;
}

async function submit(form: URLSearchParams, options: { format?: 'json' | 'xml'; headers?: Record<string, string>; base?: string } = {}) {
  const answer = await open311('post-response', 'POST', `/requests.${options.format ?? 'json'}`, { form, headers: options.headers, base: options.base });
  return answer;
}

/** Every execution of a workflow id, whatever its status: one case must be one execution. */
async function executionsOf(id: string): Promise<number> {
  let count = 0;
  for await (const _ of stack.client.workflow.list({ query: `WorkflowId = '${id}'` })) count++;
  return count;
}

describe('discovery and services', () => {
  test('discovery.json and discovery.xml name this endpoint and both formats', async () => {
    const json = await open311('discovery', 'GET', '/discovery.json');
    expect(json.status).toBe(200);
    expect(json.body.endpoints).toEqual([
      {
        specification: 'http://wiki.open311.org/GeoReport_v2',
        url: `${stack.baseUrl}/open311/v2`,
        changeset: expect.stringMatching(/\+08:00$/),
        type: 'production',
        formats: ['text/xml', 'application/json'],
      },
    ]);
    const xml = await open311('discovery', 'GET', '/discovery.xml');
    expect(xml.root).toBe('discovery');
    expect(xml.body).toEqual(json.body);
  });

  test('services list the enabled categories in the caller’s language, as JSON and XML', async () => {
    const zh = await open311('services', 'GET', '/services.json');
    const codes = zh.body.map((service: { service_code: string }) => service.service_code);
    expect(codes).toContain('road_repair');
    expect(codes).not.toContain(HIDDEN_SERVICE);
    expect(codes).not.toContain('neighbour_dispute');
    expect(zh.body.find((service: { service_code: string }) => service.service_code === 'road_repair')).toMatchObject({
      service_name: '道路维修',
      metadata: true,
      type: 'realtime',
      group: '城市管理',
    });
    const en = await open311('services', 'GET', '/services.json', { headers: { 'accept-language': 'en-US,en;q=0.9' } });
    expect(en.body.find((service: { service_code: string }) => service.service_code === 'sanitation')).toMatchObject({
      service_name: 'Sanitation',
      metadata: false,
    });
    const xml = await open311('services', 'GET', '/services.xml');
    expect(xml.root).toBe('services');
    expect(xml.body).toEqual(zh.body);
  });

  test('a service definition lists its attributes; unknown or disabled services and formats are 404', async () => {
    const json = await open311('service-definition', 'GET', '/services/road_repair.json');
    expect(json.body.service_code).toBe('road_repair');
    expect(json.body.attributes.map((attribute: { code: string }) => attribute.code)).toEqual([
      'pole_number',
      'fault',
      'lamp_type',
      'count',
      'noticed_at',
      'details',
      'safety_note',
    ]);
    const xml = await open311('service-definition', 'GET', '/services/road_repair.xml');
    expect(xml.root).toBe('service_definition');
    expect(xml.body).toEqual(json.body);

    for (const path of [
      '/services/alien_landing.json',
      `/services/${HIDDEN_SERVICE}.json`,
      '/services/family_dispute.json',
      '/services/road_repair.html',
      '/nothing-here.json',
    ]) {
      const missing = await open311('errors', 'GET', path);
      expect([path, missing.status]).toEqual([path, 404]);
      expect(missing.body[0].code).toBe(404);
    }
    const missingXml = await open311('errors', 'GET', '/services/alien_landing.xml');
    expect([missingXml.status, missingXml.root]).toEqual([404, 'errors']);
    expect(missingXml.body).toEqual([{ code: 404, description: 'service_code "alien_landing" not found' }]);
  });
});

describe('POST requests', () => {
  test('a form-encoded report becomes a case on the grid, read back as a spec service request', async () => {
    const form = streetLightForm({ 'attribute[lamp_type]': 'led', 'attribute[noticed_at]': '2026-05-01T21:30:00+08:00', account_id: 'acct-1' });
    const created = await submit(form);
    expect(created.status).toBe(201);
    const [receipt] = created.body;
    expect(receipt.service_request_id).toMatch(/^c-[a-z2-7]{16}$/);
    expect(receipt.account_id).toBe('acct-1');
    expect(receipt.service_notice).toContain(grid.name['zh-CN']);
    expect(receipt).not.toHaveProperty('token');
    const id: string = receipt.service_request_id;
    expect(created.headers.get('location')).toBe(`/open311/v2/requests/${id}.json`);

    const read = await open311('requests', 'GET', `/requests/${id}.json`);
    expect(read.status).toBe(200);
    expect(read.body).toHaveLength(1);
    const request = read.body[0];
    expect(request).toMatchObject({
      service_request_id: id,
      status: 'open',
      status_notes: '办理环节：已派单；当前层级：网格',
      service_name: '道路维修',
      service_code: 'road_repair',
      description: form.get('description'),
      agency_responsible: grid.name['zh-CN'],
      service_notice: null,
      address: form.get('address_string'),
      lat: Number(inside.lat),
      long: Number(inside.long),
      media_url: 'https://img.example.org/report/1.jpg',
    });
    for (const field of ['requested_datetime', 'updated_datetime', 'expected_datetime'])
      expect(request[field]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+08:00$/);
    // No reporter data in a public answer.
    expect(JSON.stringify(read.body)).not.toMatch(/13812345678|zhangsan|张三/);

    // The grid worker sees the same case with the answers, the media link and the reporter.
    const staffView = await http(stack, 'GET', `/api/v1/cases/${id}`, { headers: { authorization: `Bearer ${stack.tokenFor(gridWorker().id)}` } });
    expect(staffView.status).toBe(200);
    expect(staffView.body).toMatchObject({
      category: 'road_repair',
      gridId: grid.id,
      assigneeId: gridWorker().id,
      reporter: { name: '张三', email: 'zhangsan@example.org' },
    });
    expect(Date.parse(staffView.body.dueAt)).toBe(Date.parse(request.expected_datetime));
    expect(staffView.body.description).toBe(
      [
        form.get('description'),
        '',
        '【Open311 补充信息】',
        '路灯杆编号：CX-0012',
        '故障现象：不亮、闪烁',
        '灯具类型：LED 灯',
        '发现时间：2026-05-01 21:30',
        '附件链接：https://img.example.org/report/1.jpg',
      ].join('\n'),
    );

    const xml = await open311('requests', 'GET', `/requests/${id}.xml`);
    expect(xml.root).toBe('service_requests');
    expect(xml.body).toEqual(read.body);
  });

  test('an XML client with only an address, and a JSON client with nested attributes, are answered in kind', async () => {
    const addressOnly = streetLightForm();
    addressOnly.delete('lat');
    addressOnly.delete('long');
    const xml = await submit(addressOnly, { format: 'xml' });
    expect([xml.status, xml.root]).toEqual([201, 'service_requests']);
    expect(xml.body[0].service_request_id).toMatch(/^c-/);
    expect(xml.body[0].account_id).toBeNull();

    const json = await open311('post-response', 'POST', '/requests.json', {
      json: {
        api_key: apiKey(),
        service_code: 'road_repair',
        lat: Number(inside.lat),
        long: Number(inside.long),
        description: 'JSON 客户端：路灯闪烁',
        attribute: { pole_number: 'CX-0099', fault: ['flicker'] },
      },
    });
    expect(json.status).toBe(201);
    const read = await open311('requests', 'GET', `/requests/${json.body[0].service_request_id}.json`);
    expect(read.body[0]).toMatchObject({ description: 'JSON 客户端：路灯闪烁', address: expect.stringContaining(grid.name['zh-CN']) });
  });

  test('a retried submission does not create a second case', async () => {
    const form = streetLightForm({ device_id: 'android-7f3a' });
    const first = await submit(form);
    const retry = await submit(new URLSearchParams([...form.entries()].reverse()));
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body[0].service_request_id).toBe(first.body[0].service_request_id);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await executionsOf(first.body[0].service_request_id)).toBe(1);

    // The same text from another device, or changed text, is another report.
    const otherDevice = await submit(streetLightForm({ device_id: 'android-0000', description: form.get('description')! }));
    expect(otherDevice.body[0].service_request_id).not.toBe(first.body[0].service_request_id);

    // An Idempotency-Key names the case whatever else changes, and cannot be reused for another request.
    const key = `o311-${Date.now()}`;
    const keyed = await submit(streetLightForm({ description: '同一把钥匙' }), { headers: { 'idempotency-key': key } });
    const keyedAgain = await submit(streetLightForm({ description: '同一把钥匙' }), { headers: { 'idempotency-key': key } });
    expect(keyedAgain.body[0].service_request_id).toBe(keyed.body[0].service_request_id);
    const reused = await submit(streetLightForm({ description: '另一件事' }), { headers: { 'idempotency-key': key } });
    expect(reused.status).toBe(400);
    expect(reused.body[0].description).toMatch(/Idempotency-Key/);
    expect(await executionsOf(keyed.body[0].service_request_id)).toBe(1);
  });

  test('a retry just after a window bucket edge finds the first case; after the window it is a new report', async () => {
    const edge = (Math.floor(Date.now() / DEDUP_WINDOW_MS) + 1) * DEDUP_WINDOW_MS;
    const form = streetLightForm({ device_id: 'ios-edge' });
    pinnedNow = edge - 5_000;
    const first = await submit(form, { base: '/pinned/open311/v2' });
    pinnedNow = edge + 5_000;
    const retry = await submit(form, { base: '/pinned/open311/v2' });
    expect(retry.body[0].service_request_id).toBe(first.body[0].service_request_id);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    pinnedNow = edge - 5_000 + DEDUP_WINDOW_MS + 1_000;
    const later = await submit(form, { base: '/pinned/open311/v2' });
    expect(later.body[0].service_request_id).not.toBe(first.body[0].service_request_id);
    expect(later.headers.get('idempotent-replayed')).toBeNull();
  });

  test('the api_key must be an integration key: missing or wrong is 403', async () => {
    const missing = streetLightForm();
    missing.delete('api_key');
    const noKey = await submit(missing);
    expect(noKey.status).toBe(403);
    expect(noKey.body).toEqual([{ code: 403, description: 'api_key was not provided' }]);
    const wrong = await submit(streetLightForm({ api_key: 'not-a-key' }), { format: 'xml' });
    expect([wrong.status, wrong.root]).toEqual([403, 'errors']);
    expect(wrong.body).toEqual([{ code: 403, description: 'invalid api_key' }]);
  });

  test.each([
    ['no service_code', { service_code: '' }, 400, /service_code was not provided/],
    ['an unknown service_code', { service_code: 'alien_landing' }, 404, /service_code "alien_landing" not found/],
    ['HTML in the description', { description: '路灯坏了<script>alert(1)</script>' }, 400, /description: must not contain HTML/],
    ['a description over 4,000 characters', { description: '长'.repeat(4001) }, 400, /description: must be at most 4000 characters/],
    ['an answer outside the listed values', { 'attribute[fault][]': ['dark', 'melted'] }, 400, /attribute\[fault\]: "melted" not among the listed values/],
    ['an unknown attribute', { 'attribute[colour]': 'red' }, 400, /attribute\[colour\]: not an attribute of this service/],
    ['a number that is not one', { 'attribute[count]': '三' }, 400, /attribute\[count\]: must be a number/],
    ['a place outside every grid', { lat: '31.2304', long: '121.4737', address_string: '上海市黄浦区' }, 400, /lat, long: the location lies in no grid/],
    ['lat without long', { long: '', address_string: '' }, 400, /lat, long: both must be sent/],
    ['a malformed e-mail', { email: 'zhangsan@' }, 400, /email/],
  ])('%s is refused in the spec format', async (_what, change, status, description) => {
    const answer = await submit(streetLightForm(change));
    expect(answer.status).toBe(status);
    expect(answer.body.map((error: { description: string }) => error.description).join('\n')).toMatch(description);
    expect(answer.body.every((error: { code: number }) => error.code === status)).toBe(true);
  });

  test('every problem of a submission is named at once', async () => {
    const form = streetLightForm();
    form.delete('attribute[pole_number]');
    form.delete('attribute[fault][]');
    form.delete('lat');
    form.delete('long');
    form.delete('address_string');
    const answer = await submit(form);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual([
      { code: 400, description: 'attribute[pole_number]: required' },
      { code: 400, description: 'attribute[fault]: required' },
      { code: 400, description: 'lat & long or address_string: a location is required' },
    ]);
  });

  test('a body that cannot be read and a bad Idempotency-Key are 400', async () => {
    const malformed = await open311('errors', 'POST', '/requests.json', { rawBody: '{"service_code": ', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
    const badKey = await submit(streetLightForm(), { headers: { 'idempotency-key': 'has spaces in it' } });
    expect(badKey.status).toBe(400);
    expect(badKey.body[0].description).toMatch(/^Idempotency-Key: /);
  });

  test('disputes are not Open311 services: neither submitted nor published', async () => {
    const form = streetLightForm({ service_code: 'neighbour_dispute', description: '邻居家漏水到我家' });
    const refused = await submit(form);
    expect(refused.status).toBe(404);
    expect(refused.body).toEqual([{ code: 404, description: 'service_code "neighbour_dispute" not found' }]);
    const filtered = await open311('errors', 'GET', '/requests.json?service_code=neighbour_dispute');
    expect(filtered.status).toBe(404);
  });
});

describe('GET requests', () => {
  let openId: string;
  let cancelledId: string;

  beforeAll(async () => {
    openId = (await submit(streetLightForm())).body[0].service_request_id;
    cancelledId = (await submit(streetLightForm({ 'attribute[pole_number]': 'CX-CANCEL' }))).body[0].service_request_id;
    const cancelled = await http(stack, 'POST', `/api/v1/cases/${cancelledId}/actions`, {
      body: { type: 'cancel', reason: '居民撤回' },
      headers: { 'x-api-key': apiKey() },
    });
    expect(cancelled.status).toBe(200);
  });

  test('the default window lists recent requests, filtered by status and service code, in JSON and XML', async () => {
    // A cancelled case's workflow completes: the listing reads it from visibility and its memo.
    await waitFor(
      async () => ((await stack.client.workflow.getHandle(cancelledId).describe()).status.name === 'COMPLETED' ? true : undefined),
      20_000,
      'the cancelled case to complete',
    );
    const all = await waitFor(
      async () => {
        const answer = await open311('requests', 'GET', '/requests.json');
        const ids = answer.body.map((request: { service_request_id: string }) => request.service_request_id);
        return ids.includes(openId) && ids.includes(cancelledId) ? answer : undefined;
      },
      30_000,
      'both requests in the listing',
    );
    expect(all.body.find((request: { service_request_id: string }) => request.service_request_id === cancelledId)).toMatchObject({
      status: 'closed',
      status_notes: '办理环节：已撤销；当前层级：网格',
      expected_datetime: null,
    });
    const times = all.body.map((request: { requested_datetime: string }) => Date.parse(request.requested_datetime));
    expect(times).toEqual([...times].sort((a, b) => b - a));

    const closed = await waitFor(async () => {
      const answer = await open311('requests', 'GET', '/requests.json?status=closed');
      return answer.body.some((request: { service_request_id: string }) => request.service_request_id === cancelledId) ? answer : undefined;
    });
    expect(closed.body.every((request: { status: string }) => request.status === 'closed')).toBe(true);
    const open = await open311('requests', 'GET', '/requests.json?status=open&service_code=road_repair,sanitation');
    expect(
      open.body.every(
        (request: { status: string; service_code: string }) => request.status === 'open' && ['road_repair', 'sanitation'].includes(request.service_code),
      ),
    ).toBe(true);
    expect(open.body.map((request: { service_request_id: string }) => request.service_request_id)).toContain(openId);
    const none = await open311('requests', 'GET', '/requests.json?service_code=sanitation');
    expect(none.body.map((request: { service_request_id: string }) => request.service_request_id)).not.toContain(openId);

    const xml = await open311('requests', 'GET', '/requests.xml?status=closed');
    expect(xml.root).toBe('service_requests');
    expect(xml.body.map((request: { service_request_id: string }) => request.service_request_id)).toContain(cancelledId);
  });

  test('cases submitted through /api/v1 are published too, their facts read from the workflow', async () => {
    const created = await http(stack, 'POST', '/api/v1/cases', {
      body: { category: 'sanitation', description: '垃圾三天没人清运', address: `${grid.addresses[0]}3号楼` },
      headers: { 'x-api-key': apiKey() },
    });
    expect(created.status).toBe(201);
    const read = await open311('requests', 'GET', `/requests/${created.body.id}.json`);
    expect(read.body[0]).toMatchObject({ service_code: 'sanitation', status: 'open', description: '垃圾三天没人清运', address: `${grid.addresses[0]}3号楼` });
    const listed = await waitFor(async () => {
      const answer = await open311('requests', 'GET', '/requests.json?service_code=sanitation');
      return answer.body.find((request: { service_request_id: string }) => request.service_request_id === created.body.id);
    });
    expect(listed).toEqual(read.body[0]);
  });

  test('a list of ids overrides every other argument and skips ids that do not exist', async () => {
    const answer = await open311(
      'requests',
      'GET',
      `/requests.json?service_request_id=${cancelledId},c-aaaaaaaaaaaaaaaa,nonsense,${openId}&status=open&service_code=sanitation`,
    );
    expect(answer.body.map((request: { service_request_id: string }) => request.service_request_id)).toEqual([cancelledId, openId]);
  });

  test('the window is at most 90 days, in order, of w3 datetimes; service codes must exist', async () => {
    const tooLong = await open311('errors', 'GET', '/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-04-01T00:00:01Z');
    expect(tooLong.status).toBe(400);
    expect(tooLong.body).toEqual([{ code: 400, description: 'start_date, end_date: may not span more than 90 days' }]);
    const reversed = await open311('errors', 'GET', '/requests.xml?start_date=2026-04-02T00:00:00%2B08:00&end_date=2026-04-01T00:00:00%2B08:00');
    expect([reversed.status, reversed.root]).toEqual([400, 'errors']);
    const garbage = await open311('errors', 'GET', '/requests.json?start_date=yesterday');
    expect(garbage.status).toBe(400);
    const badStatus = await open311('errors', 'GET', '/requests.json?status=pending');
    expect(badStatus.status).toBe(400);
    const unknownService = await open311('errors', 'GET', '/requests.json?service_code=alien_landing');
    expect(unknownService.status).toBe(404);

    const past = await open311('requests', 'GET', '/requests.json?start_date=2025-01-01T00:00:00Z&end_date=2025-03-01T00:00:00Z');
    expect(past.body).toEqual([]);
  });

  test('an escalated request names the unit now handling it; unknown ids are 404', async () => {
    const escalated = await http(stack, 'POST', `/api/v1/cases/${openId}/actions`, {
      body: { type: 'escalate', reason: '需要社区协调' },
      headers: { authorization: `Bearer ${stack.tokenFor(gridWorker().id)}` },
    });
    expect(escalated.status).toBe(200);
    const read = await open311('requests', 'GET', `/requests/${openId}.json`);
    expect(read.body[0]).toMatchObject({ status: 'open', status_notes: '办理环节：已派单；当前层级：社区/村', agency_responsible: community.name['zh-CN'] });
    expect(Date.parse(read.body[0].expected_datetime)).toBe(Date.parse(escalated.body.dueAt));

    for (const path of ['/requests/c-aaaaaaaaaaaaaaaa.json', '/requests/42.json']) {
      const missing = await open311('errors', 'GET', path);
      expect(missing.status).toBe(404);
    }
    const missingXml = await open311('errors', 'GET', '/requests/c-aaaaaaaaaaaaaaaa.xml');
    expect([missingXml.status, missingXml.root]).toEqual([404, 'errors']);
  });
});

describe('tokens', () => {
  test('the token sent with a new request maps to its id; tokens we did not issue are 404', async () => {
    const created = await submit(streetLightForm());
    const token = created.headers.get('open311-token')!;
    expect(token).toBeTruthy();
    const json = await open311('token-response', 'GET', `/tokens/${token}.json`);
    expect(json.body).toEqual([{ service_request_id: created.body[0].service_request_id, token }]);
    const xml = await open311('token-response', 'GET', `/tokens/${token}.xml`);
    expect(xml.root).toBe('service_requests');
    expect(xml.body).toEqual(json.body);

    const forged = `${created.body[0].service_request_id.slice(2)}-000000000000`;
    for (const path of [`/tokens/${forged}.json`, '/tokens/12345.json']) {
      const missing = await open311('errors', 'GET', path);
      expect(missing.status).toBe(404);
    }
  });
});
