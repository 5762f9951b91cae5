/**
 * The supervision summary reads the records store's current-state rows instead of listing the
 * subtree from visibility (bench/README.md: seconds at city scale). This holds them to the same
 * answer on a real stack: after cases are escalated, resolved and cancelled, the open cases the
 * store gives for a unit equal those visibility lists, field by field, and the summary route
 * says where its figures came from; the overdue board reads the same rows.
 */
import { listCases } from '../../src/api/case-visibility';
import { openCasesUnder } from '../../src/records/open-cases';
import type { CaseSummary } from '../../src/domain/supervision';
import { tinyCityConfig } from '../helpers/fixtures';
import { http, startStack, waitFor, type Stack } from '../helpers/stack';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ config: tinyCityConfig() });
});

afterAll(async () => {
  await stack?.stop();
});

const bearer = (staffId: string) => ({ authorization: `Bearer ${stack.tokenFor(staffId)}` });

async function submit(address: string): Promise<string> {
  const created = await http(stack, 'POST', '/api/v1/cases', {
    body: { category: 'road_repair', description: '路灯不亮', address, reporter: { name: '居民' } },
    headers: { 'x-api-key': stack.apiKeys.app! },
  });
  expect(created.status).toBe(201);
  return created.body.id as string;
}

/** The fields both sources know, in a stable order. */
const comparable = (cases: CaseSummary[]) =>
  cases
    .map(({ id, status, level, unitId, units, assigneeId, category, priority, dueAt, overdue, open }) => ({
      id,
      status,
      level,
      unitId,
      units,
      assigneeId,
      category,
      priority,
      dueAt,
      overdue,
      open,
    }))
    .sort((a, b) => a.id.localeCompare(b.id));

test('the store and visibility give the same open cases, and the summary says it used the store', async () => {
  const ids = await Promise.all(['测试路1号', '测试路1号', '测试路2号', '测试路2号', '测试路1号'].map(submit));
  // One resolved (open until the resident confirms), one cancelled (closed), the rest escalate.
  await http(stack, 'POST', `/api/v1/cases/${ids[2]}/actions`, { body: { type: 'acknowledge' }, headers: bearer('g2-worker') });
  await http(stack, 'POST', `/api/v1/cases/${ids[2]}/actions`, { body: { type: 'resolve', note: '已修复' }, headers: bearer('g2-worker') });
  await http(stack, 'POST', `/api/v1/cases/${ids[3]}/actions`, { body: { type: 'cancel', reason: '重复提交' }, headers: bearer('s-lead') });

  for (const unit of ['d', 's', 'c', 'g2']) {
    const agreed = await waitFor(
      async () => {
        const [fromStore, fromVisibility] = await Promise.all([
          openCasesUnder(stack.records, stack.org, unit),
          listCases(stack.client, { unit, openOnly: true }, 1_000),
        ]);
        const a = comparable(fromStore);
        const b = comparable(fromVisibility);
        // Both must have seen the escalations of the untouched cases before they can agree.
        const escalated = a.filter((c) => c.level !== 'grid').length;
        return JSON.stringify(a) === JSON.stringify(b) && (unit !== 'd' || escalated >= 3) ? a : undefined;
      },
      30_000,
      `store and visibility to agree on ${unit}`,
    );
    if (unit === 'd') {
      expect(agreed.map((c) => c.id).sort()).toEqual([ids[0], ids[1], ids[2], ids[4]].sort());
      expect(agreed.find((c) => c.id === ids[2])?.status).toBe('resolved');
    }
  }

  // The board of escalated and overdue cases reads the same rows.
  const board = await http(stack, 'GET', '/api/v1/supervision/overdue?unit=s&escalated=true', { headers: bearer('s-lead') });
  expect(board.body.source).toBe('records');
  expect(board.body.items.map((item: { id: string }) => item.id).sort()).toEqual([ids[0], ids[1], ids[4]].sort());

  const summary = await http(stack, 'GET', '/api/v1/supervision/summary?unit=s', { headers: bearer('s-lead') });
  expect(summary.status).toBe(200);
  expect(summary.body).toMatchObject({ unit: 's', source: 'records', open: 4, truncated: false });
  expect(summary.body.children.map((child: { unitId: string; open: number }) => [child.unitId, child.open])).toEqual([
    ['c', 3],
    ['c2', 1],
  ]);
});
