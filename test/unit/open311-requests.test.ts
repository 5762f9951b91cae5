/**
 * How GeoReport v2 names and shows cases: deduplication ids across window buckets, request tokens,
 * the date window of GET requests, the visibility query, and a case presented as a service
 * request (status, notes, agency, times with the city's offset, privacy of disputes).
 */
import { canonicalJson, caseIdOfToken, dedupCaseIds, DEDUP_WINDOW_MS, requestTokenFor, submissionFingerprint } from '../../src/api/open311/dedup';
import { listingQuery, requestWindow } from '../../src/api/open311/listing';
import { open311Status, serviceRequestEntry, snapshotOfState, w3cTime, type PresentContext } from '../../src/api/open311/requests';
import { CASE_STATUSES, type CaseState } from '../../src/domain/case-model';
import { translator } from '../../src/i18n';
import { open311City } from '../fixtures/open311/city';
import { open311SchemaErrors } from '../fixtures/open311/validate';
import { demoGrid, demoOrg } from '../helpers/fixtures';

describe('deduplication ids', () => {
  const fingerprint = submissionFingerprint({ service_code: 'road_repair', description: '路灯不亮', device_id: 'd-1' });
  const tenOClock = Date.parse('2026-05-06T02:00:00Z');

  it('fingerprint the arguments whatever their order, and tell different arguments apart', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
    expect(submissionFingerprint({ device_id: 'd-1', description: '路灯不亮', service_code: 'road_repair' })).toBe(fingerprint);
    expect(submissionFingerprint({ service_code: 'road_repair', description: '路灯不亮', device_id: 'd-2' })).not.toBe(fingerprint);
  });

  it('are the same within a bucket, and a retry just after the edge finds the first one as `previous`', () => {
    const before = dedupCaseIds('integration:app', fingerprint, tenOClock - 5_000);
    const after = dedupCaseIds('integration:app', fingerprint, tenOClock + 5_000);
    expect(dedupCaseIds('integration:app', fingerprint, tenOClock - DEDUP_WINDOW_MS + 1)).toEqual(before);
    expect(after.current).not.toBe(before.current);
    expect(after.previous).toBe(before.current);
    expect(before.current).toMatch(/^c-[a-z2-7]{16}$/);
  });

  it('differ between integrations sending the same arguments', () => {
    expect(dedupCaseIds('integration:a', fingerprint, tenOClock).current).not.toBe(dedupCaseIds('integration:b', fingerprint, tenOClock).current);
  });
});

describe('request tokens', () => {
  it('map back to the case id, and only when we issued them', () => {
    const token = requestTokenFor('secret', 'c-abcdefgh234567ab');
    expect(token).toMatch(/^abcdefgh234567ab-[0-9a-f]{12}$/);
    expect(caseIdOfToken('secret', token)).toBe('c-abcdefgh234567ab');
    expect(caseIdOfToken('other secret', token)).toBeUndefined();
    expect(
      caseIdOfToken(
        'secret',
        token.replace(/.$/, (c) => (c === '0' ? '1' : '0')),
      ),
    ).toBeUndefined();
    expect(caseIdOfToken('secret', '12345')).toBeUndefined();
  });
});

describe('the window of GET requests', () => {
  const now = new Date('2026-05-06T12:00:00Z');
  const day = 86_400_000;

  it('is the last 90 days by default, and 90 days from a single bound', () => {
    expect(requestWindow(undefined, undefined, now, 'Asia/Shanghai')).toEqual({ from: new Date(now.getTime() - 90 * day), to: now });
    const from = new Date('2026-01-01T00:00:00+08:00');
    expect(requestWindow('2026-01-01T00:00:00+08:00', undefined, now, 'Asia/Shanghai')).toEqual({ from, to: new Date(from.getTime() + 90 * day) });
    expect(requestWindow(undefined, '2026-04-01T00:00:00Z', now, 'Asia/Shanghai')).toEqual({
      from: new Date(Date.parse('2026-04-01T00:00:00Z') - 90 * day),
      to: new Date('2026-04-01T00:00:00Z'),
    });
  });

  it('reads a time without an offset in the city zone', () => {
    expect(requestWindow('2026-04-01T08:00:00', '2026-04-02', now, 'Asia/Shanghai')).toEqual({
      from: new Date('2026-04-01T00:00:00Z'),
      to: new Date('2026-04-01T16:00:00Z'),
    });
  });

  it('allows exactly 90 days and refuses more, reversed bounds and non-dates', () => {
    expect(requestWindow('2026-01-01T00:00:00Z', '2026-04-01T00:00:00Z', now, 'UTC')).toHaveProperty('from');
    expect(requestWindow('2026-01-01T00:00:00Z', '2026-04-01T00:00:01Z', now, 'UTC')).toEqual({
      errors: ['start_date, end_date: may not span more than 90 days'],
    });
    expect(requestWindow('2026-04-02T00:00:00Z', '2026-04-01T00:00:00Z', now, 'UTC')).toEqual({ errors: ['end_date: must not be before start_date'] });
    expect(requestWindow('last week', 'soon', now, 'UTC')).toEqual({
      errors: ['start_date: must be a w3 datetime such as 2026-05-01T00:00:00+08:00', 'end_date: must be a w3 datetime such as 2026-05-31T23:59:59+08:00'],
    });
  });
});

describe('the visibility query of GET requests', () => {
  const window = { from: new Date('2026-04-01T00:00:00Z'), to: new Date('2026-05-01T00:00:00Z') };
  it('selects the district’s cases in the window, latest run only, by service and Open311 status', () => {
    const query = listingQuery({ rootUnitId: 'changxing', window, serviceCodes: ['road_repair', 'sanitation'], statuses: ['closed'] });
    expect(query).toBe(
      "WorkflowType = 'caseWorkflow' AND GridflowUnits = 'changxing' AND ExecutionStatus != 'ContinuedAsNew'" +
        " AND StartTime >= '2026-04-01T00:00:00.000Z' AND StartTime <= '2026-05-01T00:00:00.000Z'" +
        " AND GridflowCategory IN ('road_repair', 'sanitation') AND GridflowStatus IN ('resolved', 'closed', 'cancelled')",
    );
    expect(listingQuery({ rootUnitId: 'changxing', window, serviceCodes: ['sanitation'], statuses: ['open', 'closed'] })).not.toContain('GridflowStatus');
  });
});

describe('a case as a service request', () => {
  const categories = new Map(open311City.categories.map((category) => [category.id, category]));
  const context = (locale: 'zh-CN' | 'en'): PresentContext => ({ org: demoOrg, categories, locale, timeZone: 'Asia/Shanghai', t: translator(locale) });
  const ladder = demoOrg.ladder(demoGrid.id);
  const state = (extra: Partial<CaseState> = {}): CaseState => ({
    id: 'c-abcdefgh234567ab',
    status: 'assigned',
    category: 'road_repair',
    priority: 'normal',
    description: '路灯不亮 (with the Open311 details block)',
    address: '三堂村一组5号楼',
    location: { lat: 39.52, lng: 121.43 },
    reporter: { name: '张三', phone: '+8613812345678' },
    locale: 'zh-CN',
    submittedBy: { kind: 'integration', id: 'hotline-12345' },
    submittedAt: '2026-05-06T01:00:00.000Z',
    level: 'grid',
    unitId: demoGrid.id,
    gridId: demoGrid.id,
    ladder,
    assigneeId: ladder[0]!.dutyOfficerId,
    dueAt: '2026-05-07T09:30:00.000Z',
    overdue: false,
    escalations: 0,
    reopens: 0,
    timeline: [{ seq: 1, at: '2026-05-06T01:00:01.000Z', type: 'assigned', actor: { kind: 'system' }, level: 'grid', unitId: demoGrid.id, assigneeId: 'x' }],
    ...extra,
  });
  const facts = {
    submittedAt: '2026-05-06T01:00:00.000Z',
    description: '路灯不亮',
    address: '三堂村一组5号楼',
    location: { lat: 39.52, lng: 121.43 },
    mediaUrl: 'https://img.example.org/1.jpg',
  };

  it('shows the spec fields only, in the city zone, with stage and level in status_notes', () => {
    const entry = serviceRequestEntry(context('zh-CN'), snapshotOfState(state(), facts));
    expect(entry).toEqual({
      service_request_id: 'c-abcdefgh234567ab',
      status: 'open',
      status_notes: '办理环节：已派单；当前层级：网格',
      service_name: '道路维修',
      service_code: 'road_repair',
      description: '路灯不亮',
      agency_responsible: demoGrid.name['zh-CN'],
      service_notice: null,
      requested_datetime: '2026-05-06T09:00:00+08:00',
      updated_datetime: '2026-05-06T09:00:01+08:00',
      expected_datetime: '2026-05-07T17:30:00+08:00',
      address: '三堂村一组5号楼',
      lat: 39.52,
      long: 121.43,
      media_url: 'https://img.example.org/1.jpg',
    });
    expect(open311SchemaErrors('requests', [entry])).toEqual([]);
  });

  it('after an escalation names the community and flags overdue work', () => {
    const community = ladder[1]!;
    const entry = serviceRequestEntry(context('en'), snapshotOfState(state({ level: 'community', unitId: community.unitId, overdue: true }), facts)) as Record<
      string,
      unknown
    >;
    expect(entry.status_notes).toBe('Stage: assigned; level: community; overdue');
    expect(entry.agency_responsible).toBe(demoOrg.unit(community.unitId)!.name.en);
  });

  it('is closed once resolved, closed or cancelled, with no deadline', () => {
    for (const status of ['resolved', 'closed', 'cancelled'] as const) {
      const entry = serviceRequestEntry(context('zh-CN'), snapshotOfState(state({ status, dueAt: undefined }), facts)) as Record<string, unknown>;
      expect([entry.status, entry.expected_datetime]).toEqual(['closed', null]);
    }
  });

  it('is open in every other status, whatever the workflow adds later', () => {
    const others = CASE_STATUSES.filter((status) => !['resolved', 'closed', 'cancelled'].includes(status));
    expect(others.length).toBeGreaterThanOrEqual(4);
    for (const status of others) expect(open311Status(status)).toBe('open');
  });

  it('takes the description from the case and the place from the grid when the memo has no facts (older cases)', () => {
    const entry = serviceRequestEntry(context('zh-CN'), snapshotOfState(state({ address: undefined, location: undefined }), undefined)) as Record<
      string,
      unknown
    >;
    expect(entry.description).toBe('路灯不亮 (with the Open311 details block)');
    expect(entry.address).toBe(
      demoOrg
        .lineage(demoGrid.id)
        .map((unit) => unit.name['zh-CN'])
        .join(', '),
    );
    expect(entry).not.toHaveProperty('lat', expect.anything());
  });

  it('writes instants with the offset of the zone', () => {
    expect(w3cTime('2026-05-06T16:30:00.123Z', 'Asia/Shanghai')).toBe('2026-05-07T00:30:00.123+08:00');
    expect(w3cTime('2026-05-06T16:30:00Z', 'UTC')).toBe('2026-05-06T16:30:00Z');
  });
});
