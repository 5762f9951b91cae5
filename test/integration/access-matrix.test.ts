/**
 * The access-control matrix (issue 9, item 3): every route × every kind of caller, in and out of
 * scope, with the exact status each must get, on the real stack (dev server, worker, HTTP). The
 * subjects live in grid santang-1 of the demo city (santang village, changxingdao street); the
 * "out" callers hold the same role one branch over. Then every way a credential can be wrong
 * must be a 401, and nothing an out-of-scope caller tried may have changed a case.
 */
import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { caseWorkflowId, getCaseQuery } from '../../src/workflows/case-definitions';
import { demoConfig } from '../helpers/fixtures';
import { http, startStack, type Stack } from '../helpers/stack';

let stack: Stack;

/** Every kind of caller the matrix tries. */
const CALLERS = [
  'anonymous',
  'resident',
  'residentOther',
  'integration',
  'integrationOther',
  'gridWorker',
  'gridWorkerOut',
  'community',
  'communityOut',
  'street',
  'streetOut',
  'district',
  'admin',
] as const;
type Caller = (typeof CALLERS)[number];

/** The staff behind each staff caller: the "Out" ones hold the same role elsewhere. */
const STAFF: Partial<Record<Caller, string>> = {
  gridWorker: 'sui-lei', // grid worker of santang-1
  gridWorkerOut: 'chi-yong', // santang-2, the neighbouring grid
  community: 'qu-guilan', // supervisor of santang village
  communityOut: 'cong-haiyan', // supervisor of bachagou village, same street
  street: 'yu-min', // supervisor of changxingdao street
  streetOut: 'chen-li', // supervisor of jiaoliudao street
  district: 'li-li', // district supervisor (the district is the whole tree)
  admin: 'liu-guoqing',
};

/** What a matrix row acts on. */
interface Subject {
  caseId: string;
  caseToken: string;
  mediationId: string;
  obligationId: string;
}

/** The shared subjects, and a second case whose token the "residentOther" caller holds. */
let shared: Subject;
let otherCaseToken: string;

function headersFor(caller: Caller, subject: Subject): Record<string, string> {
  const staffId = STAFF[caller];
  if (staffId) return { authorization: `Bearer ${stack.tokenFor(staffId)}` };
  switch (caller) {
    case 'resident':
      return { 'x-case-token': subject.caseToken };
    case 'residentOther':
      return { 'x-case-token': otherCaseToken };
    case 'integration':
      return { 'x-api-key': stack.apiKeys['hotline-12345']! };
    case 'integrationOther':
      return { 'x-api-key': stack.apiKeys['wechat-miniapp']! };
    default:
      return {};
  }
}

const asAdmin = () => ({ authorization: `Bearer ${stack.tokenFor('liu-guoqing')}` });
const asHotline = () => ({ 'x-api-key': stack.apiKeys['hotline-12345']! });
let serial = 0;

/** A road repair case in santang-1 through the hotline. */
async function submitCase(): Promise<{ id: string; caseToken: string }> {
  const created = await http(stack, 'POST', '/api/v1/cases', {
    body: { category: 'road_repair', description: `三堂村一组路灯不亮 #${++serial}`, address: '三堂村一组5号楼' },
    headers: asHotline(),
  });
  expect(created.status).toBe(201);
  return created.body as { id: string; caseToken: string };
}

/** Takes a case through a step as the grid worker, asserting it was accepted. */
async function step(caseId: string, action: Record<string, unknown>): Promise<void> {
  const response = await http(stack, 'POST', `/api/v1/cases/${caseId}/actions`, {
    body: action,
    headers: { authorization: `Bearer ${stack.tokenFor('sui-lei')}` },
  });
  expect(response.status).toBe(200);
}

/**
 * Obligee × period pairs for obligations made fresh for one cell; ids must not repeat (the
 * POST /obligations row creates sui-lei's, so these are supervisors' own duties to the grid).
 */
const FRESH_OBLIGATIONS = ['qu-guilan', 'yu-min', 'li-li'].flatMap((obligeeId) =>
  ['P1D', 'P2D', 'P14D', 'P21D', 'P28D', 'P1M', 'P2M', 'P3M', 'P4M', 'P6M', 'P1Y'].map((period) => ({ obligeeId, period })),
);

/** An obligation to contact santang-1, created by the admin. */
async function createObligation(spec: { obligeeId: string; period: string }): Promise<string> {
  const created = await http(stack, 'POST', '/api/v1/obligations', { body: { ...spec, unitId: 'santang-1', times: 1 }, headers: asAdmin() });
  expect(created.status).toBe(201);
  return (created.body as { id: string }).id;
}

type Fresh = 'case' | 'resolvedCase' | 'obligation';

async function freshSubject(kind: Fresh): Promise<Subject> {
  if (kind === 'obligation') {
    const spec = FRESH_OBLIGATIONS.pop();
    if (!spec) throw new Error('out of fresh obligation ids');
    return { ...shared, obligationId: await createObligation(spec) };
  }
  const created = await submitCase();
  if (kind === 'resolvedCase') {
    await step(created.id, { type: 'acknowledge' });
    await step(created.id, { type: 'resolve', note: '已更换灯泡' });
  }
  return { ...shared, caseId: created.id, caseToken: created.caseToken };
}

interface Row {
  route: string;
  /** Cells that change what they act on get a subject of their own. */
  fresh?: Fresh;
  request(subject: Subject, caller: Caller): { method: string; path: string; body?: unknown };
  /** Expected status per caller, in CALLERS order. */
  expect: [number, number, number, number, number, number, number, number, number, number, number, number, number];
}

// Columns: anonymous, resident, residentOther, integration, integrationOther, gridWorker,
// gridWorkerOut, community, communityOut, street, streetOut, district, admin.
const STAFF_SUBTREE_READ: Row['expect'] = [401, 401, 401, 403, 403, 200, 403, 200, 403, 200, 403, 200, 200];
/** A route only admins may use; `ok` is what the admin gets. */
const ADMIN_ONLY = (ok: number): Row['expect'] => [401, 401, 401, 403, 403, 403, 403, 403, 403, 403, 403, 403, ok];

const ROWS: Row[] = [
  {
    route: 'POST /cases (into santang-1)',
    request: (_subject, caller) => ({
      method: 'POST',
      path: '/api/v1/cases',
      body: { category: 'road_repair', description: `矩阵提交 ${caller} #${++serial}`, gridId: 'santang-1' },
    }),
    expect: [401, 401, 401, 201, 201, 201, 403, 201, 403, 201, 403, 201, 201],
  },
  {
    route: 'GET /cases/:id',
    request: (s) => ({ method: 'GET', path: `/api/v1/cases/${s.caseId}` }),
    expect: [401, 200, 403, 200, 403, 200, 403, 200, 403, 200, 403, 200, 200],
  },
  { route: 'GET /cases?unit=santang-1', request: () => ({ method: 'GET', path: '/api/v1/cases?unit=santang-1' }), expect: STAFF_SUBTREE_READ },
  {
    route: 'POST /cases/:id/actions note',
    request: (s, caller) => ({ method: 'POST', path: `/api/v1/cases/${s.caseId}/actions`, body: { type: 'note', note: `note by ${caller}` } }),
    expect: [401, 403, 403, 403, 403, 200, 403, 200, 403, 200, 403, 200, 200],
  },
  {
    route: 'POST /cases/:id/actions acknowledge',
    fresh: 'case',
    request: (s) => ({ method: 'POST', path: `/api/v1/cases/${s.caseId}/actions`, body: { type: 'acknowledge' } }),
    expect: [401, 403, 403, 403, 403, 200, 403, 403, 403, 403, 403, 403, 403],
  },
  {
    route: 'POST /cases/:id/actions escalate',
    fresh: 'case',
    request: (s) => ({ method: 'POST', path: `/api/v1/cases/${s.caseId}/actions`, body: { type: 'escalate', reason: '需要上级协调' } }),
    expect: [401, 403, 403, 403, 403, 200, 403, 200, 403, 200, 403, 200, 200],
  },
  {
    // To chi-yong of santang-2: in the scope of the village and above, outside the grid worker's
    // and the other branches' (422 names the assignee; nothing reaches the case).
    route: 'POST /cases/:id/actions reassign',
    fresh: 'case',
    request: (s) => ({ method: 'POST', path: `/api/v1/cases/${s.caseId}/actions`, body: { type: 'reassign', assigneeId: 'chi-yong' } }),
    expect: [401, 401, 401, 403, 403, 422, 403, 200, 422, 200, 422, 200, 200],
  },
  {
    route: 'POST /cases/:id/actions cancel',
    fresh: 'case',
    request: (s) => ({ method: 'POST', path: `/api/v1/cases/${s.caseId}/actions`, body: { type: 'cancel', reason: '重复提交' } }),
    expect: [401, 200, 403, 200, 403, 403, 403, 200, 403, 200, 403, 200, 200],
  },
  {
    route: 'POST /cases/:id/feedback (resolved case)',
    fresh: 'resolvedCase',
    request: (s) => ({ method: 'POST', path: `/api/v1/cases/${s.caseId}/feedback`, body: { satisfied: true, rating: 5 } }),
    expect: [401, 200, 403, 200, 403, 403, 403, 403, 403, 403, 403, 403, 403],
  },
  {
    // The committees are santang, changxingdao and changxing: the grid is not one of them.
    route: 'GET /mediations/:id',
    request: (s) => ({ method: 'GET', path: `/api/v1/mediations/${s.mediationId}` }),
    expect: [401, 401, 401, 200, 403, 403, 403, 200, 403, 200, 403, 200, 200],
  },
  {
    route: 'POST /mediations/:id/actions note',
    request: (s, caller) => ({ method: 'POST', path: `/api/v1/mediations/${s.mediationId}/actions`, body: { type: 'note', note: `note by ${caller}` } }),
    expect: [401, 401, 401, 403, 403, 403, 403, 200, 403, 200, 403, 200, 200],
  },
  {
    route: 'GET /supervision/overdue?unit=santang-1',
    request: () => ({ method: 'GET', path: '/api/v1/supervision/overdue?unit=santang-1' }),
    expect: STAFF_SUBTREE_READ,
  },
  {
    route: 'GET /supervision/summary?unit=santang-1',
    request: () => ({ method: 'GET', path: '/api/v1/supervision/summary?unit=santang-1' }),
    expect: STAFF_SUBTREE_READ,
  },
  {
    route: 'POST /obligations (sui-lei contacts santang-1)',
    request: (_subject, caller) => ({
      method: 'POST',
      path: '/api/v1/obligations',
      // One period per caller, so each allowed creation is a new obligation rather than a 409.
      body: { obligeeId: 'sui-lei', unitId: 'santang-1', period: `P${3 + CALLERS.indexOf(caller)}D`, times: 1 },
    }),
    expect: [401, 401, 401, 403, 403, 403, 403, 201, 403, 201, 403, 201, 201],
  },
  { route: 'GET /obligations?unit=santang-1', request: () => ({ method: 'GET', path: '/api/v1/obligations?unit=santang-1' }), expect: STAFF_SUBTREE_READ },
  {
    route: 'GET /obligations/compliance?unit=santang-1',
    request: () => ({ method: 'GET', path: '/api/v1/obligations/compliance?unit=santang-1' }),
    expect: STAFF_SUBTREE_READ,
  },
  { route: 'GET /obligations/:id', request: (s) => ({ method: 'GET', path: `/api/v1/obligations/${s.obligationId}` }), expect: STAFF_SUBTREE_READ },
  {
    route: 'POST /obligations/:id/contacts',
    request: (s) => ({ method: 'POST', path: `/api/v1/obligations/${s.obligationId}/contacts`, body: { at: new Date().toISOString(), channel: 'visit' } }),
    expect: [401, 401, 401, 403, 403, 201, 403, 201, 403, 201, 403, 201, 201],
  },
  {
    route: 'PATCH /obligations/:id (to chi-yong)',
    fresh: 'obligation',
    request: (s) => ({ method: 'PATCH', path: `/api/v1/obligations/${s.obligationId}`, body: { obligeeId: 'chi-yong' } }),
    expect: [401, 401, 401, 403, 403, 403, 403, 200, 403, 200, 403, 200, 200],
  },
  {
    route: 'DELETE /obligations/:id',
    fresh: 'obligation',
    request: (s) => ({ method: 'DELETE', path: `/api/v1/obligations/${s.obligationId}` }),
    expect: [401, 401, 401, 403, 403, 403, 403, 200, 403, 200, 403, 200, 200],
  },
  {
    // Who the caller is and the directory of their own subtree: any staff member, no one else.
    route: 'GET /me',
    request: () => ({ method: 'GET', path: '/api/v1/me' }),
    expect: [401, 401, 401, 403, 403, 200, 200, 200, 200, 200, 200, 200, 200],
  },
  { route: 'GET /reports/cases?unit=santang-1', request: () => ({ method: 'GET', path: '/api/v1/reports/cases?unit=santang-1' }), expect: STAFF_SUBTREE_READ },
  {
    route: 'GET /reports/mediations?unit=santang-1',
    request: () => ({ method: 'GET', path: '/api/v1/reports/mediations?unit=santang-1' }),
    expect: STAFF_SUBTREE_READ,
  },
  {
    route: 'GET /reports/obligations?unit=santang-1',
    request: () => ({ method: 'GET', path: '/api/v1/reports/obligations?unit=santang-1' }),
    expect: STAFF_SUBTREE_READ,
  },
  // The directory's admin API and the hand-over of leavers: admins only (liu-guoqing administers the district).
  { route: 'GET /admin/directory', request: () => ({ method: 'GET', path: '/api/v1/admin/directory' }), expect: ADMIN_ONLY(200) },
  { route: 'GET /admin/units', request: () => ({ method: 'GET', path: '/api/v1/admin/units' }), expect: ADMIN_ONLY(200) },
  { route: 'GET /admin/staff/:id', request: () => ({ method: 'GET', path: '/api/v1/admin/staff/sui-lei' }), expect: ADMIN_ONLY(200) },
  { route: 'GET /admin/audit', request: () => ({ method: 'GET', path: '/api/v1/admin/audit' }), expect: ADMIN_ONLY(200) },
  {
    // Without a successor the admin's request is a 400 naming the field; nobody is deactivated.
    route: 'POST /admin/staff/:id/deactivate (no successor)',
    request: () => ({ method: 'POST', path: '/api/v1/admin/staff/sui-lei/deactivate', body: {} }),
    expect: ADMIN_ONLY(400),
  },
  { route: 'GET /admin/hand-overs/:id (none)', request: () => ({ method: 'GET', path: '/api/v1/admin/hand-overs/hand-over-nobody' }), expect: ADMIN_ONLY(404) },
  {
    // The page itself is public; everything it shows comes from the API with the signed-in token.
    route: 'GET /dashboard/',
    request: () => ({ method: 'GET', path: '/dashboard/' }),
    expect: [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
  },
  {
    // GeoReport v2 knows only api_key: a staff token is no credential there (the spec's 403).
    route: 'POST /open311/v2/requests.json',
    request: (_subject, caller) => ({
      method: 'POST',
      path: '/open311/v2/requests.json',
      body: {
        service_code: 'road_repair',
        address_string: '三堂村一组5号楼',
        description: `路面坑洼 ${caller} #${++serial}`,
        attribute: { hazard: 'pothole' },
      },
    }),
    expect: [403, 403, 403, 201, 201, 403, 403, 403, 403, 403, 403, 403, 403],
  },
  {
    // The public record of the spec: no personal data, the same for everyone.
    route: 'GET /open311/v2/requests/:id.json',
    request: (s) => ({ method: 'GET', path: `/open311/v2/requests/${s.caseId}.json` }),
    expect: [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
  },
];

beforeAll(async () => {
  stack = await startStack({ config: demoConfig });
  const subjectCase = await submitCase();
  otherCaseToken = (await submitCase()).caseToken;
  const dispute = await http(stack, 'POST', '/api/v1/cases', {
    body: {
      category: 'neighbour_dispute',
      description: '楼上漏水，协商未果',
      address: '三堂村一组7号楼',
      parties: [
        { name: '王一', role: 'applicant', phone: '13812340001' },
        { name: '李二', role: 'respondent', phone: '13812340002' },
      ],
    },
    headers: asHotline(),
  });
  expect(dispute.status).toBe(201);
  shared = {
    caseId: subjectCase.id,
    caseToken: subjectCase.caseToken,
    mediationId: `m-${(dispute.body as { id: string }).id.slice(2)}`,
    obligationId: await createObligation({ obligeeId: 'sui-lei', period: 'P7D' }),
  };
});

afterAll(async () => {
  await stack?.stop();
});

describe.each(ROWS)('$route', (row) => {
  test.each(CALLERS.map((caller, index) => [caller, row.expect[index]!] as const))('%s → %i', async (caller, status) => {
    const subject = row.fresh ? await freshSubject(row.fresh) : shared;
    const { method, path, body } = row.request(subject, caller);
    const response = await http(stack, method, path, { body, headers: headersFor(caller, subject) });
    expect({ caller, status: response.status }).toEqual({ caller, status });
    if (status >= 400 && path.startsWith('/api/')) expect(response.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe("/me lists only the caller's own subtree", () => {
  test.each([
    ['gridWorker', ['santang-1'], ['santang-2', 'santang', 'changxing']],
    ['communityOut', ['bachagou'], ['santang', 'santang-1', 'changxingdao']],
    ['street', ['changxingdao', 'santang', 'santang-1'], ['jiaoliudao', 'changxing']],
  ] as const)('%s', async (caller, inside, outside) => {
    const me = await http(stack, 'GET', '/api/v1/me', { headers: headersFor(caller, shared) });
    const units = (me.body as { units: { id: string }[] }).units.map((unit) => unit.id);
    expect(units).toEqual(expect.arrayContaining([...inside]));
    for (const unit of outside) expect(units).not.toContain(unit);
  });
});

describe('what the refused callers tried left no trace', () => {
  test('the shared case carries exactly the notes of the callers allowed to add one', async () => {
    const state = await stack.client.workflow.getHandle(caseWorkflowId(shared.caseId)).query(getCaseQuery);
    const notes = state.timeline.filter((entry) => entry.type === 'note').map((entry) => entry.note);
    expect(notes.sort()).toEqual(['note by admin', 'note by community', 'note by district', 'note by gridWorker', 'note by street'].sort());
  });
});

describe('a credential that does not verify is a 401, whatever else the request carries', () => {
  const secret = () => stack.authSecret;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const unsigned = (claims: object) =>
    `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
  const claims = () => ({ sub: 'liu-guoqing', iss: 'gridflow', exp: Math.floor(Date.now() / 1000) + 3600 });

  const BAD_TOKENS: [string, () => string][] = [
    [
      'signed with another secret',
      () => jwt.sign({}, 'another-secret-of-at-least-32-characters', { algorithm: 'HS256', subject: 'liu-guoqing', issuer: 'gridflow', expiresIn: '1h' }),
    ],
    [
      'a tampered payload',
      () => {
        const [header, , signature] = stack.tokenFor('sui-lei').split('.');
        return `${header}.${Buffer.from(JSON.stringify(claims())).toString('base64url')}.${signature}`;
      },
    ],
    ['alg none', () => unsigned(claims())],
    ['alg none with an empty signature and no trailing dot', () => unsigned(claims()).slice(0, -1)],
    ['HS512 with the right secret', () => jwt.sign({}, secret(), { algorithm: 'HS512', subject: 'liu-guoqing', issuer: 'gridflow', expiresIn: '1h' })],
    ['HS384 with the right secret', () => jwt.sign({}, secret(), { algorithm: 'HS384', subject: 'liu-guoqing', issuer: 'gridflow', expiresIn: '1h' })],
    ['RS256 with a key of its own', () => jwt.sign({}, privateKey, { algorithm: 'RS256', subject: 'liu-guoqing', issuer: 'gridflow', expiresIn: '1h' })],
    [
      'expired',
      () =>
        jwt.sign({ iat: Math.floor(Date.now() / 1000) - 7200 }, secret(), { algorithm: 'HS256', subject: 'liu-guoqing', issuer: 'gridflow', expiresIn: '1h' }),
    ],
    ['not valid yet', () => jwt.sign({}, secret(), { algorithm: 'HS256', subject: 'liu-guoqing', issuer: 'gridflow', expiresIn: '2h', notBefore: '1h' })],
    ['for an unknown staff id', () => stack.tokenFor('no-such-person')],
    ['without a subject', () => jwt.sign({}, secret(), { algorithm: 'HS256', issuer: 'gridflow', expiresIn: '1h' })],
    ['from another issuer', () => jwt.sign({}, secret(), { algorithm: 'HS256', subject: 'liu-guoqing', issuer: 'someone-else', expiresIn: '1h' })],
    ['not a JWT at all', () => 'not-a-jwt'],
  ];

  const ROUTES = (caseId: string): [string, string, unknown?][] => [
    ['GET', `/api/v1/cases/${caseId}`],
    ['GET', '/api/v1/cases'],
    ['POST', '/api/v1/cases', { category: 'road_repair', description: '坏令牌', gridId: 'santang-1' }],
    ['POST', `/api/v1/cases/${caseId}/actions`, { type: 'note', note: '坏令牌' }],
    ['GET', '/api/v1/supervision/overdue'],
    ['GET', '/api/v1/obligations'],
  ];

  test.each(BAD_TOKENS)('a token %s', async (_what, token) => {
    for (const [method, path, body] of ROUTES(shared.caseId)) {
      // Even beside the resident's valid case token: a bad token is never ignored.
      const response = await http(stack, method, path, { body, headers: { authorization: `Bearer ${token()}`, 'x-case-token': shared.caseToken } });
      expect({ method, path, status: response.status }).toEqual({ method, path, status: 401 });
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  test.each([
    ['an unknown key', 'gf_unknown-key'],
    ['a valid key with a character changed', () => `${stack.apiKeys['hotline-12345']!.slice(0, -1)}x`],
    ['the stored hash itself', () => stack.config.integrations[0]!.apiKeySha256[0]!],
  ])('an API key that is %s', async (_what, key) => {
    const apiKey = typeof key === 'function' ? key() : key;
    for (const [method, path, body] of ROUTES(shared.caseId)) {
      const response = await http(stack, method, path, { body, headers: { 'x-api-key': apiKey } });
      expect({ method, path, status: response.status }).toEqual({ method, path, status: 401 });
    }
  });

  test('the config holds only SHA-256 hashes of the keys, never a key', () => {
    const stored = JSON.stringify(stack.config);
    for (const key of Object.values(stack.apiKeys)) expect(stored).not.toContain(key);
    for (const integration of stack.config.integrations) for (const hash of integration.apiKeySha256) expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });
});
