/**
 * The scenario of the cases issue, driven only through the HTTP API on a real dev server: a
 * different city with second-long SLAs escalates on time at every level, shows up overdue to the
 * supervisors of its subtree and to no one else, and is worked to closure by staff and resident.
 */
import { tinyCityConfig } from '../helpers/fixtures';
import { http, startStack, waitFor, type Stack } from '../helpers/stack';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ config: tinyCityConfig() });
});

afterAll(async () => {
  await stack?.stop();
});

const BUDGET_MS = 4_000;
/** Lateness we accept on a loaded 2-core machine; the benchmark measures the real figure. */
const TOLERANCE_MS = 2_000;

const bearer = (staffId: string) => ({ authorization: `Bearer ${stack.tokenFor(staffId)}` });
const asApp = () => ({ 'x-api-key': stack.apiKeys.app! });

async function submit(address: string, extra: Record<string, unknown> = {}) {
  const created = await http(stack, 'POST', '/api/v1/cases', {
    body: { category: 'road_repair', description: '井盖缺失', address, reporter: { name: '李四', email: 'lisi@example.com' }, ...extra },
    headers: asApp(),
  });
  expect(created.status).toBe(201);
  return created.body as { id: string; caseToken: string; dueAt: string };
}

describe('escalation scenario over HTTP (4-second SLAs)', () => {
  test('escalates grid → community → street → district on time, then is overdue only to its own supervisors', async () => {
    const submittedAt = Date.now();
    const c = await submit('测试路1号');
    const elsewhere = await submit('测试路2号');
    // Keep the other community's case from going overdue: its worker acknowledges and resolves it.
    await http(stack, 'POST', `/api/v1/cases/${elsewhere.id}/actions`, { body: { type: 'acknowledge' }, headers: bearer('g2-worker') });
    await http(stack, 'POST', `/api/v1/cases/${elsewhere.id}/actions`, { body: { type: 'resolve', note: '已修复' }, headers: bearer('g2-worker') });

    const final = await waitFor(
      async () => {
        const read = await http(stack, 'GET', `/api/v1/cases/${c.id}`, { headers: bearer('d-admin') });
        return read.body.overdue ? read.body : undefined;
      },
      4 * BUDGET_MS + 15_000,
      'the case to be overdue at the district',
    );
    expect(final).toMatchObject({ level: 'district', unitId: 'd', assigneeId: 'd-duty', escalations: 3, status: 'assigned' });
    const escalations = final.timeline.filter((entry: { type: string }) => entry.type === 'escalated');
    expect(escalations.map((entry: { unitId: string }) => entry.unitId)).toEqual(['c', 's', 'd']);
    escalations.forEach((entry: { at: string }, index: number) => {
      const lateness = Date.parse(entry.at) - (Date.parse(final.submittedAt) + (index + 1) * BUDGET_MS);
      expect(lateness).toBeGreaterThanOrEqual(-50);
      expect(lateness).toBeLessThanOrEqual(TOLERANCE_MS);
    });
    expect(Date.parse(final.submittedAt)).toBeGreaterThanOrEqual(submittedAt - 1_000);

    // Overdue: seen by the supervisors above the case, not by the other community or its grid.
    const overdueFor = async (staffId: string, unit?: string) => {
      const response = await http(stack, 'GET', `/api/v1/supervision/overdue${unit ? `?unit=${unit}` : ''}`, { headers: bearer(staffId) });
      return response;
    };
    for (const supervisor of ['c-sec', 's-lead', 'd-admin', 'd-duty']) {
      const seen = await waitFor(
        async () => {
          const response = await overdueFor(supervisor);
          return response.body.items?.some((item: { id: string }) => item.id === c.id) ? response : undefined;
        },
        10_000,
        `${supervisor} to see the overdue case`,
      );
      expect(seen.status).toBe(200);
      expect(seen.body.items.find((item: { id: string }) => item.id === c.id)).toMatchObject({ level: 'district', overdue: true });
    }
    for (const outsider of ['c2-sec', 'g2-worker']) {
      const response = await overdueFor(outsider);
      expect(response.status).toBe(200);
      expect(response.body.items.map((item: { id: string }) => item.id)).not.toContain(c.id);
    }
    expect((await overdueFor('c2-sec', 'c')).status).toBe(403);

    const summary = await http(stack, 'GET', '/api/v1/supervision/summary?unit=s&withinHours=1', { headers: bearer('s-lead') });
    expect(summary.status).toBe(200);
    expect(summary.body.overdue).toBeGreaterThanOrEqual(1);
    expect(summary.body.byStatusAndLevel.assigned.district).toBeGreaterThanOrEqual(1);
    expect(summary.body.loadByAssignee).toEqual(expect.arrayContaining([expect.objectContaining({ assigneeId: 'd-duty', overdue: expect.any(Number) })]));
    expect(summary.body.children.map((child: { unitId: string }) => child.unitId).sort()).toEqual(['c', 'c2']);
    expect(summary.body.children.find((child: { unitId: string }) => child.unitId === 'c').overdue).toBeGreaterThanOrEqual(1);

    // Every new assignee was told, with the supervisors of the unit it escalated to.
    const mails = await waitFor(
      async () => {
        const all = (await stack.mails()).filter((mail) => mail.subject?.includes(c.id));
        const to = all.flatMap((mail) => (mail.to && !Array.isArray(mail.to) ? mail.to.value.map((v) => v.address) : []));
        return ['c-sec@example.org', 's-duty@example.org', 's-lead@example.org', 'd-duty@example.org', 'd-admin@example.org'].every((a) => to.includes(a))
          ? all
          : undefined;
      },
      15_000,
      'escalation e-mails',
    );
    const toCommunity = mails.find((mail) => mail.subject?.includes('升级') && mail.text?.includes('社区'));
    expect(toCommunity?.text).toContain('办理记录');

    // The district works it: wrong actor 403, wrong state 409, then resolve and the resident closes it.
    expect((await http(stack, 'POST', `/api/v1/cases/${c.id}/actions`, { body: { type: 'acknowledge' }, headers: bearer('s-duty') })).status).toBe(403);
    expect((await http(stack, 'POST', `/api/v1/cases/${c.id}/actions`, { body: { type: 'resolve', note: 'x' }, headers: bearer('d-duty') })).status).toBe(409);
    expect((await http(stack, 'POST', `/api/v1/cases/${c.id}/actions`, { body: { type: 'acknowledge' }, headers: bearer('d-duty') })).status).toBe(200);
    const resolved = await http(stack, 'POST', `/api/v1/cases/${c.id}/actions`, { body: { type: 'resolve', note: '已补装井盖' }, headers: bearer('d-duty') });
    expect(resolved.body).toMatchObject({ status: 'resolved', resolvedAtLevel: 'district' });
    const residentMail = await waitFor(
      async () => (await stack.mails()).find((m) => m.subject?.includes(c.id) && m.to && !Array.isArray(m.to) && m.to.value[0]?.address === 'lisi@example.com'),
      10_000,
      'the resident e-mail',
    );
    expect(residentMail.text).toContain('已补装井盖');
    const closed = await http(stack, 'POST', `/api/v1/cases/${c.id}/feedback`, {
      body: { satisfied: true, rating: 4 },
      headers: { 'x-case-token': c.caseToken },
    });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', rating: 4 });
    expect(closed.body.reporter).toBeUndefined();
    const again = await http(stack, 'POST', `/api/v1/cases/${c.id}/feedback`, { body: { satisfied: false }, headers: { 'x-case-token': c.caseToken } });
    expect(again.status).toBe(409);

    const gone = await waitFor(
      async () => {
        const response = await overdueFor('c-sec');
        return response.body.items.some((item: { id: string }) => item.id === c.id) ? undefined : response;
      },
      10_000,
      'the closed case to leave the overdue board',
    );
    expect(gone.status).toBe(200);
  });

  test('an unknown place is a 422 naming the field, never a guess', async () => {
    const byLocation = await http(stack, 'POST', '/api/v1/cases', {
      body: { category: 'road_repair', description: 'x', location: { lat: 1, lng: 1 } },
      headers: asApp(),
    });
    expect(byLocation.status).toBe(422);
    expect(byLocation.body.errors[0].field).toBe('body.location');
    const byGrid = await http(stack, 'POST', '/api/v1/cases', { body: { category: 'road_repair', description: 'x', gridId: 'c' }, headers: asApp() });
    expect(byGrid.status).toBe(422);
    expect(byGrid.body.errors[0].field).toBe('body.gridId');
    const none = await http(stack, 'POST', '/api/v1/cases', { body: { category: 'road_repair', description: 'x' }, headers: asApp() });
    expect(none.status).toBe(422);
  });

  test('the resident asks for more time: request_info pauses the deadline over HTTP', async () => {
    const c = await submit('测试路1号');
    await http(stack, 'POST', `/api/v1/cases/${c.id}/actions`, { body: { type: 'acknowledge' }, headers: bearer('g-worker') });
    const paused = await http(stack, 'POST', `/api/v1/cases/${c.id}/actions`, {
      body: { type: 'request_info', note: '请提供具体位置照片' },
      headers: bearer('g-worker'),
    });
    expect(paused.body).toMatchObject({ status: 'waiting_info' });
    expect(paused.body.dueAt).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, BUDGET_MS + 1_000));
    const still = await http(stack, 'GET', `/api/v1/cases/${c.id}`, { headers: { 'x-case-token': c.caseToken } });
    expect(still.body).toMatchObject({ level: 'grid', status: 'waiting_info' });
    // The resident sees the question, not internal notes.
    expect(still.body.timeline.find((entry: { type: string }) => entry.type === 'info_requested').note).toBe('请提供具体位置照片');
    const resumed = await http(stack, 'POST', `/api/v1/cases/${c.id}/actions`, {
      body: { type: 'info_provided', note: '已上传' },
      headers: { 'x-case-token': c.caseToken },
    });
    expect(resumed.status).toBe(200);
    expect(resumed.body.status).toBe('acknowledged');
    const cancelled = await http(stack, 'POST', `/api/v1/cases/${c.id}/actions`, {
      body: { type: 'cancel', reason: '已自行解决' },
      headers: { 'x-case-token': c.caseToken },
    });
    expect(cancelled.body.status).toBe('cancelled');
  });
});
