/**
 * A leaver and the hand-over of their work over HTTP, on the real stack: a dev server, the real
 * worker and activities, the records-store directory (the hand-over port's real implementation)
 * and a real SMTP server. A grid worker with 20 open cases, a mediation they mediate and a contact
 * duty is deactivated by an admin with a successor: every case's timeline shows the reassignment
 * with the hand-over reason, the successor finds them in their listing and is told, the
 * mediation and the duty move, their grid's duty post moves, and the leaver's token is refused.
 * Bad input and refused changes are problems naming the field and the units concerned.
 */
import type { Server } from 'node:http';
import pino from 'pino';
import { createApp } from '../../src/api/app';
import type { ApiDeps } from '../../src/api/deps';
import type { GridflowConfig, Staff } from '../../src/config/schema';
import { createApiClient } from '../../src/temporal/connection';
import { freePort } from '../../src/temporal/dev-server';
import { SYSTEM_REASONS } from '../../src/domain/system-reasons';
import { demoConfig } from '../helpers/fixtures';
import { http, startStack, waitFor, type Stack } from '../helpers/stack';

// The demo grid santang-1 (三堂村第一网格): its grid worker leaves; he also mediates for the village's committee.
const LEAVER = 'sui-lei';
const SUCCESSOR = 'he-xin';
const ADMIN = 'liu-guoqing';
const SECRETARY = 'qu-guilan';
const OPEN_CASES = 20;

const successor: Staff = {
  id: SUCCESSOR,
  name: '何欣',
  email: 'he-xin@example.org',
  role: 'grid_worker',
  unit: 'santang-1',
  posts: [{ unit: 'santang', role: 'mediator' }],
  locale: 'zh-CN',
};
const config: GridflowConfig = {
  ...demoConfig,
  staff: [
    ...demoConfig.staff.map((person) => (person.id === LEAVER ? { ...person, posts: [{ unit: 'santang', role: 'mediator' as const }] } : person)),
    successor,
  ],
};

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ config });
});

afterAll(async () => {
  await stack?.stop();
});

const bearer = (staffId: string) => ({ authorization: `Bearer ${stack.tokenFor(staffId)}` });
const asHotline = () => ({ 'x-api-key': stack.apiKeys['hotline-12345']! });

async function submit(body: Record<string, unknown>): Promise<string> {
  const response = await http(stack, 'POST', '/api/v1/cases', {
    body: { category: 'road_repair', description: '路灯不亮', address: '三堂村一组5号楼', ...body },
    headers: asHotline(),
  });
  expect(response.status).toBe(201);
  return response.body.id as string;
}

const deactivate = (staffId: string, body: unknown, by = ADMIN) =>
  http(stack, 'POST', `/api/v1/admin/staff/${staffId}/deactivate`, { body, headers: bearer(by) });

describe('leavers and hand-over over HTTP', () => {
  test('bad input and refused changes name the field; only admins deactivate, and nothing starts', async () => {
    const both = await deactivate(LEAVER, { successorId: SUCCESSOR, returnToUnitId: 'santang-1' });
    expect(both.status).toBe(400);
    expect(both.body.errors.map((error: { field: string }) => error.field)).toEqual(['body.returnToUnitId']);
    const neither = await deactivate(LEAVER, { reason: '调离' });
    expect(neither.status).toBe(400);
    expect(neither.body.errors.map((error: { field: string }) => error.field)).toEqual(['body.successorId']);
    expect((await deactivate(LEAVER, { successorId: 'NOT AN ID' })).body.errors[0].field).toBe('body.successorId');
    expect((await deactivate(LEAVER, { successorId: SUCCESSOR, extra: 1 })).status).toBe(400);
    expect((await deactivate('nobody', { successorId: SUCCESSOR })).status).toBe(404);
    expect((await deactivate(LEAVER, { successorId: SUCCESSOR }, SECRETARY)).status).toBe(403);
    expect((await http(stack, 'POST', `/api/v1/admin/staff/${LEAVER}/deactivate`, { body: { successorId: SUCCESSOR } })).status).toBe(401);

    // The grid worker of santang-2 handing his grid back to... santang-2, whose duty officer he is.
    const heldByLeaver = await deactivate('chi-yong', { returnToUnitId: 'santang-2' });
    expect(heldByLeaver.status).toBe(422);
    expect(heldByLeaver.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(heldByLeaver.body.errors).toEqual([{ field: 'body.returnToUnitId', message: expect.stringContaining('santang-2') }]);
    const unknownSuccessor = await deactivate('chi-yong', { successorId: 'nobody-here' });
    expect(unknownSuccessor.status).toBe(422);
    expect(unknownSuccessor.body.errors[0].field).toBe('body.successorId');
    // Refused before anything ran: chi-yong still signs in and no hand-over exists.
    expect((await http(stack, 'GET', '/api/v1/me', { headers: bearer('chi-yong') })).status).toBe(200);
    expect((await http(stack, 'GET', '/api/v1/admin/hand-overs/hand-over-chi-yong', { headers: bearer(ADMIN) })).status).toBe(404);
    expect((await http(stack, 'GET', '/api/v1/admin/hand-overs/NOT-A-HAND-OVER', { headers: bearer(ADMIN) })).status).toBe(400);
  });

  test("a leaver's 20 open cases, their mediation and their contact duty go to the successor; their sign-in stops", async () => {
    const cases: string[] = [];
    for (let index = 0; index < OPEN_CASES; index++) cases.push(await submit({ description: `路灯不亮 #${index + 1}` }));
    // A dispute on the same grid: its case waits on the mediation, which the leaver mediates.
    const disputeCase = await submit({
      category: 'neighbour_dispute',
      description: '楼上漏水，协商未果',
      parties: [
        { name: '王一', role: 'applicant', phone: '13812340001' },
        { name: '李二', role: 'respondent', phone: '13812340002' },
      ],
    });
    const mediationId = `m-${disputeCase.slice(2)}`;
    const mediationStep = (body: unknown) => http(stack, 'POST', `/api/v1/mediations/${mediationId}/actions`, { body, headers: bearer(SECRETARY) });
    await waitFor(
      async () => ((await http(stack, 'GET', `/api/v1/mediations/${mediationId}`, { headers: bearer(SECRETARY) })).status === 200 ? true : undefined),
      20_000,
      'the mediation',
    );
    for (const partyId of ['p1', 'p2']) expect((await mediationStep({ type: 'consent', partyId, given: true })).status).toBe(200);
    expect((await mediationStep({ type: 'assign_mediator', mediatorId: LEAVER })).body.mediatorId).toBe(LEAVER);
    const duty = await http(stack, 'POST', '/api/v1/obligations', {
      body: { obligeeId: LEAVER, unitId: 'santang-1', period: 'P7D', times: 1 },
      headers: bearer(ADMIN),
    });
    expect(duty.status).toBe(201);
    const obligationId = duty.body.id as string;
    // The hand-over lists the leaver's work from the records store: wait until it holds all of it.
    await waitFor(
      async () => {
        const open = await stack.records.db.selectFrom('case_records').select('id').where('assignee_id', '=', LEAVER).execute();
        const obligation = await stack.records.db.selectFrom('obligation_records').select('id').where('obligee_id', '=', LEAVER).execute();
        const mediation = await stack.records.db.selectFrom('mediation_records').select('state').where('id', '=', mediationId).executeTakeFirst();
        return open.length === OPEN_CASES + 1 && obligation.length === 1 && mediation?.state.includes(`"mediatorId":"${LEAVER}"`) ? true : undefined;
      },
      30_000,
      "the leaver's work in the records store",
    );
    expect((await http(stack, 'GET', '/api/v1/me', { headers: bearer(LEAVER) })).status).toBe(200);

    const accepted = await deactivate(LEAVER, { successorId: SUCCESSOR, reason: '调往其他街道' });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toEqual({ id: `hand-over-${LEAVER}`, leaverId: LEAVER, alreadyRunning: false });
    const location = accepted.headers.get('location')!;
    expect(location).toBe(`/api/v1/admin/hand-overs/hand-over-${LEAVER}`);
    // A second request while it runs is the same hand-over, not another.
    const again = await deactivate(LEAVER, { successorId: SUCCESSOR });
    expect(again.status).toBe(202);
    expect(again.body).toEqual({ id: `hand-over-${LEAVER}`, leaverId: LEAVER, alreadyRunning: true });
    expect(again.headers.get('location')).toBe(location);

    const done = await waitFor(
      async () => {
        const progress = await http(stack, 'GET', location, { headers: bearer(ADMIN) });
        return progress.status === 200 && progress.body.stage === 'completed' ? progress.body : undefined;
      },
      90_000,
      'the hand-over to complete',
    );
    expect(done).toMatchObject({
      leaverId: LEAVER,
      successorId: SUCCESSOR,
      requestedBy: { kind: 'staff', id: ADMIN },
      reason: '调往其他街道',
      alreadyInactive: false,
    });
    expect(done.counts).toEqual({ pending: 0, handed: OPEN_CASES + 2, skipped: 1, waiting: 0, failed: 0 });
    const item = (id: string) => done.items.find((candidate: { id: string }) => candidate.id === id);
    expect(item(disputeCase)).toMatchObject({ kind: 'case', status: 'skipped', reason: 'in_mediation' });
    expect(item(mediationId)).toMatchObject({ kind: 'mediation', status: 'handed', to: SUCCESSOR });
    expect(item(obligationId)).toMatchObject({ kind: 'obligation', status: 'handed', to: SUCCESSOR });

    // Their sign-in stopped with the deactivation; their grid's duty post is the successor's.
    const refused = await http(stack, 'GET', '/api/v1/me', { headers: bearer(LEAVER) });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(stack.org.dutyOfficer('santang-1')?.id).toBe(SUCCESSOR);

    for (const id of cases) {
      expect(item(id)).toMatchObject({ kind: 'case', status: 'handed', to: SUCCESSOR });
      const read = await http(stack, 'GET', `/api/v1/cases/${id}`, { headers: bearer(ADMIN) });
      expect(read.body.assigneeId).toBe(SUCCESSOR);
      const handed = read.body.timeline.filter(
        (entry: { type: string; note?: string }) => entry.type === 'reassigned' && entry.note === SYSTEM_REASONS.handOver,
      );
      expect(handed).toHaveLength(1);
      expect(handed[0]).toMatchObject({ actor: { kind: 'staff', id: ADMIN }, details: { from: LEAVER, to: SUCCESSOR } });
    }
    const mediation = await http(stack, 'GET', `/api/v1/mediations/${mediationId}`, { headers: bearer(SUCCESSOR) });
    expect(mediation.status).toBe(200);
    expect(mediation.body.mediatorId).toBe(SUCCESSOR);
    expect(
      mediation.body.timeline.filter((entry: { type: string; note?: string }) => entry.type === 'mediator_assigned' && entry.note === SYSTEM_REASONS.handOver),
    ).toHaveLength(1);
    const obligation = await http(stack, 'GET', `/api/v1/obligations/${obligationId}`, { headers: bearer(SUCCESSOR) });
    expect(obligation.body.obligeeId).toBe(SUCCESSOR);
    expect(obligation.body.obligees.map((change: { staffId: string }) => change.staffId)).toEqual([LEAVER, SUCCESSOR]);

    // The successor finds the cases in their own listing (visibility, eventually consistent), and was told of each.
    const listed = await waitFor(
      async () => {
        const response = await http(stack, 'GET', `/api/v1/cases?assignee=${SUCCESSOR}&unit=santang-1`, { headers: bearer(SUCCESSOR) });
        return response.body.items?.length === OPEN_CASES ? response.body.items : undefined;
      },
      30_000,
      "the successor's listing",
    );
    expect(listed.map((entry: { id: string }) => entry.id).sort()).toEqual([...cases].sort());
    const toSuccessor = await waitFor(
      async () => {
        const mails = (await stack.mails()).filter((mail) => mail.to && JSON.stringify(mail.to).includes('he-xin@example.org'));
        return mails.length >= OPEN_CASES + 2 ? mails : undefined;
      },
      30_000,
      'the successor to be told of every item',
    );
    expect(toSuccessor.filter((mail) => /联系.*任务已交由您负责/.test(mail.subject ?? ''))).toHaveLength(1);

    // Deactivating them again resumes (an already inactive leaver): nothing is left to hand over.
    const resumed = await deactivate(LEAVER, { successorId: SUCCESSOR });
    expect(resumed.status).toBe(202);
    const second = await waitFor(
      async () => {
        const progress = await http(stack, 'GET', location, { headers: bearer(ADMIN) });
        return progress.body.stage === 'completed' && progress.body.alreadyInactive === true ? progress.body : undefined;
      },
      30_000,
      'the repeated hand-over',
    );
    expect(second.counts.handed).toBe(0);
    expect(second.items.every((entry: { status: string; reason?: string }) => entry.status === 'skipped')).toBe(true);
  });

  test('Temporal unreachable is 503 with Retry-After; a process without the records-store directory says it cannot deactivate (409)', async () => {
    const client = createApiClient({ address: `127.0.0.1:${await freePort()}`, namespace: 'default' });
    const serve = async (deps: Partial<ApiDeps>) => {
      const app = createApp({
        config: stack.config,
        org: stack.org,
        client,
        taskQueue: 'nowhere',
        authSecret: stack.authSecret,
        logger: pino({ level: 'silent' }),
        ...deps,
      });
      const server = await new Promise<Server>((resolve) => {
        const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
      });
      const address = server.address();
      return { server, baseUrl: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` };
    };
    const down = await serve({ directory: stack.directory.store });
    const fileOnly = await serve({});
    try {
      const started = Date.now();
      const response = await http(down, 'POST', '/api/v1/admin/staff/chi-yong/deactivate', { body: { successorId: 'sui-lei' }, headers: bearer(ADMIN) });
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      const progress = await http(down, 'GET', '/api/v1/admin/hand-overs/hand-over-chi-yong', { headers: bearer(ADMIN) });
      expect(progress.status).toBe(503);
      expect(progress.headers.get('retry-after')).toBe('5');
      const readOnly = await http(fileOnly, 'POST', '/api/v1/admin/staff/chi-yong/deactivate', { body: { successorId: 'yu-min' }, headers: bearer(ADMIN) });
      expect(readOnly.status).toBe(409);
      expect(readOnly.headers.get('content-type')).toMatch(/application\/problem\+json/);
      // Nothing was deactivated by either.
      expect((await http(stack, 'GET', '/api/v1/me', { headers: bearer('chi-yong') })).status).toBe(200);
    } finally {
      for (const { server } of [down, fileOnly]) await new Promise<void>((resolve) => server.close(() => resolve()));
      await client.connection.close().catch(() => undefined);
    }
  });
});
