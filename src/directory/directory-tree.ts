/**
 * The directory as data: the units and staff in the config file's shape, in one canonical form,
 * and the difference between two of them — which is what a change writes and what its audit
 * rows say before and after. Pure.
 */
import type { Staff, Unit } from '../domain/org-types';

/** Units and staff, each list in the directory's order (the file's, new entries after). */
export interface DirectoryTree {
  units: Unit[];
  staff: Staff[];
}

/** A tree as read from the store: with its version and each entry's last-changed version (its ETag). */
export interface DirectorySnapshot extends DirectoryTree {
  version: number;
  revisions: { units: ReadonlyMap<string, number>; staff: ReadonlyMap<string, number> };
}

/** The two kinds of directory entry. */
export type DirectoryEntryKind = 'unit' | 'staff';

/** One entry that a change adds or alters. Nothing is ever removed: a leaver is deactivated. */
export interface EntryChange {
  kind: DirectoryEntryKind;
  id: string;
  before: Unit | Staff | undefined;
  after: Unit | Staff;
}

/**
 * A unit with its keys in one order and nothing undefined, so that two units that mean the same
 * are the same JSON (an import of an unchanged file then changes nothing).
 */
export function canonicalUnit(unit: Unit): Unit {
  return {
    id: unit.id,
    level: unit.level,
    ...(unit.parent === undefined ? {} : { parent: unit.parent }),
    name: { 'zh-CN': unit.name['zh-CN'], ...(unit.name.en === undefined ? {} : { en: unit.name.en }) },
    dutyOfficer: unit.dutyOfficer,
    addresses: [...(unit.addresses ?? [])],
    ...(unit.bounds === undefined ? {} : { bounds: [...unit.bounds] as Unit['bounds'] }),
  };
}

/** A staff member in canonical form: no empty post list, `active` only when false. */
export function canonicalStaff(person: Staff): Staff {
  const posts = (person.posts ?? []).map((post) => ({ unit: post.unit, ...(post.role === undefined ? {} : { role: post.role }) }));
  return {
    id: person.id,
    name: person.name,
    email: person.email,
    ...(person.phone === undefined ? {} : { phone: person.phone }),
    role: person.role,
    unit: person.unit,
    ...(posts.length > 0 ? { posts } : {}),
    ...(person.active === false ? { active: false } : {}),
    locale: person.locale ?? 'zh-CN',
  };
}

/** The tree in canonical form. */
export function canonicalTree(tree: DirectoryTree): DirectoryTree {
  return { units: tree.units.map(canonicalUnit), staff: tree.staff.map(canonicalStaff) };
}

/**
 * What differs from `before` to `after`, in `after`'s order (units first). An entry missing from
 * `after` is a programming error: callers deactivate staff and refuse removing units.
 */
export function diffTrees(before: DirectoryTree, after: DirectoryTree): EntryChange[] {
  const changes: EntryChange[] = [];
  const compare = <T extends Unit | Staff>(kind: DirectoryEntryKind, old: readonly T[], next: readonly T[], canonical: (entry: T) => T) => {
    const previous = new Map(old.map((entry) => [entry.id, canonical(entry)]));
    const seen = new Set<string>();
    for (const entry of next) {
      seen.add(entry.id);
      const was = previous.get(entry.id);
      const now = canonical(entry);
      if (was === undefined || JSON.stringify(was) !== JSON.stringify(now)) changes.push({ kind, id: entry.id, before: was, after: now });
    }
    for (const id of previous.keys()) if (!seen.has(id)) throw new Error(`directory change would remove ${kind} "${id}"`);
  };
  compare('unit', before.units, after.units, canonicalUnit);
  compare('staff', before.staff, after.staff, canonicalStaff);
  return changes;
}
