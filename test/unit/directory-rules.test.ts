/**
 * The directory rules (src/domain/directory-rules.ts): what makes a unit tree with its staff
 * workable, checked the same way for the config file and for every admin change; and posts, so
 * one person may hold several under one sign-in.
 */
import { parseConfig } from '../../src/config/load';
import { ConfigError } from '../../src/config/load';
import { checkDirectoryTree, holdsPostIn, postsOf, type DirectoryIssue } from '../../src/domain/directory-rules';
import { tinyCityConfig } from '../helpers/fixtures';

const city = tinyCityConfig();
const units = () => city.units.map((unit) => ({ ...unit }));
const staff = () => city.staff.map((person) => ({ ...person }));
/** Just the rule and where, for readable expectations. */
const brief = (issues: DirectoryIssue[]) => issues.map((issue) => `${issue.path.join('.')} ${issue.rule}`);

describe('posts', () => {
  it('start with the entry’s own unit and role; an extra post without a role takes the entry’s', () => {
    const person = { unit: 'g', role: 'grid_worker' as const, posts: [{ unit: 'g2' }, { unit: 'c', role: 'officer' as const }] };
    expect(postsOf(person)).toEqual([
      { unit: 'g', role: 'grid_worker' },
      { unit: 'g2', role: 'grid_worker' },
      { unit: 'c', role: 'officer' },
    ]);
    expect(holdsPostIn(person, 'g2')).toBe(true);
    expect(holdsPostIn(person, 'c2')).toBe(false);
    expect(postsOf({ unit: 'g', role: 'grid_worker' })).toEqual([{ unit: 'g', role: 'grid_worker' }]);
  });
});

describe('checkDirectoryTree', () => {
  it('finds nothing wrong with a workable tree', () => {
    expect(checkDirectoryTree(units(), staff())).toEqual([]);
  });

  it('lets one person be the grid worker of two grids through a second post', () => {
    const people = staff()
      .filter((person) => person.id !== 'g2-worker')
      .map((person) => (person.id === 'g-worker' ? { ...person, posts: [{ unit: 'g2' }] } : person));
    const tree = units().map((unit) => (unit.id === 'g2' ? { ...unit, dutyOfficer: 'g-worker' } : unit));
    expect(checkDirectoryTree(tree, people)).toEqual([]);
  });

  it('refuses a duty officer who holds no post in the unit, naming the unit and the person', () => {
    const tree = units().map((unit) => (unit.id === 'g2' ? { ...unit, dutyOfficer: 'g-worker' } : unit));
    const issues = checkDirectoryTree(tree, staff());
    expect(issues).toEqual([
      { path: ['units', 5, 'dutyOfficer'], rule: 'dutyOfficerWithoutPost', values: { unit: 'g2', level: 'grid', staff: 'g-worker', posts: 'g' } },
    ]);
  });

  it('refuses an inactive duty officer and an unknown one', () => {
    const people = staff().map((person) => (person.id === 'g-worker' ? { ...person, active: false } : person));
    const tree = units().map((unit) => (unit.id === 'g2' ? { ...unit, dutyOfficer: 'ghost' } : unit));
    expect(brief(checkDirectoryTree(tree, people))).toEqual(['units.3.dutyOfficer dutyOfficerInactive', 'units.5.dutyOfficer unknownDutyOfficer']);
  });

  it('moves a grid to another community when the levels stay downhill', () => {
    const tree = units().map((unit) => (unit.id === 'g' ? { ...unit, parent: 'c2' } : unit));
    expect(checkDirectoryTree(tree, staff())).toEqual([]);
  });

  it('refuses a move that would make a cycle: the level rule already forbids climbing back down', () => {
    const underItself = units().map((unit) => (unit.id === 'g' ? { ...unit, parent: 'g' } : unit));
    expect(brief(checkDirectoryTree(underItself, staff()))).toEqual(['units.3.parent levelOrder']);
    const underItsChild = units().map((unit) => (unit.id === 'c' ? { ...unit, parent: 'g' } : unit));
    expect(checkDirectoryTree(underItsChild, staff())).toEqual([
      {
        path: ['units', 2, 'parent'],
        rule: 'levelOrder',
        values: { unit: 'c', level: 'community', parent: 'g', parentLevel: 'grid', expectedLevel: 'street' },
      },
    ]);
  });

  it('refuses a second root, a root below the district, an unknown parent and addresses above a grid', () => {
    const tree = units().map((unit) => {
      if (unit.id === 's') return { ...unit, parent: undefined };
      if (unit.id === 'c2') return { ...unit, parent: 'nowhere' };
      if (unit.id === 'c') return { ...unit, addresses: ['某某路'] };
      return unit;
    });
    expect(brief(checkDirectoryTree(tree, staff()))).toEqual([
      'units rootCount',
      'units.1.parent rootNotDistrict',
      'units.2.addresses addressesOnlyOnGrids',
      'units.4.parent unknownParent',
    ]);
  });

  it('refuses duplicate ids, posts in unknown units and a post held twice', () => {
    const people = [
      ...staff().map((person) => (person.id === 'g-worker' ? { ...person, posts: [{ unit: 'gone' }, { unit: 'g' }] } : person)),
      { ...city.staff[0]! },
    ];
    expect(brief(checkDirectoryTree(units(), people))).toEqual([
      'staff.8.id duplicateId',
      'staff.6.posts.0.unit unknownPostUnit',
      'staff.6.posts.1 duplicatePost',
    ]);
  });
});

describe('the config file obeys the same rules', () => {
  const yaml = (staffLines: string, g2Officer = 'g2-worker') => `
city: { name: { zh-CN: 测试区 }, timeZone: Asia/Shanghai }
units:
  - { id: d, level: district, name: { zh-CN: 区 }, dutyOfficer: d-duty }
  - { id: s, level: street, parent: d, name: { zh-CN: 街道 }, dutyOfficer: d-duty }
  - { id: c, level: community, parent: s, name: { zh-CN: 社区 }, dutyOfficer: d-duty }
  - { id: g, level: grid, parent: c, name: { zh-CN: 网格 }, dutyOfficer: g-worker }
  - { id: g2, level: grid, parent: c, name: { zh-CN: 另一网格 }, dutyOfficer: ${g2Officer} }
staff:
  - { id: d-duty, name: 区值班, email: d-duty@example.org, role: officer, unit: d, posts: [{ unit: s }, { unit: c }] }
${staffLines}
categories: [{ id: road_repair, name: { zh-CN: 道路维修 } }]
sla:
  levels:
    grid: { urgent: PT1H, high: PT1H, normal: PT1H, low: PT1H }
    community: { urgent: PT1H, high: PT1H, normal: PT1H, low: PT1H }
    street: { urgent: PT1H, high: PT1H, normal: PT1H, low: PT1H }
    district: { urgent: PT1H, high: PT1H, normal: PT1H, low: PT1H }
`;

  it('accepts one person holding posts in two grids (and a duty officer on duty at three levels)', () => {
    const config = parseConfig(yaml('  - { id: g-worker, name: 网格员, email: g@example.org, role: grid_worker, unit: g, posts: [{ unit: g2 }] }', 'g-worker'));
    expect(config.staff.find((person) => person.id === 'g-worker')?.posts).toEqual([{ unit: 'g2' }]);
  });

  it('names a duty officer without a post there, and a post in an unknown unit, with their lines', () => {
    const text = yaml('  - { id: g-worker, name: 网格员, email: g@example.org, role: grid_worker, unit: g, posts: [{ unit: gx }] }', 'g-worker');
    let error: unknown;
    try {
      parseConfig(text, 'city.yaml');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      expect.stringMatching(/^line 8:\d+, units\[4\] \(id: g2\), dutyOfficer: staff "g-worker" belongs to units "g", "gx", not "g2"$/),
      expect.stringMatching(/^line 11:\d+, staff\[1\] \(id: g-worker\), posts\[0\]\.unit: unknown unit "gx"$/),
    ]);
  });
});
