/**
 * A staff member's open work from the records store's current-state rows (src/records/open-work.ts),
 * on SQLite and PostgreSQL: only open items they hold, page by page in id order, and a mediator
 * found inside the state's JSON without matching a lookalike id or a session's mediator.
 */
import type { CaseSnapshot, MediationSnapshot } from '../../src/records/rows';
import { caseRow, mediationRow, NO_FACTS, obligationRow } from '../../src/records/rows';
import type { ObligationState } from '../../src/domain/obligation-model';
import { openWorkOf } from '../../src/records/open-work';
import { describeOnEachStore } from '../helpers/records';

const NOW = '2026-12-01T02:00:00.000Z';

function caseSnapshot(id: string, assigneeId: string, status: CaseSnapshot['status'] = 'assigned'): CaseSnapshot {
  return {
    id,
    status,
    category: 'road_repair',
    priority: 'normal',
    description: '路灯不亮',
    locale: 'zh-CN',
    submittedBy: { kind: 'integration', id: 'hotline-12345' },
    submittedAt: NOW,
    level: 'grid',
    unitId: 'santang-1',
    gridId: 'santang-1',
    ladder: [],
    assigneeId,
    overdue: false,
    escalations: 0,
    reopens: 0,
    ...(status === 'closed' ? { closedAt: NOW } : {}),
  };
}

function mediationSnapshot(id: string, mediatorId: string | undefined, sessionMediator?: string): MediationSnapshot {
  return {
    id,
    caseId: `c-${id}`,
    category: 'neighbour_dispute',
    priority: 'normal',
    description: '邻里纠纷',
    locale: 'zh-CN',
    stage: 'sessions',
    level: 'community',
    unitId: 'santang',
    ladder: [],
    mediatorId,
    parties: [],
    requestedBy: { kind: 'system' },
    startedAt: NOW,
    stageSeq: 1,
    overdue: false,
    escalations: 0,
    reopens: 0,
    sessions: sessionMediator
      ? [
          {
            no: 1,
            level: 'community',
            unitId: 'santang',
            mediatorId: sessionMediator,
            at: NOW,
            place: '调解室',
            scheduledAt: NOW,
            scheduledBy: { kind: 'system' },
          },
        ]
      : [],
  };
}

function obligationState(id: string, obligeeId: string, status: ObligationState['status'] = 'active'): ObligationState {
  return {
    id,
    status,
    obligeeId,
    obligeeUnitId: 'santang',
    unitId: 'santang-1',
    period: 'P7D',
    times: 1,
    current: { key: '2026-W49', startAt: NOW, endAt: NOW, contacts: [], reminded: false },
    history: [],
    totals: { met: 0, missed: 0 },
    streak: { met: 0, missed: 0 },
    escalations: 0,
    obligees: [{ staffId: obligeeId, from: NOW }],
    ...(status === 'ended' ? { endedAt: NOW } : {}),
  };
}

describeOnEachStore('open work of a leaver', (theStore, maybe) => {
  beforeAll(async () => {
    const db = theStore().db;
    await db
      .insertInto('case_records')
      .values([
        caseRow(caseSnapshot('c-a', 'song_lixin'), NO_FACTS, 1, NOW),
        caseRow(caseSnapshot('c-b', 'song_lixin', 'resolved'), NO_FACTS, 1, NOW),
        caseRow(caseSnapshot('c-c', 'song_lixin', 'closed'), NO_FACTS, 1, NOW),
        caseRow(caseSnapshot('c-d', 'songxlixin'), NO_FACTS, 1, NOW),
        caseRow(caseSnapshot('c-e', 'song_lixin', 'in_progress'), NO_FACTS, 1, NOW),
      ])
      .execute();
    await db
      .insertInto('mediation_records')
      .values([
        mediationRow(mediationSnapshot('m-a', 'song_lixin'), NO_FACTS, 1, NOW),
        // `_` is a LIKE wildcard: "songxlixin" must not match "song_lixin".
        mediationRow(mediationSnapshot('m-b', 'songxlixin'), NO_FACTS, 1, NOW),
        // A session held by the leaver, but the mediation is someone else's now.
        mediationRow(mediationSnapshot('m-c', 'he-xin', 'song_lixin'), NO_FACTS, 1, NOW),
        mediationRow(mediationSnapshot('m-d', 'song_lixin'), NO_FACTS, 1, NOW),
      ])
      .execute();
    await db
      .insertInto('obligation_records')
      .values([obligationRow(obligationState('o-a', 'song_lixin'), 1, NOW), obligationRow(obligationState('o-b', 'song_lixin', 'ended'), 1, NOW)])
      .execute();
  });

  maybe('open cases they are assigned, in pages by id', async () => {
    const first = await openWorkOf(theStore(), { staffId: 'song_lixin', kind: 'case', limit: 2 });
    expect(first).toEqual({
      items: [
        { kind: 'case', id: 'c-a' },
        { kind: 'case', id: 'c-b' },
      ],
      next: 'c-b',
    });
    const second = await openWorkOf(theStore(), { staffId: 'song_lixin', kind: 'case', after: first.next, limit: 2 });
    expect(second).toEqual({ items: [{ kind: 'case', id: 'c-e' }], next: undefined });
  });

  maybe('open mediations they mediate, by the state itself, never a lookalike id or an old session', async () => {
    const all = await openWorkOf(theStore(), { staffId: 'song_lixin', kind: 'mediation', limit: 10 });
    expect(all.items.map((item) => item.id)).toEqual(['m-a', 'm-d']);
    expect(all.next).toBeUndefined();
    const paged = await openWorkOf(theStore(), { staffId: 'song_lixin', kind: 'mediation', limit: 1 });
    expect(paged).toEqual({ items: [{ kind: 'mediation', id: 'm-a' }], next: 'm-a' });
  });

  maybe('active obligations they hold', async () => {
    expect(await openWorkOf(theStore(), { staffId: 'song_lixin', kind: 'obligation', limit: 10 })).toEqual({
      items: [{ kind: 'obligation', id: 'o-a' }],
      next: undefined,
    });
  });
});
