/**
 * The unit tree of the demo city (Changxing Island): ancestry, scope, escalation ladders,
 * supervisors, and routing a request to its grid by grid id, location or address.
 */
import { translator } from '../../src/i18n';
import { DEFAULT_CONFIG_PATH, loadConfig, parseConfig } from '../../src/config/load';
import { OrgTree, type RequestPlace } from '../../src/domain/org-tree';

const config = loadConfig(DEFAULT_CONFIG_PATH);
const org = new OrgTree(config.units, config.staff);

/** The grid id a place routes to, or the failure's field and reason. */
function routeOf(tree: OrgTree, place: RequestPlace): { gridId: string } | { field: string; reason: string } {
  const result = tree.route(place);
  return 'grid' in result ? { gridId: result.grid.id } : { field: result.failure.field, reason: translator('en')(result.failure.key, result.failure.values) };
}

describe('ancestry and scope', () => {
  it('knows the district at the root and its two streets', () => {
    expect(org.root.id).toBe('changxing');
    expect(org.children('changxing').map((unit) => unit.id)).toEqual(['changxingdao', 'jiaoliudao']);
    expect(org.children('santang').map((unit) => unit.id)).toEqual(['santang-1', 'santang-2']);
    expect(org.children('santang-1')).toEqual([]);
  });

  it('gives the lineage of a grid from the grid up to the district', () => {
    expect(org.lineage('santang-1').map((unit) => `${unit.level}:${unit.id}`)).toEqual([
      'grid:santang-1',
      'community:santang',
      'street:changxingdao',
      'district:changxing',
    ]);
    expect(org.lineageIds('fengmingdao-2')).toEqual(['fengmingdao-2', 'fengmingdao', 'jiaoliudao', 'changxing']);
    expect(org.lineageIds('changxing')).toEqual(['changxing']);
    expect(org.lineageIds('no-such-unit')).toEqual([]);
  });

  it.each([
    ['santang-1', 'santang-1', true],
    ['santang-1', 'santang', true],
    ['santang-1', 'changxingdao', true],
    ['santang-1', 'changxing', true],
    ['santang-1', 'santang-2', false],
    ['santang-1', 'jiaoliudao', false],
    ['santang', 'santang-1', false],
    ['changxing', 'changxingdao', false],
    ['no-such-unit', 'changxing', false],
  ])('isWithin(%s, %s) is %s', (unitId, scopeId, expected) => {
    expect(org.isWithin(unitId, scopeId)).toBe(expected);
  });

  it('builds the escalation ladder grid → community → street → district with each duty officer', () => {
    expect(org.ladder('santang-1')).toEqual([
      { unitId: 'santang-1', level: 'grid', dutyOfficerId: 'sui-lei' },
      { unitId: 'santang', level: 'community', dutyOfficerId: 'qu-guilan' },
      { unitId: 'changxingdao', level: 'street', dutyOfficerId: 'sun-zhenhua' },
      { unitId: 'changxing', level: 'district', dutyOfficerId: 'wang-fang' },
    ]);
    expect(org.ladder('donggang-3').map((rung) => rung.dutyOfficerId)).toEqual(['yu-li', 'li-juan', 'zhao-fang', 'wang-fang']);
  });

  it('finds the duty officer of a unit, and nobody for an unknown unit', () => {
    expect(org.dutyOfficer('santang-1')).toMatchObject({ id: 'sui-lei', role: 'grid_worker', unit: 'santang-1' });
    expect(org.dutyOfficer('jiaoliudao')).toMatchObject({ id: 'zhao-fang', role: 'officer' });
    expect(org.dutyOfficer('no-such-unit')).toBeUndefined();
  });

  it('names as supervisors of a grid the supervisors and admins on its lineage, and no one else', () => {
    const ids = org
      .supervisorsOf('santang-1')
      .map((person) => person.id)
      .sort();
    // li-li (district supervisor), liu-guoqing (district admin), yu-min (street), qu-guilan (village).
    // Not the officers wang-fang / sun-zhenhua, not mediators, not Bachagou's or Jiaoliudao's supervisors.
    expect(ids).toEqual(['li-li', 'liu-guoqing', 'qu-guilan', 'yu-min']);
    expect(
      org
        .supervisorsOf('changxing')
        .map((person) => person.id)
        .sort(),
    ).toEqual(['li-li', 'liu-guoqing']);
  });
});

describe('route()', () => {
  // santang-1 covers lng 121.422–121.4555, lat 39.512–39.5347; santang-2 starts at lat 39.5387.
  const insideSantang1 = { lat: 39.52, lng: 121.43 };

  it('takes an explicit grid id first, even when a location or address says otherwise', () => {
    expect(routeOf(org, { gridId: 'santang-2', location: insideSantang1, address: '八岔沟村一组' })).toEqual({ gridId: 'santang-2' });
  });

  it('refuses an unknown grid id, naming the gridId field', () => {
    expect(routeOf(org, { gridId: 'atlantis-1' })).toEqual({ field: 'gridId', reason: expect.stringContaining('atlantis-1') as string });
  });

  it('refuses a unit that is not a grid, naming the gridId field', () => {
    expect(routeOf(org, { gridId: 'santang' })).toEqual({ field: 'gridId', reason: expect.stringMatching(/community, not a grid/) as string });
  });

  it.each([
    [{ lat: 39.52, lng: 121.43 }, 'santang-1'],
    [{ lat: 39.55, lng: 121.44 }, 'santang-2'],
    [{ lat: 39.6, lng: 121.66 }, 'beihai-2'],
    [{ lat: 39.525, lng: 121.7 }, 'hulushan-1'],
    // The corners of a box belong to it.
    [{ lat: 39.512, lng: 121.422 }, 'santang-1'],
    [{ lat: 39.5347, lng: 121.4555 }, 'santang-1'],
  ])('routes the location %j to the grid whose bounds hold it (%s)', (location, gridId) => {
    expect(routeOf(org, { location })).toEqual({ gridId });
  });

  it.each([
    ['north of the island', { lat: 40.2, lng: 121.43 }],
    ['in the gap between two grids', { lat: 39.536, lng: 121.43 }],
    ['just west of the westernmost grid', { lat: 39.52, lng: 121.4219 }],
  ])('refuses a location %s, naming the location field', (_label, location) => {
    expect(routeOf(org, { location })).toEqual({ field: 'location', reason: expect.any(String) as string });
  });

  it('takes the location before the address', () => {
    expect(routeOf(org, { location: insideSantang1, address: '八岔沟村一组' })).toEqual({ gridId: 'santang-1' });
    // and does not fall back to the address when the location lies in no grid
    expect(routeOf(org, { location: { lat: 40.2, lng: 121.43 }, address: '八岔沟村一组' })).toMatchObject({ field: 'location' });
  });

  it.each([
    ['辽宁省大连市长兴岛三堂村三组12号', 'santang-2'],
    ['长兴岛 八岔沟村 五组 3号', 'bachagou-3'],
    ['交流岛街道东岗村六组', 'donggang-3'],
    ['  后石村三组\t7号 ', 'houshi-1'],
  ])('routes the address "%s" by the fragment it contains, ignoring white space (%s)', (address, gridId) => {
    expect(routeOf(org, { address })).toEqual({ gridId });
  });

  it('refuses an address that matches no fragment, naming the address field', () => {
    expect(routeOf(org, { address: '大连市中山区人民路1号' })).toEqual({ field: 'address', reason: expect.any(String) as string });
  });

  it('refuses a request with no place at all', () => {
    expect(routeOf(org, {})).toEqual({ field: 'gridId', reason: expect.stringMatching(/gridId, location or address/) as string });
  });

  describe('with overlapping address fragments', () => {
    // The shorter fragment is listed first, so a first-match router would pick the wrong grid.
    const tree = (() => {
      const city = parseConfig(`
city: { name: { zh-CN: 测试区 }, timeZone: Asia/Shanghai }
units:
  - { id: d, level: district, name: { zh-CN: 区 }, dutyOfficer: d-duty }
  - { id: s, level: street, parent: d, name: { zh-CN: 街道 }, dutyOfficer: s-duty }
  - { id: c, level: community, parent: s, name: { zh-CN: 社区 }, dutyOfficer: c-sec }
  - { id: road, level: grid, parent: c, name: { zh-CN: 幸福路 }, dutyOfficer: w1, addresses: [幸福路1号] }
  - { id: tower, level: grid, parent: c, name: { zh-CN: 幸福路1号2栋 }, dutyOfficer: w2, addresses: [幸福路1号 2栋] }
  - { id: latin, level: grid, parent: c, name: { zh-CN: 花园 }, dutyOfficer: w3, addresses: [Garden Court B] }
staff:
  - { id: d-duty, name: 区值班, email: d-duty@example.org, role: officer, unit: d }
  - { id: s-duty, name: 街道值班, email: s-duty@example.org, role: officer, unit: s }
  - { id: c-sec, name: 社区书记, email: c-sec@example.org, role: supervisor, unit: c }
  - { id: w1, name: 网格员一, email: w1@example.org, role: grid_worker, unit: road }
  - { id: w2, name: 网格员二, email: w2@example.org, role: grid_worker, unit: tower }
  - { id: w3, name: 网格员三, email: w3@example.org, role: grid_worker, unit: latin }
categories:
  - { id: road_repair, name: { zh-CN: 道路维修 } }
sla:
  levels:
    grid: { urgent: PT1H, high: PT1H, normal: PT1H, low: PT1H }
    community: { urgent: PT1H, high: PT1H, normal: PT1H, low: PT1H }
    street: { urgent: PT1H, high: PT1H, normal: PT1H, low: PT1H }
    district: { urgent: PT1H, high: PT1H, normal: PT1H, low: PT1H }
`);
      return new OrgTree(city.units, city.staff);
    })();

    it('lets the longest matching fragment win', () => {
      expect(routeOf(tree, { address: '幸福路1号2栋301室' })).toEqual({ gridId: 'tower' });
      expect(routeOf(tree, { address: '幸福路 1 号 2 栋 301 室' })).toEqual({ gridId: 'tower' });
      expect(routeOf(tree, { address: '幸福路1号3栋' })).toEqual({ gridId: 'road' });
    });

    it('compares without regard to letter case', () => {
      expect(routeOf(tree, { address: 'garden court b, flat 3' })).toEqual({ gridId: 'latin' });
      expect(routeOf(tree, { address: 'Garden Court C' })).toMatchObject({ field: 'address' });
    });
  });
});
