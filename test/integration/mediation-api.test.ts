/**
 * `/mediations` over HTTP against a real dev server: scope (403/404/401), steps accepted or
 * refused by the workflow's validator (409), input the route itself rejects (400/422), contact
 * masking, and the mediation on the supervisors' board through the shared search attributes.
 */
import { mediationInputFor } from '../../src/domain/mediation-model';
import { ASSIGNEE, KIND, STATUS, UNITS } from '../../src/temporal/search-attributes';
import { mediationWorkflow } from '../../src/workflows/mediation';
import { caseInputFor, demoConfig, demoGrid } from '../helpers/fixtures';
import { http, startStack, waitFor, type Stack } from '../helpers/stack';

let stack: Stack;
/** The mediation routes are mounted by createApp like every other route. */
let api: { baseUrl: string };

beforeAll(async () => {
  stack = await startStack({ config: demoConfig });
  api = stack;
});

afterAll(async () => {
  await stack?.stop();
});

const bearer = (staffId: string) => ({ authorization: `Bearer ${stack.tokenFor(staffId)}` });

async function startMediation(): Promise<string> {
  const dispute = caseInputFor({ submittedAtMs: Date.now(), gridId: demoGrid.id, category: 'neighbour_dispute' });
  const input = mediationInputFor(
    stack.config,
    dispute,
    [
      { name: '张三', role: 'applicant', phone: '+8613812345678', email: 'zhangsan@example.org' },
      { name: '李四', role: 'respondent', phone: '+8613900001111' },
    ],
    { requestedBy: { kind: 'staff', id: 'qu-guilan', role: 'supervisor', unitId: 'santang' }, now: new Date() },
  );
  await stack.client.workflow.start(mediationWorkflow, { args: [input], workflowId: input.mediationId, taskQueue: stack.taskQueue });
  return input.mediationId;
}

describe('/mediations over HTTP', () => {
  test('reads and steps through a mediation within scope; refusals keep their meaning', async () => {
    const id = await startMediation();
    const path = `/api/v1/mediations/${id}`;
    const step = (body: unknown, staffId: string) => http(api, 'POST', `${path}/actions`, { body, headers: bearer(staffId) });

    expect((await http(api, 'GET', path)).status).toBe(401);
    // The grid worker's unit is below the committees; another village's secretary is elsewhere.
    expect((await http(api, 'GET', path, { headers: bearer('sui-lei') })).status).toBe(403);
    expect((await http(api, 'GET', path, { headers: bearer('cong-haiyan') })).status).toBe(403);
    expect((await http(api, 'GET', '/api/v1/mediations/m-doesnotexist', { headers: bearer('liu-guoqing') })).status).toBe(404);
    expect((await http(api, 'GET', '/api/v1/mediations/NOT-AN-ID', { headers: bearer('liu-guoqing') })).status).toBe(400);

    const read = await http(api, 'GET', path, { headers: bearer('qu-guilan') });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id, stage: 'consent', level: 'community', unitId: 'santang', units: ['santang', 'changxingdao', 'changxing'] });
    expect(read.body.parties.map((party: { phone: string }) => party.phone)).toEqual(['+8613812345678', '+8613900001111']);
    expect(read.body.ladder).toBeUndefined();
    // The street's duty officer may read it, but need not call the parties.
    const officer = await http(api, 'GET', path, { headers: bearer('sun-zhenhua') });
    expect(officer.body.parties[0].phone).toBe('138****5678');

    const badBody = await step({ type: 'consent', partyId: 'p1' }, 'qu-guilan');
    expect(badBody.status).toBe(400);
    expect(badBody.body.errors.map((error: { field: string }) => error.field)).toContain('body.given');
    expect((await step({ type: 'consent', partyId: 'p9', given: true }, 'qu-guilan')).status).toBe(422);
    expect((await step({ type: 'consent', partyId: 'p1', given: true }, 'qu-guilan')).status).toBe(200);
    const twice = await step({ type: 'consent', partyId: 'p1', given: true }, 'qu-guilan');
    expect(twice.status).toBe(409);
    expect(twice.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(twice.body.detail).toBe('当事人 p1 已经答复');
    const consented = await step({ type: 'consent', partyId: 'p2', given: true, note: '电话答复同意' }, 'qu-guilan');
    expect(consented.body.stage).toBe('assignment');

    expect((await step({ type: 'assign_mediator', mediatorId: 'nobody' }, 'qu-guilan')).status).toBe(422);
    const streetMediator = await step({ type: 'assign_mediator', mediatorId: 'jiang-jie' }, 'qu-guilan');
    expect(streetMediator.status).toBe(409);
    expect(streetMediator.body.detail).toBe('jiang-jie 不是 santang 人民调解委员会的调解员');
    // A mediator may take the dispute for the committee, but not extend it: that is a supervisor's.
    const assigned = await step({ type: 'assign_mediator', mediatorId: 'song-lixin' }, 'song-lixin');
    expect(assigned.body).toMatchObject({ stage: 'sessions', mediatorId: 'song-lixin', round: { sessionsHeld: 0 } });
    expect((await step({ type: 'extend', reason: '当事人外出' }, 'song-lixin')).status).toBe(403);

    const past = await step({ type: 'schedule_session', at: new Date(Date.now() - 60_000).toISOString(), place: '村委会' }, 'song-lixin');
    expect(past.status).toBe(422);
    expect(past.body.errors[0].field).toBe('body.at');
    const agreementWithout = await step({ type: 'record_outcome', outcome: 'agreement' }, 'song-lixin');
    expect(agreementWithout.status).toBe(400);
    expect(agreementWithout.body.errors[0].field).toBe('body.agreement');
    const at = new Date(Date.now() + 2 * 86_400_000).toISOString();
    const scheduled = await step({ type: 'schedule_session', at, place: '三堂村村委会调解室' }, 'song-lixin');
    expect(scheduled.status).toBe(200);
    expect(scheduled.body.sessions).toEqual([expect.objectContaining({ no: 1, at, place: '三堂村村委会调解室', mediatorId: 'song-lixin' })]);

    // On the supervisors' board like a case: kind, stage, the committees, the mediator.
    const query = `${KIND.name} = 'mediation' AND ${UNITS.name} = 'changxingdao' AND ${STATUS.name} = 'sessions' AND ${ASSIGNEE.name} = 'song-lixin'`;
    const listed = await waitFor(
      async () => {
        for await (const execution of stack.client.workflow.list({ query })) if (execution.workflowId === id) return execution;
        return undefined;
      },
      20_000,
      'the mediation in visibility',
    );
    expect(listed.typedSearchAttributes.get(KIND)).toBe('mediation');

    const withdrawn = await step({ type: 'withdraw', partyId: 'p2', reason: '已自行和解' }, 'qu-guilan');
    expect(withdrawn.body).toMatchObject({ stage: 'withdrawn', sessions: [{ outcome: 'cancelled' }] });
    await stack.client.workflow.getHandle(id).result();
    const closed = await step({ type: 'note', note: '回访' }, 'qu-guilan');
    expect(closed.status).toBe(409);
  });
});

describe('a dispute case runs its mediation as a child workflow', () => {
  test('submitted with its parties, the case is in mediation, shows each stage, and closes when the mediation ends', async () => {
    const grid = demoConfig.units.find((unit) => unit.level === 'grid' && unit.addresses.length > 0)!;
    const created = await http(stack, 'POST', '/api/v1/cases', {
      headers: { 'x-api-key': stack.apiKeys['hotline-12345']! },
      body: {
        category: 'neighbour_dispute',
        description: '楼上漏水，协商未果',
        address: grid.addresses[0],
        parties: [
          { name: '张三', role: 'applicant', phone: '13812345678' },
          { name: '李四', role: 'respondent' },
        ],
      },
    });
    expect(created.status).toBe(201);
    const caseId = created.body.id as string;
    const supervisor = `Bearer ${stack.tokenFor(demoConfig.staff.find((p) => p.role === 'supervisor' && p.unit === grid.parent)!.id)}`;
    const inMediation = await waitFor(
      async () => {
        const read = await http(stack, 'GET', `/api/v1/cases/${caseId}`, { headers: { authorization: supervisor } });
        return read.body.status === 'in_mediation' ? read.body : undefined;
      },
      20_000,
      'the case to go to mediation',
    );
    expect(inMediation.mediation).toMatchObject({ stage: 'consent', level: 'community', unitId: grid.parent, final: false });
    const mediationId = inMediation.mediation.mediationId as string;
    expect(inMediation.dueAt).toBeUndefined();

    const mediation = await http(stack, 'GET', `/api/v1/mediations/${mediationId}`, { headers: { authorization: supervisor } });
    expect(mediation.status).toBe(200);
    expect(mediation.body.caseId).toBe(caseId);

    // Without a dispute category there is nothing to mediate; without parties a dispute cannot start.
    const noParties = await http(stack, 'POST', '/api/v1/cases', {
      headers: { 'x-api-key': stack.apiKeys['hotline-12345']! },
      body: { category: 'neighbour_dispute', description: '噪音', address: grid.addresses[0] },
    });
    expect(noParties.status).toBe(422);
    expect(noParties.body.errors[0].field).toBe('body.parties');

    // One party refuses: mediation is voluntary, so it ends as declined, and so does the case.
    const refused = await http(stack, 'POST', `/api/v1/mediations/${mediationId}/actions`, {
      headers: { authorization: supervisor },
      body: { type: 'consent', partyId: 'p2', given: false, note: '不同意调解' },
    });
    expect(refused.status).toBe(200);
    const closed = await waitFor(
      async () => {
        const read = await http(stack, 'GET', `/api/v1/cases/${caseId}`, { headers: { authorization: supervisor } });
        return read.body.status === 'closed' ? read.body : undefined;
      },
      20_000,
      'the case to close with the mediation',
    );
    expect(closed.mediation).toMatchObject({ mediationId, stage: 'declined', final: true });
    expect(closed.timeline.at(-1)).toMatchObject({ type: 'mediation_ended', details: { outcome: 'declined' } });
  });

  test('an ordinary case turns into a mediation with start_mediation by its assignee', async () => {
    const grid = demoConfig.units.find((unit) => unit.level === 'grid' && unit.addresses.length > 0)!;
    const worker = demoConfig.units.find((unit) => unit.id === grid.id)!.dutyOfficer;
    const created = await http(stack, 'POST', '/api/v1/cases', {
      headers: { 'x-api-key': stack.apiKeys['hotline-12345']! },
      body: { category: 'property_management', description: '物业与业主就停车费争执', address: grid.addresses[0] },
    });
    const auth = { authorization: `Bearer ${stack.tokenFor(worker)}` };
    const parties = [
      { name: '王五', role: 'applicant' },
      { name: '某物业公司', role: 'respondent' },
    ];
    const tooFew = await http(stack, 'POST', `/api/v1/cases/${created.body.id}/actions`, {
      headers: auth,
      body: { type: 'start_mediation', parties: parties.slice(0, 1) },
    });
    expect(tooFew.status).toBe(400);
    const started = await http(stack, 'POST', `/api/v1/cases/${created.body.id}/actions`, {
      headers: auth,
      body: { type: 'start_mediation', parties, note: '双方同意调解' },
    });
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ status: 'in_mediation', mediation: { stage: 'consent', final: false } });
    const again = await http(stack, 'POST', `/api/v1/cases/${created.body.id}/actions`, { headers: auth, body: { type: 'start_mediation', parties } });
    expect(again.status).toBe(409);
    const mediation = await http(stack, 'GET', `/api/v1/mediations/${started.body.mediation.mediationId}`, {
      headers: { authorization: `Bearer ${stack.tokenFor('liu-guoqing')}` },
    });
    expect(mediation.body.parties.map((party: { name: string }) => party.name)).toEqual(['王五', '某物业公司']);
  });
});
