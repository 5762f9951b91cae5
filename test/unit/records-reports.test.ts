/**
 * Reports from a real store (SQLite file and PostgreSQL): periods cut at the city's midnights,
 * quantiles, mediation outcomes and obligation compliance by unit and person, a subtree that
 * leaves out what lies outside it, and CSV that a spreadsheet reads without running anything.
 */
import { OrgTree } from '../../src/domain/org-tree';
import type { RecordBatch } from '../../src/records/events';
import { mediationReport } from '../../src/records/mediation-report';
import { obligationReport } from '../../src/records/obligation-report';
import { reportCsv } from '../../src/records/report-csv';
import { bucketOf, reportPeriod } from '../../src/records/report-period';
import { quantile } from '../../src/records/report-stats';
import { writeBatch } from '../../src/records/writer';
import { tinyCityConfig } from '../helpers/fixtures';
import { describeOnEachStore } from '../helpers/records';

const config = tinyCityConfig();
const org = new OrgTree(config.units, config.staff);
const ZONE = 'Asia/Shanghai';
const march = reportPeriod({ from: '2026-03-01', to: '2026-03-31', timeZone: ZONE, now: new Date() });

describe('report periods and figures', () => {
  test("days are the city's: March in Shanghai starts at 16:00 UTC on 28 February", () => {
    expect(march).toMatchObject({ fromUtc: '2026-02-28T16:00:00.000Z', toUtc: '2026-03-31T16:00:00.000Z', bucket: 'month' });
    expect(bucketOf('2026-02-28T16:30:00.000Z', march)).toBe('2026-03');
    expect(bucketOf('2026-02-28T15:30:00.000Z', march)).toBe('2026-02');
    expect(bucketOf('2026-03-01T16:00:00.000Z', { timeZone: ZONE, bucket: 'week' })).toBe('2026-W10');
    expect(reportPeriod({ timeZone: ZONE, now: new Date('2026-03-15T20:00:00Z') })).toMatchObject({ from: '2026-03-01', to: '2026-03-16' });
  });

  test('median and p90 interpolate between ranks; nothing to count is null', () => {
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBeCloseTo(9.1);
    expect(quantile([], 0.5)).toBeNull();
  });

  test('CSV quotes what must be quoted and never starts a cell with a formula', () => {
    const csv = reportCsv(
      { totals: { received: 2, escalations: { street: 1 } }, byCategory: [{ key: '=HYPERLINK("x")', received: 2, escalations: { street: 1 } }] } as never,
      ['byCategory'],
    );
    expect(csv.split('\r\n')).toEqual(['group,key,received,escalations_street', 'total,,2,1', `byCategory,"'=HYPERLINK(""x"")",2,1`, '']);
  });
});

function mediation(id: string, community: string, stage: string, startedAt: string, events: string[]): RecordBatch {
  return {
    kind: 'mediation',
    workflowId: id,
    events: events.map((type, index) => ({ seq: index + 1, type, at: startedAt, data: { seq: index + 1, type } })),
    state: {
      id,
      caseId: `c-${id}`,
      stage,
      category: 'neighbour_dispute',
      level: 'community',
      unitId: community,
      ladder: [{ unitId: community }],
      startedAt,
      escalations: 0,
      reopens: 0,
      parties: [{ name: '李四' }],
    },
  };
}

function periodClosed(id: string, seq: number, unitId: string, obligeeId: string, endAt: string, met: boolean, escalated = false): RecordBatch {
  return {
    kind: 'obligation',
    workflowId: id,
    events: [{ seq, type: 'period_closed', at: endAt, data: { type: 'period_closed', key: endAt, endAt, met, obligeeId, unitId, escalated } }],
    state: { id, status: 'active', obligeeId, unitId, period: 'P7D', times: 1, totals: { met: 0, missed: 0 } },
  };
}

describeOnEachStore('reports', (theStore, maybe) => {
  maybe('mediation outcomes of the subtree, by child unit and month', async () => {
    const s = theStore();
    await writeBatch(s, mediation('m1', 'c', 'fulfilled', '2026-03-02T02:00:00.000Z', ['opened', 'agreement_in_force', 'fulfilled']));
    await writeBatch(s, mediation('m2', 'c', 'referred', '2026-03-03T02:00:00.000Z', ['opened', 'agreement_in_force', 'breached', 'referred']));
    await writeBatch(s, mediation('m3', 'c2', 'declined', '2026-03-04T02:00:00.000Z', ['opened', 'consent_refused', 'declined']));
    await writeBatch(s, mediation('m4', 'c2', 'sessions', '2026-03-05T02:00:00.000Z', ['opened']));
    // Outside the period (Shanghai's 1 April) and outside the subtree of c.
    await writeBatch(s, mediation('m5', 'c', 'fulfilled', '2026-03-31T16:30:00.000Z', ['opened']));
    const district = await mediationReport(s, org, 'd', march);
    expect(district.totals).toEqual({
      started: 4,
      agreement: 2,
      agreementRatePercent: 50,
      fulfilled: 1,
      breached: 1,
      declined: 1,
      referred: 1,
      withdrawn: 0,
      open: 1,
      escalated: 0,
    });
    expect(district.byUnit.map((row) => [row.key, row.started])).toEqual([['s', 4]]);
    expect(district.byPeriod.map((row) => [row.key, row.started])).toEqual([['2026-03', 4]]);
    const street = await mediationReport(s, org, 's', march);
    expect(street.byUnit.map((row) => [row.key, row.started, row.fulfilled, row.declined])).toEqual([
      ['c', 2, 1, 0],
      ['c2', 2, 0, 1],
    ]);
    const community = await mediationReport(s, org, 'c2', march);
    expect(community.totals.started).toBe(2);
    expect(JSON.stringify(district)).not.toContain('李四');
  });

  maybe('obligation compliance per unit, child unit and person, for periods ending in the period', async () => {
    const s = theStore();
    await writeBatch(s, periodClosed('o-lead-g', 1, 'g', 's-lead', '2026-03-08T16:00:00.000Z', true));
    await writeBatch(s, periodClosed('o-lead-g', 2, 'g', 's-lead', '2026-03-15T16:00:00.000Z', false));
    await writeBatch(s, periodClosed('o-lead-g', 3, 'g', 's-duty', '2026-03-22T16:00:00.000Z', false, true));
    await writeBatch(s, periodClosed('o-lead-g2', 1, 'g2', 's-lead', '2026-03-08T16:00:00.000Z', true));
    await writeBatch(s, periodClosed('o-lead-g2', 2, 'g2', 's-lead', '2026-04-05T16:00:00.000Z', true));
    const report = await obligationReport(s, org, 's', march);
    expect(report.totals).toEqual({ periods: 4, met: 2, missed: 2, compliancePercent: 50, escalations: 1 });
    expect(report.byUnit.map((row) => [row.key, row.met, row.missed])).toEqual([
      ['g', 1, 2],
      ['g2', 1, 0],
    ]);
    expect(report.byChildUnit.map((row) => [row.key, row.periods])).toEqual([
      ['c', 3],
      ['c2', 1],
    ]);
    expect(report.byPerson.map((row) => [row.key, row.met, row.missed, row.compliancePercent])).toEqual([
      ['s-duty', 0, 1, 0],
      ['s-lead', 2, 1, 66.7],
    ]);
    expect((await obligationReport(s, org, 'c2', march)).totals.periods).toBe(1);
  });
});
