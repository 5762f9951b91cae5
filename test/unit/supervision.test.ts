/**
 * The supervisor's board: overdue ordering, the "will breach" window, load per assignee and the
 * per-child-unit counts, computed from case summaries as visibility returns them.
 */
import {
  breachingSoon,
  byChildUnit,
  countByStatusAndLevel,
  loadByAssignee,
  overdueCases,
  overdueOrEscalated,
  type CaseSummary,
} from '../../src/domain/supervision';

const NOW = Date.parse('2026-11-27T08:00:00Z');
const HOUR = 3_600_000;

function summary(id: string, overrides: Partial<CaseSummary>): CaseSummary {
  return {
    id,
    status: 'assigned',
    level: 'grid',
    unitId: 'g1',
    units: ['g1', 'c1', 's1', 'd'],
    assigneeId: 'w1',
    category: 'road_repair',
    priority: 'normal',
    dueAt: new Date(NOW + 10 * HOUR).toISOString(),
    overdue: false,
    submittedAt: new Date(NOW - HOUR).toISOString(),
    open: true,
    ...overrides,
  };
}

const cases: CaseSummary[] = [
  summary('late-1h', { dueAt: new Date(NOW - HOUR).toISOString() }),
  summary('top-5h', { level: 'district', unitId: 'd', assigneeId: 'd-duty', overdue: true, dueAt: new Date(NOW - 5 * HOUR).toISOString() }),
  summary('soon-2h', { dueAt: new Date(NOW + 2 * HOUR).toISOString(), assigneeId: 'w2', units: ['g2', 'c2', 's1', 'd'], unitId: 'g2' }),
  summary('later', { status: 'acknowledged' }),
  summary('paused', { status: 'waiting_info', dueAt: undefined }),
  summary('closed-late', { status: 'closed', open: false, dueAt: new Date(NOW - 9 * HOUR).toISOString() }),
];

test('overdue cases are the open ones past their deadline or flagged, longest overdue first', () => {
  const overdue = overdueCases(cases, NOW);
  expect(overdue.map((c) => [c.id, c.overdueMs])).toEqual([
    ['top-5h', 5 * HOUR],
    ['late-1h', HOUR],
  ]);
});

test('the will-breach list holds open, not yet overdue cases due within the window, soonest first', () => {
  expect(breachingSoon(cases, NOW, 4 * HOUR).map((c) => c.id)).toEqual(['soon-2h']);
  expect(breachingSoon(cases, NOW, 12 * HOUR).map((c) => c.id)).toEqual(['soon-2h', 'later']);
});

test('counts by status × level', () => {
  expect(countByStatusAndLevel(cases)).toEqual({
    assigned: { grid: 2, district: 1 },
    acknowledged: { grid: 1 },
    waiting_info: { grid: 1 },
    closed: { grid: 1 },
  });
});

test('load per assignee counts open cases and the overdue among them, heaviest first', () => {
  expect(loadByAssignee(cases, NOW)).toEqual([
    { assigneeId: 'w1', open: 3, overdue: 1 },
    { assigneeId: 'd-duty', open: 1, overdue: 1 },
    { assigneeId: 'w2', open: 1, overdue: 0 },
  ]);
});

test('per child unit: open, overdue and the status × level table of the cases under each child', () => {
  const open = cases.filter((c) => c.open);
  const rows = byChildUnit(open, ['c1', 'c2', 'c3'], NOW);
  expect(rows.map((row) => [row.unitId, row.open, row.overdue])).toEqual([
    ['c1', 4, 2],
    ['c2', 1, 0],
    ['c3', 0, 0],
  ]);
  expect(rows[1]!.byStatusAndLevel).toEqual({ assigned: { grid: 1 } });
});

test('the board adds escalated cases that are not overdue yet, highest level first, after the overdue ones', () => {
  const board = overdueOrEscalated(
    [
      ...cases,
      summary('at-street', { level: 'street', unitId: 's1', assigneeId: 's-duty' }),
      summary('at-community', { level: 'community', unitId: 'c1', assigneeId: 'c-sec', submittedAt: new Date(NOW - 3 * HOUR).toISOString() }),
      summary('escalated-closed', { level: 'street', status: 'closed', open: false }),
    ],
    NOW,
  );
  expect(board.map((c) => [c.id, c.overdueMs])).toEqual([
    ['top-5h', 5 * HOUR],
    ['late-1h', HOUR],
    ['at-street', 0],
    ['at-community', 0],
  ]);
});
