/**
 * The records store on a real SQLite file and on a real PostgreSQL server (TEST_DATABASE_URL,
 * set by .ci/run): migrations, idempotent writes keyed by workflow id + seq, a current-state row
 * that only moves forward, and the state read back after retention with its timeline.
 */
import type { CaseState, TimelineEntry } from '../../src/domain/case-model';
import type { RecordBatch } from '../../src/records/events';
import { storedCase } from '../../src/records/history';
import { migrateToLatest, RECORDS_MIGRATIONS } from '../../src/records/migrations';
import { writeBatch } from '../../src/records/writer';
import { describeOnEachStore, testDatabaseUrl } from '../helpers/records';

if (!testDatabaseUrl) {
  // Loud on purpose: CI always sets it (.ci/postgres.sh); a developer run without it skips PostgreSQL.
  console.warn('records-store: TEST_DATABASE_URL / DATABASE_URL not set — the PostgreSQL half of these tests is skipped');
}

function caseState(overrides: Partial<CaseState> = {}): Omit<CaseState, 'timeline'> {
  return {
    id: 'c-aaaaaaaaaaaaaaaa',
    status: 'assigned',
    category: 'road_repair',
    priority: 'normal',
    description: '路灯不亮',
    address: '三堂村一组5号楼',
    reporter: { name: '张三', phone: '+8613812345678' },
    locale: 'zh-CN',
    submittedBy: { kind: 'integration', id: 'hotline-12345' },
    submittedAt: '2026-03-02T01:00:00.000Z',
    level: 'grid',
    unitId: 'santang-1',
    gridId: 'santang-1',
    ladder: [],
    assigneeId: 'sui-lei',
    overdue: false,
    escalations: 0,
    reopens: 0,
    ...overrides,
  };
}

function entry(seq: number, type: string, details?: Record<string, unknown>): TimelineEntry {
  return {
    seq,
    at: new Date(Date.UTC(2026, 2, 2, 1, seq)).toISOString(),
    type,
    actor: { kind: 'system' },
    level: 'grid',
    unitId: 'santang-1',
    assigneeId: 'sui-lei',
    ...(details ? { details } : {}),
  };
}

function batch(entries: TimelineEntry[], state: Omit<CaseState, 'timeline'>): RecordBatch {
  return { kind: 'case', workflowId: state.id, events: entries.map((e) => ({ seq: e.seq, type: e.type, at: e.at, data: { ...e } })), state: { ...state } };
}

describeOnEachStore('records store', (theStore, maybe) => {
  maybe('applies every migration once; opening again applies none', async () => {
    const db = theStore().db;
    expect(await migrateToLatest(db as never, theStore().schema)).toEqual([]);
    const tables = await db.introspection.getTables();
    expect(tables.map((table) => table.name)).toEqual(expect.arrayContaining(['record_events', 'case_records', 'mediation_records', 'obligation_records']));
    expect(Object.keys(RECORDS_MIGRATIONS).length).toBeGreaterThan(0);
  });

  maybe('a batch written twice stores each event once', async () => {
    const state = caseState({ id: 'c-idempotentaaaaaa' });
    const first = batch([entry(1, 'submitted'), entry(2, 'assigned')], state);
    expect(await writeBatch(theStore(), first)).toEqual({ inserted: 2, rowUpdated: true });
    expect(await writeBatch(theStore(), first)).toEqual({ inserted: 0, rowUpdated: true });
    const rows = await theStore().db.selectFrom('record_events').select(['seq', 'type']).where('workflow_id', '=', state.id).orderBy('seq').execute();
    expect(rows).toEqual([
      { seq: 1, type: 'submitted' },
      { seq: 2, type: 'assigned' },
    ]);
  });

  maybe('the current-state row only moves forward, and remembers whether the last resolution was on time', async () => {
    const id = 'c-forwardaaaaaaaaa';
    const opened = batch([entry(1, 'submitted'), entry(2, 'assigned')], caseState({ id }));
    const resolved = batch([entry(3, 'resolved', { withinDeadline: true })], caseState({ id, status: 'resolved', resolvedAt: '2026-03-02T05:00:00.000Z' }));
    const closed = batch(
      [entry(4, 'closed', { rating: 5, satisfied: true })],
      caseState({ id, status: 'closed', resolvedAt: '2026-03-02T05:00:00.000Z', closedAt: '2026-03-02T06:00:00.000Z', rating: 5 }),
    );
    await writeBatch(theStore(), opened);
    await writeBatch(theStore(), resolved);
    await writeBatch(theStore(), closed);
    // A late retry of an older batch: its event exists, and the row must not go back to "assigned".
    expect(await writeBatch(theStore(), opened)).toEqual({ inserted: 0, rowUpdated: false });
    const row = await theStore().db.selectFrom('case_records').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'closed', within_deadline: 1, rating: 5, last_seq: 4, grid_id: 'santang-1', closed_at: '2026-03-02T06:00:00.000Z' });
  });

  maybe('reads a case back with the same state and timeline the workflow query gave', async () => {
    const id = 'c-readbackaaaaaaaa';
    const entries = [entry(1, 'submitted'), entry(2, 'assigned'), entry(3, 'escalated', { from: { level: 'grid' }, to: { level: 'community' } })];
    const state = caseState({ id, level: 'community', unitId: 'santang', escalations: 1 });
    // Written in two batches, the second first: the timeline is still in seq order.
    await writeBatch(theStore(), batch(entries.slice(2), state));
    await writeBatch(theStore(), batch(entries.slice(0, 2), caseState({ id })));
    expect(await storedCase(theStore(), id)).toEqual({ ...state, timeline: entries });
    expect(await storedCase(theStore(), 'c-nosuchcaseaaaaaa')).toBeUndefined();
  });
});
