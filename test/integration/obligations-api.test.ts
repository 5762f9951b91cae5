/**
 * Contact obligations through the HTTP API on a real dev server: seeded idempotently from config,
 * contacts logged, compliance from visibility, created, handed over and ended by a supervisor.
 */
import { seedObligations } from '../../src/obligations/seed';
import { tinyCityConfig } from '../helpers/fixtures';
import { http, startStack, waitFor, type Stack } from '../helpers/stack';

let stack: Stack;

const config = tinyCityConfig(`
obligations:
  rules:
    - { id: street-weekly, obligee: { role: supervisor, level: street }, targetLevel: grid, period: P7D, times: 1 }
`);

beforeAll(async () => {
  stack = await startStack({ config });
});

afterAll(async () => {
  await stack?.stop();
});

const bearer = (staffId: string) => ({ authorization: `Bearer ${stack.tokenFor(staffId)}` });

describe('obligations over HTTP', () => {
  test('seeding is idempotent, contacts count, and compliance comes from visibility', async () => {
    const first = await seedObligations(stack.client, stack.config, stack.org, stack.taskQueue);
    const again = await seedObligations(stack.client, stack.config, stack.org, stack.taskQueue);
    expect(first).toEqual({ created: 2, existing: 0 });
    expect(again).toEqual({ created: 0, existing: 2 });

    const listed = await waitFor(
      async () => {
        const response = await http(stack, 'GET', '/api/v1/obligations', { headers: bearer('s-lead') });
        return response.body.items?.length === 2 ? response.body.items : undefined;
      },
      20_000,
      'two seeded obligations in visibility',
    );
    expect(listed.map((item: { unitId: string }) => item.unitId).sort()).toEqual(['g', 'g2']);
    expect(listed.every((item: { status: string; obligeeId: string }) => item.status === 'pending' && item.obligeeId === 's-lead')).toBe(true);

    const toGrid = listed.find((item: { unitId: string }) => item.unitId === 'g').id as string;
    const now = new Date().toISOString();
    const logged = await http(stack, 'POST', `/api/v1/obligations/${toGrid}/contacts`, {
      body: { at: now, channel: 'visit', note: '走访网格' },
      headers: bearer('s-lead'),
    });
    expect(logged.status).toBe(201);
    expect(logged.body.current.contacts).toHaveLength(1);

    const future = await http(stack, 'POST', `/api/v1/obligations/${toGrid}/contacts`, {
      body: { at: new Date(Date.now() + 86_400_000).toISOString(), channel: 'phone' },
      headers: bearer('s-lead'),
    });
    expect(future.status).toBe(409);
    const byWorker = await http(stack, 'POST', `/api/v1/obligations/${toGrid}/contacts`, { body: { at: now, channel: 'phone' }, headers: bearer('g-worker') });
    expect(byWorker.status).toBe(403);
    const badChannel = await http(stack, 'POST', `/api/v1/obligations/${toGrid}/contacts`, {
      body: { at: now, channel: 'telepathy' },
      headers: bearer('s-lead'),
    });
    expect(badChannel.status).toBe(400);
    expect(badChannel.body.errors[0].field).toBe('body.channel');
    expect((await http(stack, 'GET', `/api/v1/obligations/${toGrid}`, { headers: bearer('c2-sec') })).status).toBe(403);

    const compliance = await waitFor(
      async () => {
        const response = await http(stack, 'GET', '/api/v1/obligations/compliance?unit=s', { headers: bearer('s-lead') });
        const person = response.body.byPerson?.find((row: { id: string }) => row.id === 's-lead');
        return person?.currentMet === 1 ? response.body : undefined;
      },
      20_000,
      'the contact to show in compliance',
    );
    expect(compliance.obligations).toBe(2);
    expect(compliance.byUnit.map((row: { id: string; currentMet: number }) => [row.id, row.currentMet]).sort()).toEqual([
      ['g', 1],
      ['g2', 0],
    ]);
    expect(compliance.byPerson[0]).toMatchObject({ id: 's-lead', obligations: 2, currentMet: 1, met: 0, missed: 0, rate: null });

    const met = await http(stack, 'GET', '/api/v1/obligations?unit=s&status=met', { headers: bearer('s-lead') });
    expect(met.body.items.map((item: { id: string }) => item.id)).toEqual([toGrid]);
  });

  test('a supervisor creates, hands over and ends an obligation; the rest may not', async () => {
    const body = { obligeeId: 'c-sec', unitId: 'g', period: 'P1M', times: 2 };
    expect((await http(stack, 'POST', '/api/v1/obligations', { body, headers: bearer('g-worker') })).status).toBe(403);
    expect((await http(stack, 'POST', '/api/v1/obligations', { body, headers: bearer('c2-sec') })).status).toBe(403);
    expect((await http(stack, 'POST', '/api/v1/obligations', { body: { ...body, period: 'PT3H' }, headers: bearer('s-lead') })).status).toBe(400);
    expect((await http(stack, 'POST', '/api/v1/obligations', { body: { ...body, unitId: 'nowhere' }, headers: bearer('s-lead') })).status).toBe(422);
    const created = await http(stack, 'POST', '/api/v1/obligations', { body, headers: bearer('s-lead') });
    expect(created.status).toBe(201);
    expect((await http(stack, 'POST', '/api/v1/obligations', { body, headers: bearer('s-lead') })).status).toBe(409);

    const id = created.body.id as string;
    const record = await http(stack, 'GET', `/api/v1/obligations/${id}`, { headers: bearer('c-sec') });
    expect(record.status).toBe(200);
    expect(record.body).toMatchObject({ obligeeId: 'c-sec', unitId: 'g', times: 2, status: 'active' });
    expect(record.body.current.key).toMatch(/^\d{4}-\d{2}$/);

    const handedOver = await http(stack, 'PATCH', `/api/v1/obligations/${id}`, {
      body: { obligeeId: 'g-worker', reason: '书记调任' },
      headers: bearer('s-lead'),
    });
    expect(handedOver.status).toBe(200);
    expect(handedOver.body.obligees.map((entry: { staffId: string }) => entry.staffId)).toEqual(['c-sec', 'g-worker']);
    expect((await http(stack, 'DELETE', `/api/v1/obligations/${id}`, { headers: bearer('g-worker') })).status).toBe(403);
    const ended = await http(stack, 'DELETE', `/api/v1/obligations/${id}`, { headers: bearer('s-lead') });
    expect(ended.status).toBe(200);
    expect(ended.body.status).toBe('ended');
    expect((await http(stack, 'DELETE', `/api/v1/obligations/${id}`, { headers: bearer('s-lead') })).status).toBe(409);
  });
});
