/**
 * Config errors at city scale (issue 16, item 4): a city file of a thousand units with a few
 * mistakes names each one by YAML line, item id and bad value, groups a mistake repeated 500
 * times into one entry, never echoes a secret, and drops errors that only follow from another.
 */
import { ConfigError, parseConfig } from '../../src/config/load';
import type { ConfigProblem } from '../../src/config/config-errors';

/** A generated city: its YAML text and the line of every key it wrote (`units[950].id` → 12345). */
interface GeneratedCity {
  text: string;
  lineOf: Map<string, number>;
}

/** A mistake to make in one generated item: the keys to replace (a value of undefined drops the key). */
type Edits = Record<string, string | undefined>;

const STREETS = 3;
const COMMUNITIES_PER_STREET = 11;
const GRIDS_PER_COMMUNITY = 30;

/**
 * A district of 3 streets, 33 communities and 990 grids, one staff member per unit, written one
 * key per line like a real city file. `unitEdits` / `staffEdits` change items by index.
 */
function bigCity(unitEdits: Record<number, Edits> = {}, staffEdits: Record<number, Edits> = {}, extra: string[] = []): GeneratedCity {
  const lines: string[] = ['# generated city', 'city:', '  name: { zh-CN: 测试大区 }', '  timeZone: Asia/Shanghai'];
  const lineOf = new Map<string, number>();
  const units: Record<string, string>[] = [{ id: 'd', level: 'district', dutyOfficer: 'p-d' }];
  for (let s = 0; s < STREETS; s++) {
    units.push({ id: `s-${s}`, level: 'street', parent: 'd', dutyOfficer: `p-s-${s}` });
    for (let c = 0; c < COMMUNITIES_PER_STREET; c++) {
      const community = `c-${s}-${c}`;
      units.push({ id: community, level: 'community', parent: `s-${s}`, dutyOfficer: `p-${community}` });
    }
  }
  const communities = units.filter((unit) => unit.level === 'community');
  communities.forEach((community, c) => {
    for (let g = 0; g < GRIDS_PER_COMMUNITY; g++) {
      const id = `g-${String(c * GRIDS_PER_COMMUNITY + g).padStart(4, '0')}`;
      units.push({ id, level: 'grid', parent: community.id!, dutyOfficer: `p-${id}`, addresses: `[${id}号楼]` });
    }
  });
  const staff = units.map((unit) => ({
    id: unit.dutyOfficer!,
    name: '值班员',
    email: `${unit.dutyOfficer}@example.org`,
    // Quoted: unquoted, YAML reads a phone number as a number (a test below makes that mistake).
    phone: '"13800138000"',
    role: unit.level === 'grid' ? 'grid_worker' : 'officer',
    unit: unit.id!,
  }));

  const writeList = (key: string, items: Record<string, string>[], edits: Record<number, Edits>) => {
    lines.push(`${key}:`);
    items.forEach((original, index) => {
      const item: Record<string, string | undefined> = { ...original, ...edits[index] };
      let first = true;
      for (const [field, value] of Object.entries(item)) {
        if (value === undefined) continue;
        lines.push(`${first ? '  - ' : '    '}${field}: ${value}`);
        lineOf.set(`${key}[${index}].${field}`, lines.length);
        if (first) lineOf.set(`${key}[${index}]`, lines.length);
        first = false;
        if (field === 'level') lines.push(`    name: { zh-CN: 单位${index} }`);
      }
    });
  };
  writeList('units', units, unitEdits);
  writeList('staff', staff, staffEdits);
  lines.push(
    'categories:',
    '  - { id: road_repair, name: { zh-CN: 道路维修 } }',
    'sla:',
    '  levels:',
    '    grid: { urgent: PT4H, high: PT8H, normal: PT16H, low: PT24H }',
    '    community: { urgent: PT4H, high: PT6H, normal: PT8H, low: PT16H }',
    '    street: { urgent: PT2H, high: PT4H, normal: PT8H, low: PT16H }',
    '    district: { urgent: PT2H, high: PT4H, normal: PT8H, low: PT8H }',
    ...extra,
  );
  return { text: `${lines.join('\n')}\n`, lineOf };
}

/** The error `parseConfig` throws on `text`, which must be a ConfigError. */
function refusal(text: string): ConfigError {
  try {
    parseConfig(text, 'city.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected the config to be refused');
}

/** The one problem at `path` (its first place), failing clearly when there is none. */
function problemAt(error: ConfigError, path: string): ConfigProblem {
  const found = error.details.filter((problem) => problem.path === path);
  if (found.length !== 1) throw new Error(`expected one problem at ${path}, got:\n${error.message}`);
  return found[0]!;
}

describe('a city of a thousand units with a few mistakes', () => {
  const gridIndex = (n: number) => 1 + STREETS + STREETS * COMMUNITIES_PER_STREET + n;
  // units[950] is grid g-0913: given the id of the grid before it, while its grid worker keeps the old one.
  const duplicateAt = gridIndex(913);
  // 500 grid workers, all given the same unknown locale by one bulk edit.
  const badLocale: Record<number, Edits> = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [gridIndex(100 + i), { locale: 'zh_CN' }]));
  const city = bigCity(
    {
      [duplicateAt]: { id: 'g-0912' },
      [gridIndex(7)]: { parent: 'null' },
    },
    {
      [gridIndex(3)]: { role: 'grid-worker' },
      ...badLocale,
    },
    ['integrations:', '  - id: hotline', '    name: 12345 热线', '    apiKeySha256: [gf_s3cr3t-raw-key-pasted-by-mistake]'],
  );
  let error: ConfigError;
  beforeAll(() => {
    error = refusal(city.text);
  });

  it('is a real city-scale file', () => {
    expect(city.text.split('\n').length).toBeGreaterThan(12_000);
    expect(duplicateAt).toBe(950);
  });

  it('names the duplicate id by line and item, and where the first one is', () => {
    const problem = problemAt(error, 'units[950].id');
    expect(problem).toMatchObject({
      line: city.lineOf.get('units[950].id'),
      column: 5,
      item: 'units[950] (id: g-0912)',
      message: `duplicate id "g-0912" (first at line ${city.lineOf.get('units[949]')})`,
      more: [],
    });
    expect(problem.text).toBe(`line ${problem.line}:5, units[950] (id: g-0912), id: duplicate id "g-0912" (first at line ${city.lineOf.get('units[949]')})`);
  });

  it("names the grid worker left on the grid's old id, not the grid that now names them duty officer", () => {
    expect(problemAt(error, 'staff[950].unit')).toMatchObject({
      line: city.lineOf.get('staff[950].unit'),
      item: 'staff[950] (id: p-g-0913)',
      message: 'unknown unit "g-0913" (this also explains the error where it is named duty officer)',
    });
    expect(error.message).not.toMatch(/belongs to unit/);
  });

  it('echoes the bad role, and lists the allowed ones', () => {
    const index = 1 + STREETS + STREETS * COMMUNITIES_PER_STREET + 3;
    expect(problemAt(error, `staff[${index}].role`)).toMatchObject({
      line: city.lineOf.get(`staff[${index}].role`),
      item: `staff[${index}] (id: p-g-0003)`,
      message: 'must be one of grid_worker, officer, supervisor, mediator, admin; got "grid-worker"',
    });
  });

  it('names `parent: null` on a grid once, without a root-count error', () => {
    const index = gridIndex(7);
    expect(problemAt(error, `units[${index}].parent`)).toMatchObject({
      line: city.lineOf.get(`units[${index}].parent`),
      item: `units[${index}] (id: g-0007)`,
      message: 'must be a string; got null',
    });
    expect(error.message).not.toMatch(/root unit/);
  });

  it('groups the 500 identical locale mistakes into one entry with a count and the lines', () => {
    const first = gridIndex(100);
    const problem = problemAt(error, `staff[${first}].locale`);
    expect(problem.message).toBe('must be one of zh-CN, en; got "zh_CN"');
    expect(problem.line).toBe(city.lineOf.get(`staff[${first}].locale`));
    expect(problem.more).toHaveLength(499);
    expect(problem.more.map((other) => other.line)).toEqual(Array.from({ length: 499 }, (_, i) => city.lineOf.get(`staff[${first + 1 + i}].locale`)));
    const lines = problem.more
      .slice(0, 10)
      .map((other) => other.line)
      .join(', ');
    expect(problem.text.split('\n')[1]).toBe(`    … and 499 more like this: lines ${lines}, …`);
  });

  it('never echoes an API key hash or a key pasted in its place', () => {
    expect(problemAt(error, 'integrations[0].apiKeySha256[0]')).toMatchObject({
      item: 'integrations[0] (id: hotline)',
      message: 'must be a hex SHA-256 (value not shown)',
    });
    expect(error.message).not.toContain('s3cr3t');
  });

  it('reads as a handful of lines, in file order', () => {
    expect(error.message.split('\n')[0]).toBe('Invalid configuration in city.yaml (505 problems):');
    expect(error.details.map((problem) => problem.path)).toEqual([
      `units[${gridIndex(7)}].parent`,
      'units[950].id',
      `staff[${gridIndex(3)}].role`,
      `staff[${gridIndex(100)}].locale`,
      'staff[950].unit',
      'integrations[0].apiKeySha256[0]',
    ]);
    expect(error.message.split('\n')).toHaveLength(8);
  });
});

describe('follow-on errors', () => {
  it('drops "found 0 root units" after `parent: null` on the district, and says why', () => {
    const { text, lineOf } = bigCity({ 0: { parent: 'null' } });
    const error = refusal(text);
    expect(error.details).toHaveLength(1);
    expect(error.problems).toEqual([
      `line ${lineOf.get('units[0].parent')}:5, units[0] (id: d), parent: must be a string; got null (leave parent out on the root unit; this is why no root unit is found)`,
    ]);
  });

  it('reports a key renamed on 990 grids once, as a misspelling, not also as missing', () => {
    const renamed = Object.fromEntries(
      Array.from({ length: 990 }, (_, n) => [
        1 + STREETS + STREETS * COMMUNITIES_PER_STREET + n,
        { dutyOfficer: undefined, duty_officer: `p-g-${String(n).padStart(4, '0')}` },
      ]),
    );
    const { text, lineOf } = bigCity(renamed);
    const error = refusal(text);
    expect(error.details).toHaveLength(1);
    expect(error.details[0]).toMatchObject({
      line: lineOf.get('units[37].duty_officer'),
      item: 'units[37] (id: g-0000)',
      path: 'units[37].duty_officer',
      message: 'unknown key (did you mean "dutyOfficer"?)',
    });
    expect(error.details[0]!.more).toHaveLength(989);
    expect(error.message.split('\n')[0]).toBe('Invalid configuration in city.yaml (990 problems):');
  });

  it('names every root when there are two, with their lines', () => {
    const { text, lineOf } = bigCity({ 1: { parent: undefined } });
    const problem = problemAt(refusal(text), 'units');
    expect(problem.message).toBe(
      `must have exactly one root unit (no parent), found 2 (roots: d (line ${lineOf.get('units[0]')}), s-0 (line ${lineOf.get('units[1]')}))`,
    );
  });

  it('does not blame 30 grids for the misspelt level of their community', () => {
    const { text } = bigCity({ 2: { level: 'comunity' } });
    const error = refusal(text);
    expect(error.problems).toEqual([
      expect.stringMatching(
        /units\[2\] \(id: c-0-0\), level: must be one of district, street, community, grid; got "comunity" \(this also explains 30 errors at its child units\)$/,
      ),
    ]);
  });

  it('does not blame the unit for a duty officer whose own unit is missing', () => {
    const { text } = bigCity({}, { 5: { unit: undefined } });
    const error = refusal(text);
    expect(error.problems).toEqual([
      expect.stringMatching(/staff\[5\] \(id: p-c-0-3\), unit: is required \(this also explains the error where it is named duty officer\)$/),
    ]);
  });
});

describe('each kind of issue', () => {
  it('names an unknown key at the key, one per key', () => {
    const { text, lineOf } = bigCity({ 2: { colour: 'red', size: 'big' } });
    const error = refusal(text);
    expect(error.problems).toEqual([
      `line ${lineOf.get('units[2].colour')}:5, units[2] (id: c-0-0), colour: unknown key`,
      `line ${lineOf.get('units[2].size')}:5, units[2] (id: c-0-0), size: unknown key`,
    ]);
  });

  it('points a missing key at its item', () => {
    const { text, lineOf } = bigCity({ 3: { dutyOfficer: undefined } });
    expect(problemAt(refusal(text), 'units[3].dutyOfficer')).toMatchObject({ line: lineOf.get('units[3]'), column: 5, message: 'is required' });
  });

  it('cuts a long value short', () => {
    const { text } = bigCity({}, { 2: { role: 'x'.repeat(200) } });
    expect(problemAt(refusal(text), 'staff[2].role').message).toBe(
      `must be one of grid_worker, officer, supervisor, mediator, admin; got "${'x'.repeat(39)}…"`,
    );
  });

  it('hides contact details and credential-looking values', () => {
    const { text } = bigCity({}, { 1: { email: 'wang at example' }, 2: { role: 'smtp://mail:hunter2@relay.example.org' } });
    const error = refusal(text);
    expect(problemAt(error, 'staff[1].email').message).toBe('Invalid email address (value not shown)');
    expect(problemAt(error, 'staff[2].role').message).toBe('must be one of grid_worker, officer, supervisor, mediator, admin (value not shown)');
    expect(error.message).not.toMatch(/hunter2|wang at/);
  });

  it('tells to quote a phone number that YAML read as a number, without showing it', () => {
    const { text } = bigCity({}, { 4: { phone: '13800138000' } });
    expect(problemAt(refusal(text), 'staff[4].phone').message).toBe('must be a string: put it in quotes (value not shown)');
  });

  it('groups two like mistakes with different values as "1 more"', () => {
    const { text } = bigCity({}, { 1: { role: 'boss' }, 2: { role: 'chief' } });
    expect(refusal(text).problems).toEqual([expect.stringMatching(/got "boss"\n {4}… and 1 more like this: line \d+$/)]);
  });
});
