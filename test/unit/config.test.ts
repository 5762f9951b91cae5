/**
 * The configuration: the shipped demo city loads with its real shape, and a bad file is refused
 * with every bad key named at once (DESIGN.md §4, "fail-fast config").
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, DEFAULT_CONFIG_PATH, loadConfig, parseConfig } from '../../src/config/load';
import type { GridflowConfig } from '../../src/config/schema';

/** The error `fn` throws, which must be a ConfigError. */
function configErrorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError, but nothing was thrown');
}

/** A minimal valid city: one unit per level. `extra` is appended as more top-level YAML. */
function minimalCity(extra = ''): string {
  return `
city: { name: { zh-CN: 测试区 }, timeZone: Asia/Shanghai }
units:
  - { id: d, level: district, name: { zh-CN: 区 }, dutyOfficer: d-duty }
  - { id: s, level: street, parent: d, name: { zh-CN: 街道 }, dutyOfficer: s-duty }
  - { id: c, level: community, parent: s, name: { zh-CN: 社区 }, dutyOfficer: c-sec }
  - { id: g, level: grid, parent: c, name: { zh-CN: 网格 }, dutyOfficer: g-worker }
staff:
  - { id: d-duty, name: 区值班, email: d-duty@example.org, role: officer, unit: d }
  - { id: s-duty, name: 街道值班, email: s-duty@example.org, role: officer, unit: s }
  - { id: c-sec, name: 社区书记, email: c-sec@example.org, role: supervisor, unit: c }
  - { id: g-worker, name: 网格员, email: g-worker@example.org, role: grid_worker, unit: g }
categories:
  - { id: road_repair, name: { zh-CN: 道路维修 } }
sla:
  levels:
    grid: { urgent: PT4H, high: PT8H, normal: PT16H, low: PT24H }
    community: { urgent: PT4H, high: PT6H, normal: PT8H, low: PT16H }
    street: { urgent: PT2H, high: PT4H, normal: PT8H, low: PT16H }
    district: { urgent: PT2H, high: PT4H, normal: PT8H, low: PT8H }
${extra}`;
}

describe('the shipped demo city (config/gridflow.yaml)', () => {
  let config: GridflowConfig;
  beforeAll(() => {
    config = loadConfig(DEFAULT_CONFIG_PATH);
  });

  const unitsAt = (level: string) => config.units.filter((unit) => unit.level === level);

  it('has 1 district, 2 streets, 19 communities and at least 19 grids', () => {
    expect(unitsAt('district')).toHaveLength(1);
    expect(unitsAt('street')).toHaveLength(2);
    expect(unitsAt('community')).toHaveLength(19);
    expect(unitsAt('grid').length).toBeGreaterThanOrEqual(19);
    expect(config.city.timeZone).toBe('Asia/Shanghai');
  });

  it('gives every community between 1 and 3 grids, and no other children', () => {
    const outOfRange = unitsAt('community')
      .map((community) => ({ id: community.id, children: config.units.filter((unit) => unit.parent === community.id) }))
      .filter(({ children }) => children.length < 1 || children.length > 3 || children.some((child) => child.level !== 'grid'))
      .map(({ id, children }) => `${id}: ${children.map((child) => child.id).join(',')}`);
    expect(outOfRange).toEqual([]);
    // Every grid hangs under one of the 19 communities.
    const communities = new Set(unitsAt('community').map((community) => community.id));
    expect(unitsAt('grid').every((grid) => grid.parent !== undefined && communities.has(grid.parent))).toBe(true);
  });

  it("names as every unit's duty officer a staff member of that very unit", () => {
    const staff = new Map(config.staff.map((person) => [person.id, person]));
    const mismatches = config.units.filter((unit) => staff.get(unit.dutyOfficer)?.unit !== unit.id).map((unit) => `${unit.id} → ${unit.dutyOfficer}`);
    expect(mismatches).toEqual([]);
  });

  it('makes every grid routable by address and location, and only grids', () => {
    for (const grid of unitsAt('grid')) {
      expect(grid.addresses.length).toBeGreaterThan(0);
      expect(grid.bounds).toHaveLength(4);
    }
    for (const unit of config.units.filter((u) => u.level !== 'grid')) {
      expect(unit.addresses).toEqual([]);
      expect(unit.bounds).toBeUndefined();
    }
  });

  it('applies the staff locale default and keeps the explicit en ones', () => {
    expect(config.staff.find((person) => person.id === 'sui-lei')?.locale).toBe('zh-CN');
    expect(config.staff.find((person) => person.id === 'yang-ming')?.locale).toBe('en');
  });

  it('loads the file named by GRIDFLOW_CONFIG when no file is given', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gridflow-config-'));
    const file = path.join(dir, 'city.yaml');
    writeFileSync(file, minimalCity());
    const previous = process.env.GRIDFLOW_CONFIG;
    process.env.GRIDFLOW_CONFIG = file;
    try {
      expect(loadConfig().units.map((unit) => unit.id)).toEqual(['d', 's', 'c', 'g']);
    } finally {
      if (previous === undefined) delete process.env.GRIDFLOW_CONFIG;
      else process.env.GRIDFLOW_CONFIG = previous;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('parseConfig defaults', () => {
  const config = parseConfig(minimalCity());

  it('warns at 50% and 75% and runs only urgent cases on calendar hours', () => {
    expect(config.sla.warnAt).toEqual([0.5, 0.75]);
    expect(config.sla.calendarHoursFor).toEqual(['urgent']);
    expect(config.sla.overrides).toEqual([]);
    expect(config.sla.confirmWithin).toBe('P7D');
  });

  it('fills in the default working calendar', () => {
    expect(config.calendar).toEqual({
      workingHours: [
        { start: '08:30', end: '12:00' },
        { start: '13:30', end: '17:30' },
      ],
      weekend: [6, 7],
      holidays: [],
      workingWeekends: [],
    });
  });

  it('fills in locale, category kind and priority, addresses and integrations', () => {
    expect(config.city.defaultLocale).toBe('zh-CN');
    expect(config.staff.every((person) => person.locale === 'zh-CN')).toBe(true);
    expect(config.categories[0]).toMatchObject({ kind: 'service', defaultPriority: 'normal' });
    expect(config.units.every((unit) => unit.addresses.length === 0)).toBe(true);
    expect(config.integrations).toEqual([]);
  });
});

describe('parseConfig on a bad file', () => {
  it('names every bad key at once, field-level and cross-reference alike', () => {
    const text = minimalCity()
      .replace('timeZone: Asia/Shanghai', 'timeZone: Mars/Olympus_Mons')
      .replace('{ id: g, level: grid, parent: c,', '{ id: g, level: grid, parent: nowhere,')
      .replace('dutyOfficer: g-worker }', 'dutyOfficer: ghost }')
      .replace('email: s-duty@example.org', 'email: not-an-email')
      .replace('normal: PT16H', 'normal: 16 hours');
    const error = configErrorOf(() => parseConfig(text, 'bad.yaml'));
    expect(error.file).toBe('bad.yaml');
    expect(error.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^line 2:\d+, city\.timeZone: must be an IANA time zone; got "Mars\/Olympus_Mons"$/),
        expect.stringMatching(/^line 7:\d+, units\[3\] \(id: g\), parent: unknown unit "nowhere"$/),
        expect.stringMatching(/^line 7:\d+, units\[3\] \(id: g\), dutyOfficer: unknown staff "ghost"$/),
        expect.stringMatching(/^line 10:\d+, staff\[1\] \(id: s-duty\), email: .* \(value not shown\)$/),
        expect.stringMatching(/^line 17:\d+, sla\.levels\.grid\.normal: .*ISO 8601.*; got "16 hours"$/),
      ]),
    );
    expect(error.problems).toHaveLength(5);
    // The message lists them too, one per line, for the operator reading the start-up log.
    for (const problem of error.problems) expect(error.message).toContain(`  - ${problem}`);
  });

  it('names the cross-reference problems even when another key has the wrong type or value', () => {
    // A typo in a role (an enum) must not hide the unknown parent and duty officer elsewhere:
    // "a bad config stops start-up with every bad key named" (DESIGN.md §4).
    const text = minimalCity()
      .replace('role: supervisor', 'role: boss')
      .replace('{ id: g, level: grid, parent: c,', '{ id: g, level: grid, parent: nowhere,')
      .replace('dutyOfficer: g-worker }', 'dutyOfficer: ghost }');
    const error = configErrorOf(() => parseConfig(text));
    expect(error.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/staff\[2\] \(id: c-sec\), role: must be one of .*; got "boss"$/),
        expect.stringMatching(/^line 7:\d+, units\[3\] \(id: g\), parent: unknown unit "nowhere"$/),
        expect.stringMatching(/^line 7:\d+, units\[3\] \(id: g\), dutyOfficer: unknown staff "ghost"$/),
      ]),
    );
  });

  it.each([
    [
      'a unit under the wrong level',
      (t: string) => t.replace('level: grid, parent: c,', 'level: grid, parent: s,'),
      /units\[3\] \(id: g\), parent: a grid must sit under a community, not a street/,
    ],
    [
      'a duty officer of another unit',
      (t: string) => t.replace('dutyOfficer: g-worker }', 'dutyOfficer: c-sec }'),
      /units\[3\] \(id: g\), dutyOfficer: staff "c-sec" belongs to unit "c", not "g"/,
    ],
    [
      'a second root',
      (t: string) => t.replace('{ id: s, level: street, parent: d,', '{ id: s, level: street,'),
      /, units: must have exactly one root unit \(no parent\), found 2 \(roots: d \(line 4\), s \(line 5\)\)/,
    ],
    [
      'a duplicate staff id',
      (t: string) => t.replace('{ id: g-worker,', '{ id: c-sec,'),
      /staff\[3\] \(id: c-sec\), id: duplicate id "c-sec" \(first at line 11\)/,
    ],
    [
      'addresses on a community',
      (t: string) => t.replace('dutyOfficer: c-sec }', 'dutyOfficer: c-sec, addresses: [某某路] }'),
      /units\[2\] \(id: c\), addresses: only grids take addresses/,
    ],
    [
      'a staff member of an unknown unit',
      (t: string) => t.replace('role: grid_worker, unit: g }', 'role: grid_worker, unit: gone }'),
      /staff\[3\] \(id: g-worker\), unit: unknown unit "gone"/,
    ],
    [
      'an unknown key (strict schema)',
      (t: string) => t.replace('timeZone: Asia/Shanghai', 'timeZone: Asia/Shanghai, colour: red'),
      /^line 2:\d+, city\.colour: unknown key$/,
    ],
    [
      'an override of an unknown category',
      (t: string) => `${t}  overrides: [{ category: nope, level: grid, priority: urgent, within: PT1H }]\n`,
      /, sla\.overrides\[0\]\.category: unknown category "nope"$/,
    ],
    [
      'a zero duration',
      (t: string) => t.replace('urgent: PT4H, high: PT8H', 'urgent: PT0S, high: PT8H'),
      /, sla\.levels\.grid\.urgent: must be a positive ISO 8601 duration.*; got "PT0S"$/,
    ],
    [
      'a working span that ends before it starts',
      (t: string) => `${t}calendar: { workingHours: [{ start: "17:00", end: "09:00" }] }\n`,
      /calendar\.workingHours: each span must start before it ends/,
    ],
    ['a malformed holiday', (t: string) => `${t}calendar: { holidays: ["2026-02-30"] }\n`, /calendar\.holidays\[0\]: /],
  ])('names %s', (_label, mutate, expected) => {
    const error = configErrorOf(() => parseConfig(mutate(minimalCity())));
    expect(error.problems).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
  });

  it('turns a YAML syntax error into a ConfigError naming the line', () => {
    const error = configErrorOf(() => parseConfig(minimalCity().replace('units:', 'units: [\n'), 'broken.yaml'));
    expect(error.file).toBe('broken.yaml');
    expect(error.problems.length).toBeGreaterThan(0);
    expect(error.problems.every((problem) => problem.startsWith('YAML: '))).toBe(true);
    expect(error.problems.join('\n')).toMatch(/line \d+/);
  });

  it('refuses a file that cannot be read, naming it', () => {
    const missing = path.join(tmpdir(), 'gridflow-no-such-dir', 'gridflow.yaml');
    const error = configErrorOf(() => loadConfig(missing));
    expect(error.file).toBe(missing);
    expect(error.problems).toEqual([expect.stringMatching(/^cannot read file: .*ENOENT/)]);
  });
});
