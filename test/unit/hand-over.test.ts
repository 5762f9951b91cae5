/**
 * The hand-over's pure planning (src/domain/hand-over.ts): listing in passes, which items are due,
 * how failed and waiting items are retried, when it is done, and who takes a mediation.
 */
import {
  addListed,
  advanceListing,
  applyFailure,
  applyOutcome,
  dueItems,
  isComplete,
  mediatorFor,
  newHandOver,
  nextRetryAt,
  retryDelayMs,
  type HandOverProgress,
} from '../../src/domain/hand-over';

const MINUTE = 60_000;
const T0 = Date.parse('2026-12-01T02:00:00Z');
const admin = { kind: 'staff' as const, id: 'liu-guoqing', role: 'admin' as const, unitId: 'changxing' };

function handOver(): HandOverProgress {
  return newHandOver('hand-over-song-lixin', { leaverId: 'song-lixin', successorId: 'he-xin', requestedBy: admin }, T0);
}

describe('hand-over planning', () => {
  test('lists kind by kind and page by page, then once more, and is done after a pass that finds nothing new', () => {
    const progress = handOver();
    expect(progress.listing).toEqual({ kind: 'case', pass: 1, foundInPass: 0, done: false });
    expect(
      addListed(progress, [
        { kind: 'case', id: 'c-1' },
        { kind: 'case', id: 'c-2' },
      ]),
    ).toBe(2);
    advanceListing(progress, 'c-2');
    expect(progress.listing).toMatchObject({ kind: 'case', after: 'c-2' });
    addListed(progress, [{ kind: 'case', id: 'c-3' }]);
    advanceListing(progress, undefined);
    expect(progress.listing).toMatchObject({ kind: 'mediation', after: undefined });
    advanceListing(progress, undefined);
    addListed(progress, [{ kind: 'obligation', id: 'o-1' }]);
    advanceListing(progress, undefined);
    // The first pass found items: a second one catches rows the store wrote late.
    expect(progress.listing).toEqual({ kind: 'case', pass: 2, foundInPass: 0, done: false });
    expect(addListed(progress, [{ kind: 'case', id: 'c-1' }])).toBe(0);
    for (let kind = 0; kind < 3; kind++) advanceListing(progress, undefined);
    expect(progress.listing).toMatchObject({ pass: 2, done: true });
    expect(progress.items.map((item) => item.id)).toEqual(['c-1', 'c-2', 'c-3', 'o-1']);
    expect(progress.counts.pending).toBe(4);
  });

  test('a failed item is retried on a doubling backoff up to an hour; a waiting one at its instant; done only when all are handed or skipped', () => {
    const progress = handOver();
    addListed(progress, [
      { kind: 'case', id: 'c-1' },
      { kind: 'case', id: 'c-2' },
      { kind: 'mediation', id: 'm-1' },
    ]);
    for (let kind = 0; kind < 6; kind++) advanceListing(progress, undefined);
    expect(dueItems(progress, T0, 2).map((item) => item.id)).toEqual(['c-1', 'c-2']);

    applyOutcome(progress, { kind: 'case', id: 'c-1' }, { status: 'handed', to: 'he-xin' }, T0);
    applyFailure(progress, { kind: 'case', id: 'c-2' }, '14 UNAVAILABLE', T0);
    applyOutcome(progress, { kind: 'mediation', id: 'm-1' }, { status: 'waiting', reason: 'no_mediator' }, T0);
    expect(progress.counts).toEqual({ pending: 0, handed: 1, skipped: 0, waiting: 1, failed: 1 });
    expect(progress.items[1]).toMatchObject({ status: 'failed', reason: '14 UNAVAILABLE', attempts: 1, retryAt: new Date(T0 + MINUTE).toISOString() });
    expect(progress.items[2]).toMatchObject({ status: 'waiting', retryAt: new Date(T0 + 60 * MINUTE).toISOString() });
    expect(nextRetryAt(progress)).toBe(T0 + MINUTE);
    expect(dueItems(progress, T0 + MINUTE - 1, 10)).toEqual([]);
    expect(dueItems(progress, T0 + MINUTE, 10).map((item) => item.id)).toEqual(['c-2']);
    expect(isComplete(progress)).toBe(false);

    expect([1, 2, 3, 7, 8, 20].map(retryDelayMs)).toEqual([1, 2, 4, 60, 60, 60].map((minutes) => minutes * MINUTE));

    applyOutcome(progress, { kind: 'case', id: 'c-2' }, { status: 'skipped', reason: 'already_held', to: 'he-xin' }, T0 + MINUTE);
    applyOutcome(progress, { kind: 'mediation', id: 'm-1' }, { status: 'handed', to: 'zhao-min' }, T0 + 60 * MINUTE);
    expect(progress.items[1]).toMatchObject({ status: 'skipped', reason: 'already_held', attempts: 2, retryAt: undefined });
    expect(nextRetryAt(progress)).toBeUndefined();
    expect(isComplete(progress)).toBe(true);
  });

  test('a resolved case waits for its window, but never less than a minute on the workflow clock', () => {
    const progress = handOver();
    addListed(progress, [
      { kind: 'case', id: 'c-1' },
      { kind: 'case', id: 'c-2' },
    ]);
    applyOutcome(
      progress,
      { kind: 'case', id: 'c-1' },
      { status: 'waiting', reason: 'awaiting_confirmation', until: new Date(T0 + 72 * 60 * MINUTE).toISOString() },
      T0,
    );
    applyOutcome(
      progress,
      { kind: 'case', id: 'c-2' },
      { status: 'waiting', reason: 'awaiting_confirmation', until: new Date(T0 - 5 * MINUTE).toISOString() },
      T0,
    );
    expect(progress.items.map((item) => item.retryAt)).toEqual([new Date(T0 + 72 * 60 * MINUTE).toISOString(), new Date(T0 + MINUTE).toISOString()]);
  });

  test('a mediation goes to the successor if they mediate for its committee, else to another of its mediators, else to nobody', () => {
    const committee = [
      { id: 'song-lixin', role: 'mediator' as const, unitId: 'santang' },
      { id: 'zhou-ping', role: 'mediator' as const, unitId: 'santang' },
      { id: 'an-qi', role: 'mediator' as const, unitId: 'santang' },
      { id: 'qu-guilan', role: 'supervisor' as const, unitId: 'santang' },
    ];
    const mediatorHere = { id: 'he-xin', role: 'mediator' as const, unitId: 'santang' };
    const mediatorElsewhere = { id: 'jiang-jie', role: 'mediator' as const, unitId: 'changxingdao' };
    expect(mediatorFor(mediatorHere, 'santang', committee, 'song-lixin')).toEqual(mediatorHere);
    expect(mediatorFor(mediatorElsewhere, 'santang', committee, 'song-lixin')?.id).toBe('an-qi');
    expect(mediatorFor(undefined, 'santang', committee, 'song-lixin')?.id).toBe('an-qi');
    expect(mediatorFor(committee[3], 'santang', committee.slice(0, 1), 'song-lixin')).toBeUndefined();
  });
});
