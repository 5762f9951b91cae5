/**
 * Rebuild and drift on a real SQLite file and a real PostgreSQL server: rows rebuilt from the
 * events equal the rows the writer kept, and the drift check names every kind of difference
 * between what Temporal has open and what the store holds.
 */
import type { CaseState, TimelineEntry } from '../../src/domain/case-model';
import type { RecordBatch } from '../../src/records/events';
import { driftReport, hasDrift, type OpenWork } from '../../src/records/drift';
import { rebuildCurrentState } from '../../src/records/rebuild';
import { writeBatch } from '../../src/records/writer';
import { describeOnEachStore } from '../helpers/records';

function caseState(id: string, overrides: Partial<CaseState> = {}): Omit<CaseState, 'timeline'> {
  return {
    id,
    status: 'assigned',
    category: 'road_repair',
    priority: 'normal',
    description: '路灯不亮',
    locale: 'zh-CN',
    submittedBy: { kind: 'integration', id: 'hotline-12345' },
    submittedAt: '2026-03-02T01:00:00.000Z',
    level: 'grid',
    unitId: 'g',
    gridId: 'g',
    ladder: [],
    assigneeId: 'g-worker',
    overdue: false,
    escalations: 0,
    reopens: 0,
    ...overrides,
  };
}

function batch(id: string, entries: [number, string, Record<string, unknown>?][], state: Omit<CaseState, 'timeline'>): RecordBatch {
  return {
    kind: 'case',
    workflowId: id,
    events: entries.map(([seq, type, details]) => {
      const entry: TimelineEntry = {
        seq,
        at: `2026-03-02T0${seq}:00:00.000Z`,
        type,
        actor: { kind: 'system' },
        level: 'grid',
        unitId: 'g',
        assigneeId: 'g-worker',
        ...(details ? { details } : {}),
      };
      return { seq, type, at: entry.at, data: { ...entry } };
    }),
    state: { ...state },
  };
}

describeOnEachStore('rebuild and drift', (theStore, maybe) => {
  maybe('rows rebuilt from the events equal the rows the writer kept', async () => {
    await writeBatch(
      theStore(),
      batch(
        'c-one',
        [
          [1, 'submitted'],
          [2, 'assigned'],
        ],
        caseState('c-one'),
      ),
    );
    await writeBatch(
      theStore(),
      batch('c-one', [[3, 'resolved', { withinDeadline: false }]], caseState('c-one', { status: 'resolved', resolvedAt: '2026-03-02T03:00:00.000Z' })),
    );
    await writeBatch(
      theStore(),
      batch(
        'c-two',
        [
          [1, 'submitted'],
          [2, 'assigned'],
        ],
        caseState('c-two'),
      ),
    );
    const select = () => theStore().db.selectFrom('case_records').selectAll().orderBy('id').execute();
    const kept = await select();

    // A lost row and a damaged one.
    await theStore().db.deleteFrom('case_records').where('id', '=', 'c-two').execute();
    await theStore().db.updateTable('case_records').set({ status: 'assigned', within_deadline: null }).where('id', '=', 'c-one').execute();
    expect(await rebuildCurrentState(theStore(), { now: new Date(kept[0]!.updated_at) })).toEqual({ case: 2, mediation: 0, obligation: 0 });
    const rebuilt = await select();
    expect(rebuilt.map(({ updated_at: _u, ...row }) => row)).toEqual(kept.map(({ updated_at: _u, ...row }) => row));
    expect(rebuilt[0]).toMatchObject({ id: 'c-one', status: 'resolved', within_deadline: 0, last_seq: 3 });
  });

  maybe('the drift check names what is missing, ended, not running or different', async () => {
    await writeBatch(theStore(), batch('c-open', [[1, 'submitted']], caseState('c-open')));
    await writeBatch(theStore(), batch('c-stale', [[1, 'submitted']], caseState('c-stale')));
    await writeBatch(theStore(), batch('c-done', [[1, 'cancelled']], caseState('c-done', { status: 'cancelled' })));
    await writeBatch(theStore(), batch('c-moved', [[1, 'submitted']], caseState('c-moved')));
    const temporal: OpenWork[] = [
      { id: 'c-open', kind: 'case', status: 'assigned' },
      { id: 'c-new', kind: 'case', status: 'assigned' },
      { id: 'c-done', kind: 'case', status: 'in_progress' },
      { id: 'c-moved', kind: 'case', status: 'acknowledged' },
    ];
    const report = await driftReport(theStore(), temporal);
    expect(hasDrift(report)).toBe(true);
    expect(report.missingInStore.map((work) => work.id)).toEqual(['c-new']);
    expect(report.endedInStore.map((work) => work.id)).toEqual(['c-done']);
    expect(report.notRunningInTemporal.map((work) => work.id).sort()).toEqual(['c-one', 'c-stale', 'c-two']);
    expect(report.statusDiffers).toEqual([{ id: 'c-moved', kind: 'case', temporal: 'acknowledged', store: 'assigned' }]);

    const agreeing: OpenWork[] = ['c-open', 'c-stale', 'c-moved', 'c-one', 'c-two'].map((id) => ({
      id,
      kind: 'case',
      status: id === 'c-one' ? 'resolved' : 'assigned',
    }));
    expect(hasDrift(await driftReport(theStore(), agreeing))).toBe(false);
  });
});
