/**
 * The records store behind the API on real parts (dev server, SMTP, worker, SQLite file): cases,
 * mediations and obligations read back with the same state and timeline once Temporal has deleted
 * them; drift, rebuild and the redaction schedule; and
 * the case report of the district counting what happened, as JSON and CSV, scoped, without
 * personal data.
 *
 * The dev server (CLI 1.9.1) refuses a namespace retention under one hour, so "after retention"
 * is produced the way the retention job itself ends an execution: DeleteWorkflowExecution (which
 * takes the dev server about a minute: both executions are deleted together, once).
 */
import { DateTime } from 'luxon';
import { mediationInputFor } from '../../src/domain/mediation-model';
import { mediationWorkflow } from '../../src/workflows/mediation';
import { driftReport, hasDrift, openExecutions } from '../../src/records/drift';
import { backfillFromTemporal } from '../../src/records/backfill';
import { rebuildCurrentState } from '../../src/records/rebuild';
import { ensureRedactionSchedule, REDACTION_SCHEDULE_ID } from '../../src/records/redaction-schedule';
import { caseInputFor, demoConfig, demoGrid, demoOrg } from '../helpers/fixtures';
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
const street = demoOrg.lineage(grid.id).find((unit) => unit.level === 'street')!;
const admin = demoConfig.staff.find((person) => person.role === 'admin')!;
const bearer = (staffId: string) => ({ authorization: `Bearer ${stack.tokenFor(staffId)}` });
const integration = () => ({ 'x-api-key': stack.apiKeys['hotline-12345']! });
const RESIDENT = { name: '张三', phone: '13812345678' };
const DESCRIPTION = '三堂村一组路灯不亮，请尽快修理';

async function submit(): Promise<{ id: string; caseToken: string }> {
  const created = await http(stack, 'POST', '/api/v1/cases', {
    body: { category: 'road_repair', description: DESCRIPTION, address: `${grid.addresses[0]} 5号楼`, reporter: RESIDENT },
    headers: integration(),
  });
  expect(created.status).toBe(201);
  return created.body;
}

async function act(id: string, body: object, headers: Record<string, string>) {
  const response = await http(stack, 'POST', `/api/v1/cases/${id}/actions`, { body, headers });
  expect(response.status).toBe(200);
  return response.body;
}

/** Deletes the executions and waits until Temporal no longer knows them (queries fail NOT_FOUND). */
async function deleteExecutions(workflowIds: string[]): Promise<void> {
  for (const workflowId of workflowIds) {
    await stack.client.workflowService.deleteWorkflowExecution({ namespace: stack.devServer.namespace, workflowExecution: { workflowId } });
  }
  for (const workflowId of workflowIds) {
    await waitFor(
      async () =>
        await stack.client.workflow
          .getHandle(workflowId)
          .describe()
          .then(
            () => undefined,
            () => true,
          ),
      150_000,
      `${workflowId} deleted`,
    );
  }
}

/** Waits until the store's row of a case has the given status. */
async function storedStatus(table: 'case_records' | 'obligation_records', id: string, status: string): Promise<void> {
  await waitFor(
    async () => ((await stack.records.db.selectFrom(table).select('status').where('id', '=', id).executeTakeFirst())?.status === status ? true : undefined),
    30_000,
    `${id} ${status} in the store`,
  );
}

/** A dispute's mediation started on its own (as the mediation API test does), withdrawn by the community secretary. */
async function withdrawnMediation(): Promise<string> {
  const dispute = caseInputFor({ submittedAtMs: Date.now(), gridId: demoGrid.id, category: 'neighbour_dispute' });
  const secretary = demoOrg.dutyOfficer(demoOrg.lineage(demoGrid.id).find((unit) => unit.level === 'community')!.id)!;
  const requestedBy = { kind: 'staff' as const, id: secretary.id, role: secretary.role, unitId: secretary.unit };
  const input = mediationInputFor(
    stack.config,
    dispute,
    [
      { name: '王五', role: 'applicant', phone: '+8613812345678' },
      { name: '赵六', role: 'respondent' },
    ],
    { requestedBy, now: new Date() },
  );
  await stack.client.workflow.start(mediationWorkflow, { args: [input], workflowId: input.mediationId, taskQueue: stack.taskQueue });
  const withdrawn = await http(stack, 'POST', `/api/v1/mediations/${input.mediationId}/actions`, {
    body: { type: 'withdraw', partyId: 'p1', reason: '已和解' },
    headers: bearer(secretary.id),
  });
  expect(withdrawn.status).toBe(200);
  await waitFor(
    async () =>
      (await stack.records.db.selectFrom('mediation_records').select('stage').where('id', '=', input.mediationId).executeTakeFirst())?.stage === 'withdrawn'
        ? true
        : undefined,
    30_000,
    'the withdrawal in the store',
  );
  return input.mediationId;
}

const supervisor = demoConfig.staff.find((person) => person.role === 'supervisor' && person.unit === street.id)!;

describe('records store behind the API', () => {
  let closed: { id: string; caseToken: string };
  let escalated: { id: string };
  let cancelled: { id: string };
  let obligationId: string;
  let mediationId: string;
  /** What the API answered while Temporal still had the executions. */
  const before: Record<string, { status: number; body: any }> = {};

  beforeAll(async () => {
    closed = await submit();
    await act(closed.id, { type: 'acknowledge' }, bearer(gridWorker.id));
    await act(closed.id, { type: 'resolve', note: '已更换灯泡' }, bearer(gridWorker.id));
    const feedback = await http(stack, 'POST', `/api/v1/cases/${closed.id}/feedback`, {
      body: { satisfied: true, rating: 4, comment: '谢谢' },
      headers: { 'x-case-token': closed.caseToken },
    });
    expect(feedback.status).toBe(200);
    escalated = await submit();
    await act(escalated.id, { type: 'escalate', reason: '需社区协调' }, bearer(gridWorker.id));
    cancelled = await submit();
    await act(cancelled.id, { type: 'cancel', reason: '已自行解决' }, integration());
    await Promise.all([storedStatus('case_records', closed.id, 'closed'), storedStatus('case_records', cancelled.id, 'cancelled')]);
    await waitFor(
      async () =>
        (await stack.records.db.selectFrom('case_records').select('level').where('id', '=', escalated.id).executeTakeFirst())?.level === 'community'
          ? true
          : undefined,
      30_000,
      'escalation in the store',
    );

    const created = await http(stack, 'POST', '/api/v1/obligations', {
      body: { obligeeId: supervisor.id, unitId: grid.id, period: 'P1M', times: 2 },
      headers: bearer(admin.id),
    });
    expect(created.status).toBe(201);
    obligationId = created.body.id as string;
    const logged = await http(stack, 'POST', `/api/v1/obligations/${obligationId}/contacts`, {
      body: { at: new Date().toISOString(), channel: 'visit', note: '走访' },
      headers: bearer(supervisor.id),
    });
    expect(logged.status).toBe(201);
    expect((await http(stack, 'DELETE', `/api/v1/obligations/${obligationId}`, { headers: bearer(admin.id) })).status).toBe(200);
    await storedStatus('obligation_records', obligationId, 'ended');

    before.staff = await http(stack, 'GET', `/api/v1/cases/${closed.id}`, { headers: bearer(admin.id) });
    before.integration = await http(stack, 'GET', `/api/v1/cases/${closed.id}`, { headers: integration() });
    before.resident = await http(stack, 'GET', `/api/v1/cases/${closed.id}`, { headers: { 'x-case-token': closed.caseToken } });
    before.obligation = await http(stack, 'GET', `/api/v1/obligations/${obligationId}`, { headers: bearer(admin.id) });
    mediationId = await withdrawnMediation();
    before.mediation = await http(stack, 'GET', `/api/v1/mediations/${mediationId}`, { headers: bearer(admin.id) });
    await deleteExecutions([closed.id, obligationId, mediationId]);
  }, 240_000);

  test('a closed case reads the same from the store once Temporal has deleted it: staff, integration and resident views', async () => {
    expect(before.staff!.status).toBe(200);
    expect(before.staff!.body.timeline.map((entry: { type: string }) => entry.type)).toEqual(['submitted', 'assigned', 'acknowledged', 'resolved', 'closed']);
    const after = {
      staff: await http(stack, 'GET', `/api/v1/cases/${closed.id}`, { headers: bearer(admin.id) }),
      integration: await http(stack, 'GET', `/api/v1/cases/${closed.id}`, { headers: integration() }),
      resident: await http(stack, 'GET', `/api/v1/cases/${closed.id}`, { headers: { 'x-case-token': closed.caseToken } }),
    };
    expect(after.staff.status).toBe(200);
    expect(after.staff.body).toEqual(before.staff!.body);
    expect(after.integration.body).toEqual(before.integration!.body);
    expect(after.resident.body).toEqual(before.resident!.body);
    // Scope holds for stored cases too, and a case nobody recorded is still a 404.
    const otherGrid = demoConfig.units.find((unit) => unit.level === 'grid' && !demoOrg.isWithin(unit.id, street.id))!;
    expect((await http(stack, 'GET', `/api/v1/cases/${closed.id}`, { headers: bearer(demoOrg.dutyOfficer(otherGrid.id)!.id) })).status).toBe(403);
    expect((await http(stack, 'GET', '/api/v1/cases/c-aaaaaaaaaaaaaaaa', { headers: bearer(admin.id) })).status).toBe(404);
  });

  test('an ended obligation reads the same from the store once Temporal has deleted it', async () => {
    const id = obligationId;
    expect(before.obligation!.status).toBe(200);
    const after = await http(stack, 'GET', `/api/v1/obligations/${id}`, { headers: bearer(admin.id) });
    expect(after.status).toBe(200);
    expect(after.body).toEqual(before.obligation!.body);
    const events = await stack.records.db.selectFrom('record_events').select('type').where('workflow_id', '=', id).orderBy('seq').execute();
    expect(events.map((event) => event.type)).toEqual(['opened', 'contact_logged', 'ended']);
  });

  test('a withdrawn mediation reads the same from the store once Temporal has deleted it', async () => {
    expect(before.mediation!.status).toBe(200);
    expect(before.mediation!.body.stage).toBe('withdrawn');
    const after = await http(stack, 'GET', `/api/v1/mediations/${mediationId}`, { headers: bearer(admin.id) });
    expect(after.status).toBe(200);
    expect(after.body).toEqual(before.mediation!.body);
  });

  test('the case report counts what happened in the district this month, as JSON and CSV, without personal data', async () => {
    const today = DateTime.now().setZone(demoConfig.city.timeZone);
    const query = `unit=${demoOrg.root.id}&from=${today.startOf('month').toISODate()}&to=${today.toISODate()}`;
    const report = await http(stack, 'GET', `/api/v1/reports/cases?${query}`, { headers: bearer(admin.id) });
    expect(report.status).toBe(200);
    expect(report.body.totals).toMatchObject({
      received: 3,
      resolved: 1,
      resolvedWithinDeadline: 1,
      resolvedWithinDeadlinePercent: 100,
      escalations: { community: 1, street: 0, district: 0 },
      reopened: 0,
      reopenRatePercent: 0,
      rated: 1,
      averageSatisfaction: 4,
      cancelled: 1,
      open: 1,
    });
    expect(report.body.totals.medianHoursToResolve).toBeGreaterThanOrEqual(0);
    expect(report.body.byCategory).toEqual([expect.objectContaining({ key: 'road_repair', received: 3 })]);
    expect(report.body.byUnit).toEqual([expect.objectContaining({ key: street.id, received: 3 })]);
    expect(report.body.byPeriod).toEqual([expect.objectContaining({ key: today.toFormat('yyyy-MM'), received: 3 })]);
    const text = JSON.stringify(report.body);
    for (const personal of [RESIDENT.name, RESIDENT.phone, DESCRIPTION, '谢谢', '已更换灯泡']) expect(text).not.toContain(personal);

    const csv = await http(stack, 'GET', `/api/v1/reports/cases?${query}`, { headers: { ...bearer(admin.id), accept: 'text/csv' } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const [header, total] = (csv.body as string).split('\r\n');
    expect(header!.split(',').slice(0, 4)).toEqual(['group', 'key', 'received', 'resolved']);
    expect(total!.split(',').slice(0, 4)).toEqual(['total', '', '3', '1']);

    // Scoped like every listing; bad periods are named.
    expect((await http(stack, 'GET', `/api/v1/reports/cases?${query}`, { headers: bearer(gridWorker.id) })).status).toBe(403);
    const backwards = await http(stack, 'GET', '/api/v1/reports/cases?from=2026-03-31&to=2026-03-01', { headers: bearer(admin.id) });
    expect(backwards.status).toBe(400);
    expect(backwards.body.errors[0].field).toBe('query.to');
    const mediations = await http(stack, 'GET', `/api/v1/reports/mediations?${query}`, { headers: bearer(admin.id) });
    expect(mediations.body.totals).toMatchObject({ started: 1, withdrawn: 1, agreement: 0, open: 0 });
    expect(JSON.stringify(mediations.body)).not.toContain('王五');
  });

  test('drift: none while the records keep up; a lost row is named and rebuilt from the events; a case from before the store is back-filled', async () => {
    const drift = async () => driftReport(stack.records, await openExecutions(stack.client));
    // Visibility is eventually consistent: wait for it to agree.
    const clean = await waitFor(
      async () => {
        const report = await drift();
        return hasDrift(report) ? undefined : report;
      },
      30_000,
      'no drift',
    );
    expect(clean).toMatchObject({ openInTemporal: 1, openInStore: 1 });

    await stack.records.db.deleteFrom('case_records').where('id', '=', escalated.id).execute();
    expect((await drift()).missingInStore).toEqual([{ id: escalated.id, kind: 'case', status: 'assigned' }]);
    expect((await rebuildCurrentState(stack.records, { workflowIds: [escalated.id] })).case).toBe(1);
    expect(hasDrift(await drift())).toBe(false);

    // A case from before the store: no row, no events. Back-filled from its query under the same keys.
    const rowBefore = await stack.records.db.selectFrom('case_records').selectAll().where('id', '=', escalated.id).executeTakeFirstOrThrow();
    await stack.records.db.deleteFrom('record_events').where('workflow_id', '=', escalated.id).execute();
    await stack.records.db.deleteFrom('case_records').where('id', '=', escalated.id).execute();
    const missing = (await drift()).missingInStore;
    expect(await backfillFromTemporal(stack.client, stack.records, missing)).toEqual({ cases: 1, mediations: 0, failed: [] });
    expect(hasDrift(await drift())).toBe(false);
    const events = await stack.records.db.selectFrom('record_events').select(['seq', 'type']).where('workflow_id', '=', escalated.id).orderBy('seq').execute();
    expect(events).toEqual([
      { seq: 1, type: 'submitted' },
      { seq: 2, type: 'assigned' },
      { seq: 3, type: 'escalated' },
    ]);
    const { updated_at: _updated, ...rowAfter } = await stack.records.db
      .selectFrom('case_records')
      .selectAll()
      .where('id', '=', escalated.id)
      .executeTakeFirstOrThrow();
    const { updated_at: _was, ...rowWas } = rowBefore;
    expect(rowAfter).toEqual(rowWas);
  });

  test("the redaction schedule removes residents' personal data from closed records and leaves every figure", async () => {
    const today = DateTime.now().setZone(demoConfig.city.timeZone).toISODate();
    const report = async () =>
      (await http(stack, 'GET', `/api/v1/reports/cases?unit=${demoOrg.root.id}&from=${today}&to=${today}`, { headers: bearer(admin.id) })).body;
    const figuresBefore = await report();
    const schedule = { taskQueue: stack.taskQueue, redactAfter: 'P0D', timeZone: demoConfig.city.timeZone };
    expect(await ensureRedactionSchedule(stack.client, schedule)).toBe('created');
    // Created at every start: the second time it is brought up to date, not duplicated.
    expect(await ensureRedactionSchedule(stack.client, schedule)).toBe('updated');
    await stack.client.schedule.getHandle(REDACTION_SCHEDULE_ID).trigger();
    const redactedIds = await waitFor(
      async () => {
        const rows = await stack.records.db.selectFrom('case_records').select('id').where('redacted_at', 'is not', null).execute();
        return rows.length === 2 ? rows.map((row) => row.id).sort() : undefined;
      },
      60_000,
      'the closed and the cancelled case redacted',
    );
    expect(redactedIds).toEqual([closed.id, cancelled.id].sort());

    const stored = await http(stack, 'GET', `/api/v1/cases/${closed.id}`, { headers: bearer(admin.id) });
    expect(stored.status).toBe(200);
    const text = JSON.stringify(stored.body);
    for (const personal of [RESIDENT.name, RESIDENT.phone, DESCRIPTION, '谢谢', grid.addresses[0]!]) expect(text).not.toContain(personal);
    const events = await stack.records.db.selectFrom('record_events').select(['data', 'state']).where('workflow_id', '=', closed.id).execute();
    for (const personal of [RESIDENT.name, RESIDENT.phone, DESCRIPTION, '谢谢']) expect(JSON.stringify(events)).not.toContain(personal);
    // The staff's own note and every step stay; the open case keeps its data until it closes.
    expect(stored.body.timeline.map((entry: { type: string }) => entry.type)).toEqual(before.staff!.body.timeline.map((entry: { type: string }) => entry.type));
    expect(text).toContain('已更换灯泡');
    expect((await http(stack, 'GET', `/api/v1/cases/${escalated.id}`, { headers: bearer(admin.id) })).body.reporter.name).toBe(RESIDENT.name);
    expect(await report()).toEqual(figuresBefore);
    await stack.client.schedule.getHandle(REDACTION_SCHEDULE_ID).delete();
  });
});
