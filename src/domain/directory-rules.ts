/**
 * The rules a directory (units and staff) must obey to be workable: one root, levels downhill,
 * every unit a duty officer who holds a post there and is active, no unknown references. One
 * function checks them, for the config file at start and for every change an admin makes, so the
 * file and the store can never disagree about what a valid tree is.
 *
 * Pure and defensive: the config check runs it on raw YAML (any field may be of the wrong type),
 * so every item is read as `unknown`.
 */
import type { Role } from './vocabulary';
import { LEVELS } from './vocabulary';

/** One post a staff member holds: a role in a unit. */
export interface Post {
  unit: string;
  role: Role;
}

/** What a staff entry says about its posts: its own `unit` and `role` (the first post) and any more. */
export interface PostHolder {
  unit: string;
  role: Role;
  posts?: readonly { unit: string; role?: Role | undefined }[] | undefined;
}

/** Every post of a staff member, the entry's own first; an extra post without a role takes the entry's. */
export function postsOf(person: PostHolder): Post[] {
  const posts: Post[] = [{ unit: person.unit, role: person.role }];
  for (const extra of person.posts ?? []) {
    const post = { unit: extra.unit, role: extra.role ?? person.role };
    if (!posts.some((held) => held.unit === post.unit && held.role === post.role)) posts.push(post);
  }
  return posts;
}

/** True when the staff member holds some post in `unitId`. */
export function holdsPostIn(person: PostHolder, unitId: string): boolean {
  return postsOf(person).some((post) => post.unit === unitId);
}

/** Which rule an issue breaks; each has its own wording in the config check and in the catalogs. */
export type DirectoryRule =
  | 'duplicateId'
  | 'rootCount'
  | 'rootNotDistrict'
  | 'unknownParent'
  | 'levelOrder'
  | 'unknownDutyOfficer'
  | 'dutyOfficerWithoutPost'
  | 'dutyOfficerInactive'
  | 'addressesOnlyOnGrids'
  | 'unknownStaffUnit'
  | 'unknownPostUnit'
  | 'duplicatePost';

/**
 * One broken rule. `path` is where in the config's shape it sits (`['units', 3, 'dutyOfficer']`);
 * `values` names the units and staff concerned, for a message in any language.
 */
export interface DirectoryIssue {
  path: (string | number)[];
  rule: DirectoryRule;
  values: Record<string, string | number>;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const record = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {});
const levelIndex = (level: string | undefined) => LEVELS.indexOf(level as (typeof LEVELS)[number]);

/** The unit ids a raw staff entry holds posts in (its own unit first), skipping malformed ones. */
function rawPostUnits(person: Record<string, unknown>): string[] {
  const units = [str(person.unit)];
  if (Array.isArray(person.posts)) for (const post of person.posts) units.push(str(record(post).unit));
  return units.filter((unit): unit is string => unit !== undefined);
}

/**
 * Checks a whole directory and returns every broken rule (empty when it is workable). A cycle
 * needs no rule of its own: a parent's level must be exactly one above its child's, so following
 * parents climbs the four levels and must stop at the district.
 */
export function checkDirectoryTree(rawUnits: readonly unknown[], rawStaff: readonly unknown[]): DirectoryIssue[] {
  const issues: DirectoryIssue[] = [];
  const issue = (path: (string | number)[], rule: DirectoryRule, values: Record<string, string | number> = {}) => issues.push({ path, rule, values });
  const units = rawUnits.map(record);
  const people = rawStaff.map(record);

  const duplicates = (items: Record<string, unknown>[], list: 'units' | 'staff') => {
    const seen = new Set<string>();
    items.forEach((item, index) => {
      const id = str(item.id);
      if (id === undefined) return;
      if (seen.has(id)) issue([list, index, 'id'], 'duplicateId', list === 'units' ? { id, unit: id } : { id, staff: id });
      seen.add(id);
    });
  };
  duplicates(units, 'units');
  duplicates(people, 'staff');

  // The first entry of an id is the one others refer to; a later duplicate is only reported.
  const firstById = (items: Record<string, unknown>[]) => {
    const byId = new Map<string, Record<string, unknown>>();
    for (const item of items) if (str(item.id) !== undefined && !byId.has(str(item.id)!)) byId.set(str(item.id)!, item);
    return byId;
  };
  const unitById = firstById(units);
  const staffById = firstById(people);
  const roots = units.filter((unit) => unit.parent === undefined);
  if (roots.length !== 1) issue(['units'], 'rootCount', { found: roots.length, roots: roots.map((unit) => str(unit.id) ?? '?').join(', ') });

  units.forEach((unit, index) => {
    const id = str(unit.id) ?? '';
    const level = str(unit.level);
    const depth = levelIndex(level);
    const parentId = str(unit.parent);
    if (unit.parent === undefined) {
      if (level !== undefined && level !== 'district') issue(['units', index, 'parent'], 'rootNotDistrict', { unit: id, level });
    } else if (parentId !== undefined) {
      const parent = unitById.get(parentId);
      if (!parent) issue(['units', index, 'parent'], 'unknownParent', { unit: id, parent: parentId });
      else if (depth >= 0 && levelIndex(str(parent.level)) !== depth - 1)
        issue(['units', index, 'parent'], 'levelOrder', {
          unit: id,
          level: level!,
          parent: parentId,
          parentLevel: str(parent.level) ?? '?',
          expectedLevel: LEVELS[depth - 1] ?? 'nothing',
        });
    }
    const officerId = str(unit.dutyOfficer);
    if (officerId !== undefined) {
      const officer = staffById.get(officerId);
      if (!officer) issue(['units', index, 'dutyOfficer'], 'unknownDutyOfficer', { unit: id, level: level ?? '?', staff: officerId });
      else if (!rawPostUnits(officer).includes(id))
        issue(['units', index, 'dutyOfficer'], 'dutyOfficerWithoutPost', {
          unit: id,
          level: level ?? '?',
          staff: officerId,
          posts: rawPostUnits(officer).join('", "'),
        });
      else if (officer.active === false) issue(['units', index, 'dutyOfficer'], 'dutyOfficerInactive', { unit: id, level: level ?? '?', staff: officerId });
    }
    const hasAddresses = Array.isArray(unit.addresses) && unit.addresses.length > 0;
    if (level !== undefined && level !== 'grid' && (hasAddresses || unit.bounds !== undefined))
      issue(['units', index, 'addresses'], 'addressesOnlyOnGrids', { unit: id, level });
  });

  people.forEach((person, index) => {
    const id = str(person.id) ?? '';
    const unitId = str(person.unit);
    if (unitId !== undefined && !unitById.has(unitId)) issue(['staff', index, 'unit'], 'unknownStaffUnit', { staff: id, unit: unitId });
    if (!Array.isArray(person.posts)) return;
    const held = new Set([`${unitId ?? ''}\u0000${str(person.role) ?? ''}`]);
    person.posts.forEach((raw, postIndex) => {
      const post = record(raw);
      const postUnit = str(post.unit);
      if (postUnit === undefined) return;
      if (!unitById.has(postUnit)) issue(['staff', index, 'posts', postIndex, 'unit'], 'unknownPostUnit', { staff: id, unit: postUnit });
      const role = str(post.role) ?? str(person.role) ?? '';
      const key = `${postUnit}\u0000${role}`;
      if (held.has(key)) issue(['staff', index, 'posts', postIndex], 'duplicatePost', { staff: id, unit: postUnit, role });
      held.add(key);
    });
  });
  return issues;
}
