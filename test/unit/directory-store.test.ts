/**
 * The directory in the records store, on SQLite and on PostgreSQL: the config imported
 * idempotently, each change one transaction with its audit rows and a version bump, refusals
 * naming the field and the grid or unit left without its worker, If-Match revisions, and the
 * hand-over port (deactivating a leaver, idempotently).
 */
import { parseConfig } from '../../src/config/load';
import { addStaff, addUnit, editStaff, editUnit } from '../../src/directory/directory-changes';
import { DirectoryNotFoundError, DirectoryPreconditionError } from '../../src/directory/directory-errors';
import { DirectoryRefusalError } from '../../src/directory/directory-refusal';
import { DirectoryStore } from '../../src/directory/directory-store';
import { differsFromConfig, exportDirectory, importDirectory, treeOfConfig } from '../../src/directory/config-import';
import type { DirectoryProblem } from '../../src/directory/hand-over-port';
import { tinyCityConfig } from '../helpers/fixtures';
import { describeOnEachStore } from '../helpers/records';

const city = tinyCityConfig();
const ADMIN = 'd-admin';

/** The problems a refused promise carries. */
async function refusal(promise: Promise<unknown>): Promise<DirectoryProblem[]> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DirectoryRefusalError);
  return [...(error as DirectoryRefusalError).problems];
}

describeOnEachStore('the records-store directory', (theStore, maybe) => {
  let store: DirectoryStore;
  const changes: number[] = [];
  beforeAll(() => {
    store = new DirectoryStore(theStore(), { onChange: (version) => changes.push(version), now: () => new Date('2026-05-04T02:00:00Z') });
  });

  maybe('starts empty at version 0, and imports the config file as version 1 with one audit row per entry', async () => {
    expect(await store.isEmpty()).toBe(true);
    expect(await store.version()).toBe(0);
    const applied = await importDirectory(store, city, { reason: 'start-up' });
    expect(applied).toMatchObject({ version: 1, change: 'import' });
    expect(applied.entries).toHaveLength(city.units.length + city.staff.length);
    expect(changes).toEqual([1]);
    const snapshot = await store.snapshot();
    expect(snapshot.version).toBe(1);
    expect({ units: snapshot.units, staff: snapshot.staff }).toEqual(treeOfConfig(city));
    expect(snapshot.revisions.units.get('g')).toBe(1);
    const audit = await store.auditLog({ kind: 'unit', id: 'g' });
    expect(audit).toEqual([
      expect.objectContaining({
        version: 1,
        actorId: 'import',
        change: 'import',
        at: '2026-05-04T02:00:00.000Z',
        before: null,
        reason: 'start-up',
        after: expect.objectContaining({ id: 'g', dutyOfficer: 'g-worker' }),
      }),
    ]);
  });

  maybe('imports the same file again without changing anything or bumping the version', async () => {
    const applied = await importDirectory(store, city);
    expect(applied).toEqual({ version: 1, change: 'import', entries: [] });
    expect(await store.version()).toBe(1);
    expect(changes).toEqual([1]);
    expect(differsFromConfig(await store.snapshot(), city)).toBe(false);
  });

  maybe('applies a changed file as audited changes: a renamed unit, and a staff member it no longer lists deactivated', async () => {
    const changed = {
      units: city.units.map((unit) => (unit.id === 'c2' ? { ...unit, name: { 'zh-CN': '新社区' } } : unit)),
      staff: city.staff.filter((person) => person.id !== 's-lead'),
    };
    expect(differsFromConfig(await store.snapshot(), changed)).toBe(true);
    const applied = await importDirectory(store, changed);
    expect(applied.version).toBe(2);
    expect(applied.entries.map((entry) => `${entry.kind}:${entry.id}`)).toEqual(['unit:c2', 'staff:s-lead']);
    const [lead] = await store.auditLog({ kind: 'staff', id: 's-lead', limit: 1 });
    expect(lead).toMatchObject({ version: 2, before: expect.not.objectContaining({ active: false }), after: expect.objectContaining({ active: false }) });
    // Dropping a unit from the file is refused: cases and reports refer to it.
    const problems = await refusal(importDirectory(store, { units: city.units.filter((unit) => unit.id !== 'g2'), staff: city.staff }));
    expect(problems).toEqual([{ field: 'units', key: 'field.directory.unitMissingFromFile', values: { unit: 'g2' } }]);
    expect(await store.version()).toBe(2);
  });

  maybe('adds a grid worker who takes the grid at once, with both changes in one version', async () => {
    const applied = await store.apply(
      addStaff({ id: 'g-new', name: '新网格员', email: 'g-new@example.org', role: 'grid_worker', unit: 'g', dutyOfficerOf: ['g'] }),
      { actorId: ADMIN, reason: 'new hire' },
    );
    expect(applied.version).toBe(3);
    expect(applied.entries.map((entry) => `${entry.kind}:${entry.id}`)).toEqual(['unit:g', 'staff:g-new']);
    const snapshot = await store.snapshot();
    expect(snapshot.units.find((unit) => unit.id === 'g')?.dutyOfficer).toBe('g-new');
    expect(snapshot.staff.at(-1)?.id).toBe('g-new');
    const audit = await store.auditLog({ beforeVersion: 4, limit: 10 });
    expect(audit.filter((entry) => entry.version === 3).map((entry) => [entry.change, entry.actorId, entry.target.id])).toEqual([
      ['staff.add', ADMIN, 'g'],
      ['staff.add', ADMIN, 'g-new'],
    ]);
  });

  maybe('moves a grid to another community, and refuses a stale If-Match with the current revision', async () => {
    const revision = (await store.snapshot()).revisions.units.get('g')!;
    const moved = await store.apply(editUnit('g', { parent: 'c2' }), { actorId: ADMIN, ifMatch: revision });
    expect(moved).toMatchObject({ version: 4, change: 'unit.move' });
    const [row] = await store.auditLog({ kind: 'unit', id: 'g', limit: 1 });
    expect(row).toMatchObject({ change: 'unit.move', before: expect.objectContaining({ parent: 'c' }), after: expect.objectContaining({ parent: 'c2' }) });
    const stale = await store.apply(editUnit('g', { name: { 'zh-CN': '改名' } }), { actorId: ADMIN, ifMatch: revision }).catch((error: unknown) => error);
    expect(stale).toBeInstanceOf(DirectoryPreconditionError);
    expect(stale).toMatchObject({ kind: 'unit', id: 'g', revision: 4 });
    await expect(store.apply(editUnit('nowhere', { name: { 'zh-CN': '无' } }), { actorId: ADMIN })).rejects.toBeInstanceOf(DirectoryNotFoundError);
    expect(await store.version()).toBe(4);
  });

  maybe('refuses what would leave a grid without a grid worker or a unit without a duty officer, naming both', async () => {
    // The grid worker of g leaves g for g2 while still on duty at g.
    expect(await refusal(store.apply(editStaff('g-new', { unit: 'g2' }), { actorId: ADMIN }))).toEqual([
      { field: 'unit', key: 'field.directory.gridWithoutWorker', values: { unit: 'g', level: 'grid', staff: 'g-new', posts: 'g2' } },
    ]);
    // A grid moved under a grid, and a community given addresses.
    expect(await refusal(store.apply(editUnit('g2', { parent: 'g' }), { actorId: ADMIN }))).toEqual([
      {
        field: 'parent',
        key: 'field.directory.levelOrder',
        values: { unit: 'g2', level: 'grid', parent: 'g', parentLevel: 'grid', expectedLevel: 'community' },
      },
    ]);
    expect((await refusal(store.apply(editUnit('c', { addresses: ['某路'] }), { actorId: ADMIN }))).map((problem) => problem.field)).toEqual(['addresses']);
    // A unit under an unknown parent, and a second staff member with a taken id.
    const added = await refusal(
      store.apply(addUnit({ id: 'g3', level: 'grid', parent: 'c9', name: { 'zh-CN': '网格三' }, dutyOfficer: 'g2-worker' }), { actorId: ADMIN }),
    );
    expect(added).toEqual([{ field: 'parent', key: 'field.directory.unknownParent', values: { unit: 'g3', parent: 'c9' } }]);
    const taken = await refusal(store.apply(addStaff({ id: 'g-new', name: '重名', email: 'x@example.org', role: 'officer', unit: 'd' }), { actorId: ADMIN }));
    expect(taken).toEqual([{ field: 'id', key: 'field.directory.idTaken', values: { id: 'g-new', staff: 'g-new' } }]);
    // Deactivation is not an edit.
    expect(await refusal(store.apply(editStaff('g-new', { active: false }), { actorId: ADMIN }))).toEqual([
      { field: 'active', key: 'field.directory.useDeactivation', values: { staff: 'g-new' } },
    ]);
    expect(await store.version()).toBe(4);
  });

  maybe('gives a new unit’s duty officer a post there, and moves a person with their duty (one sign-in, two grids)', async () => {
    const added = await store.apply(
      addUnit({ id: 'g3', level: 'grid', parent: 'c2', name: { 'zh-CN': '网格三' }, dutyOfficer: 'g2-worker', addresses: ['测试路3号'] }),
      { actorId: ADMIN },
    );
    expect(added.version).toBe(5);
    const worker = (await store.snapshot()).staff.find((person) => person.id === 'g2-worker');
    expect(worker).toMatchObject({ unit: 'g2', posts: [{ unit: 'g3' }] });
    // Moving g-new from g to g2 is fine once g has another grid worker: g2-worker takes g as a third post.
    await store.apply(editUnit('g', { dutyOfficer: 'g2-worker' }), { actorId: ADMIN });
    const movedPerson = await store.apply(editStaff('g-new', { unit: 'g2' }), { actorId: ADMIN });
    expect(movedPerson).toMatchObject({ version: 7, change: 'staff.edit' });
    expect((await store.snapshot()).staff.find((person) => person.id === 'g2-worker')?.posts).toEqual([{ unit: 'g3' }, { unit: 'g' }]);
  });

  maybe('serialises concurrent changes: each gets its own version', async () => {
    const before = await store.version();
    const results = await Promise.all(
      ['甲', '乙', '丙'].map((name, index) =>
        new DirectoryStore(theStore()).apply(editStaff(['d-duty', 's-duty', 'c-sec'][index]!, { name }), { actorId: ADMIN }),
      ),
    );
    expect(results.map((result) => result.version).sort((a, b) => a - b)).toEqual([before + 1, before + 2, before + 3]);
    expect(await store.version()).toBe(before + 3);
  });

  describe('the hand-over port', () => {
    maybe('names what is missing: a successor (with the units on duty), a known and active successor who is not the leaver', async () => {
      const base = { staffId: 'g2-worker', actorId: ADMIN };
      expect(await store.checkDeactivation(base)).toEqual([
        { field: 'successorId', key: 'field.directory.successorNeededForUnits', values: { staff: 'g2-worker', units: 'g, g2, g3' } },
      ]);
      expect(await store.checkDeactivation({ ...base, successorId: 'ghost' })).toEqual([
        { field: 'successorId', key: 'field.directory.unknownStaff', values: { staff: 'ghost' } },
      ]);
      expect(await store.checkDeactivation({ ...base, successorId: 's-lead' })).toEqual([
        { field: 'successorId', key: 'field.directory.successorInactive', values: { staff: 's-lead' } },
      ]);
      expect(await store.checkDeactivation({ ...base, successorId: 'g2-worker' })).toEqual([
        { field: 'successorId', key: 'field.directory.successorIsLeaver', values: { staff: 'g2-worker' } },
      ]);
      expect(await store.checkDeactivation({ ...base, successorId: 'g-new', returnToUnitId: 'c2' })).toEqual([
        { field: 'successorId', key: 'field.directory.successorOrUnit' },
      ]);
      expect(await store.checkDeactivation({ ...base, returnToUnitId: 'g2' })).toEqual([
        { field: 'returnToUnitId', key: 'field.directory.returnUnitHeldByLeaver', values: { unit: 'g2', staff: 'g2-worker' } },
      ]);
      expect(await store.checkDeactivation({ staffId: 'nobody', successorId: 'g-new', actorId: ADMIN })).toEqual([
        { field: 'staffId', key: 'field.directory.unknownStaff', values: { staff: 'nobody' } },
      ]);
      await expect(store.deactivateStaff(base)).rejects.toBeInstanceOf(DirectoryRefusalError);
      expect(await store.checkDeactivation({ ...base, successorId: 'g-new' })).toEqual([]);
    });

    maybe('deactivates a leaver in one audited change: every duty post to the successor, who gains posts there', async () => {
      const before = await store.version();
      const result = await store.deactivateStaff({ staffId: 'g2-worker', successorId: 'g-new', actorId: ADMIN, reason: '调离' });
      expect(result).toEqual({ version: before + 1, successorId: 'g-new', alreadyInactive: false });
      const snapshot = await store.snapshot();
      expect(snapshot.units.filter((unit) => unit.dutyOfficer === 'g-new').map((unit) => unit.id)).toEqual(['g', 'g2', 'g3']);
      expect(snapshot.staff.find((person) => person.id === 'g2-worker')).toMatchObject({ active: false });
      expect(snapshot.staff.find((person) => person.id === 'g-new')).toMatchObject({ unit: 'g2', posts: [{ unit: 'g' }, { unit: 'g3' }] });
      const audit = (await store.auditLog({ limit: 10 })).filter((entry) => entry.version === result.version);
      expect(audit.map((entry) => `${entry.change} ${entry.target.kind}:${entry.target.id}`)).toEqual([
        'staff.deactivate unit:g',
        'staff.deactivate unit:g2',
        'staff.deactivate unit:g3',
        'staff.deactivate staff:g2-worker',
        'staff.deactivate staff:g-new',
      ]);
      expect(audit.every((entry) => entry.reason === '调离' && entry.actorId === ADMIN)).toBe(true);
    });

    maybe('answers a repeat as alreadyInactive without changing anything (a resumed hand-over goes on)', async () => {
      const version = await store.version();
      expect(await store.checkDeactivation({ staffId: 'g2-worker', successorId: 'g-new', actorId: ADMIN })).toEqual([]);
      expect(await store.deactivateStaff({ staffId: 'g2-worker', successorId: 'g-new', actorId: ADMIN })).toEqual({
        version,
        successorId: 'g-new',
        alreadyInactive: true,
      });
      expect(await store.version()).toBe(version);
    });

    maybe('returns the work to a unit: its duty officer is the successor', async () => {
      const result = await store.deactivateStaff({ staffId: 'g-new', returnToUnitId: 'c2', actorId: ADMIN });
      expect(result).toMatchObject({ successorId: 'c2-sec', alreadyInactive: false });
      const snapshot = await store.snapshot();
      expect(snapshot.units.filter((unit) => unit.level === 'grid').map((unit) => unit.dutyOfficer)).toEqual(['c2-sec', 'c2-sec', 'c2-sec']);
      expect(snapshot.staff.find((person) => person.id === 'c2-sec')?.posts).toEqual([
        { unit: 'g', role: 'grid_worker' },
        { unit: 'g2', role: 'grid_worker' },
        { unit: 'g3', role: 'grid_worker' },
      ]);
    });
  });

  maybe('exports the directory as the config’s YAML, which loads and imports again without a change', async () => {
    const snapshot = await store.snapshot();
    const text = exportDirectory(snapshot);
    expect(text).toMatch(/^units:\n/);
    expect(text).toContain(
      '  - { id: g2-worker, name: 另一网格员, email: g2-worker@example.org, role: grid_worker, unit: g2, posts: [ { unit: g3 }, { unit: g } ], active: false, locale: zh-CN }\n',
    );
    expect(text).toContain('  - id: c\n    level: community\n    parent: s\n    name: { zh-CN: 社区 }\n    dutyOfficer: c-sec\n  - id: g\n');
    const fullText = exportDirectory(snapshot, CITY_TEXT);
    expect(fullText).toMatch(/^# a comment that stays\n/);
    const reloaded = parseConfig(fullText);
    expect(reloaded.categories).toEqual(city.categories);
    const version = await store.version();
    expect(await importDirectory(store, reloaded)).toMatchObject({ version, entries: [] });
  });
});

/** The tiny city's text, for exporting into (its other sections must survive). */
const CITY_TEXT = `# a comment that stays
city: { name: { zh-CN: 测试区 }, timeZone: Asia/Shanghai }
units: []
staff: []
categories:
  - { id: road_repair, name: { zh-CN: 道路维修, en: Road repair } }
sla:
  calendarHoursFor: [urgent, high, normal, low]
  confirmWithin: PT30S
  levels:
    grid: { urgent: PT4S, high: PT4S, normal: PT4S, low: PT4S }
    community: { urgent: PT4S, high: PT4S, normal: PT4S, low: PT4S }
    street: { urgent: PT4S, high: PT4S, normal: PT4S, low: PT4S }
    district: { urgent: PT4S, high: PT4S, normal: PT4S, low: PT4S }
integrations:
  - { id: app, name: App, apiKeySha256: [] }
`;
