/**
 * Redaction on a real SQLite file and a real PostgreSQL server: residents' personal data leaves
 * the rows and the events of records closed before the cutoff; open and recent records keep it;
 * the columns reports count stay; a batch retried after redaction does not bring the data back.
 */
import type { CaseState } from '../../src/domain/case-model';
import type { RecordBatch } from '../../src/records/events';
import { redactClosedBefore, REDACTED } from '../../src/records/redaction';
import { writeBatch } from '../../src/records/writer';
import { describeOnEachStore } from '../helpers/records';

function closedCase(id: string, closedAt: string | undefined): RecordBatch {
  const state: Omit<CaseState, 'timeline'> = {
    id,
    status: closedAt ? 'closed' : 'in_progress',
    category: 'road_repair',
    priority: 'normal',
    title: '路灯',
    description: '我家楼下路灯不亮',
    address: '测试路1号5号楼',
    location: { lat: 39.6, lng: 121.6 },
    reporter: { name: '张三', phone: '+8613812345678', email: 'zhang@example.org' },
    locale: 'zh-CN',
    submittedBy: { kind: 'integration', id: 'app' },
    submittedAt: '2020-01-02T01:00:00.000Z',
    level: 'grid',
    unitId: 'g',
    gridId: 'g',
    ladder: [],
    assigneeId: 'g-worker',
    overdue: false,
    escalations: 0,
    reopens: 0,
    resolvedAt: '2020-01-02T05:00:00.000Z',
    rating: 5,
    feedbackComment: '张三很满意',
    ...(closedAt ? { closedAt } : {}),
  };
  const entry = (seq: number, type: string, actor: object, note?: string) => ({
    seq,
    type,
    at: '2020-01-02T05:00:00.000Z',
    data: { seq, type, actor, level: 'grid', unitId: 'g', assigneeId: 'g-worker', ...(note ? { note } : {}) },
  });
  return {
    kind: 'case',
    workflowId: id,
    events: [
      entry(1, 'submitted', { kind: 'integration', id: 'app' }),
      entry(2, 'resolved', { kind: 'staff', id: 'g-worker' }, '已修好'),
      entry(3, 'closed', { kind: 'resident' }, '谢谢，张三'),
    ],
    state: { ...state },
  };
}

describeOnEachStore('redaction', (theStore, maybe) => {
  maybe('closed before the cutoff: personal data gone from row and events, figures and staff notes kept; later ones untouched', async () => {
    const s = theStore();
    const old = closedCase('c-old', '2020-01-03T00:00:00.000Z');
    await writeBatch(s, old);
    await writeBatch(s, closedCase('c-recent', '2026-01-03T00:00:00.000Z'));
    await writeBatch(s, closedCase('c-open', undefined));
    const columns = () =>
      s.db
        .selectFrom('case_records')
        .select(['id', 'status', 'category', 'grid_id', 'submitted_at', 'resolved_at', 'closed_at', 'within_deadline', 'rating', 'escalations'])
        .orderBy('id')
        .execute();
    const figures = await columns();

    expect(await redactClosedBefore(s, new Date('2023-01-03T00:00:00.000Z'), new Date('2026-03-01T00:00:00.000Z'))).toMatchObject({ cases: 1, mediations: 0 });
    const row = await s.db.selectFrom('case_records').selectAll().where('id', '=', 'c-old').executeTakeFirstOrThrow();
    expect(row.redacted_at).toBe('2026-03-01T00:00:00.000Z');
    const events = await s.db.selectFrom('record_events').select(['seq', 'data', 'state']).where('workflow_id', '=', 'c-old').orderBy('seq').execute();
    const everything = JSON.stringify([row.state, events]);
    for (const personal of ['张三', '13812345678', 'zhang@example.org', '我家楼下', '测试路1号', '39.6', '路灯']) expect(everything).not.toContain(personal);
    expect(JSON.parse(events[1]!.data)).toMatchObject({ type: 'resolved', note: '已修好' });
    expect(JSON.parse(events[2]!.data)).toMatchObject({ type: 'closed', note: REDACTED });
    expect(await columns()).toEqual(figures);
    for (const id of ['c-recent', 'c-open']) {
      expect((await s.db.selectFrom('case_records').select('state').where('id', '=', id).executeTakeFirstOrThrow()).state).toContain('张三');
    }

    // A retried batch after redaction: no personal data comes back, and a second pass finds nothing.
    await writeBatch(s, old);
    expect((await s.db.selectFrom('case_records').select('state').where('id', '=', 'c-old').executeTakeFirstOrThrow()).state).not.toContain('张三');
    expect((await redactClosedBefore(s, new Date('2023-01-03T00:00:00.000Z'))).cases).toBe(0);
  });
});
