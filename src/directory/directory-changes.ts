/**
 * Each kind of directory change as a pure plan over the current tree: the tree it would leave,
 * which entry it is about (for If-Match and for naming the field a broken rule is blamed on) and
 * the kind its audit rows carry. The store runs a plan inside its transaction and refuses the
 * result when it breaks a directory rule; a plan itself refuses only what the rules cannot see
 * (a leaver without a successor, an import that would drop a unit).
 */
import type { Staff, Unit } from '../domain/org-types';
import { holdsPostIn, postsOf } from '../domain/directory-rules';
import type { Level, Locale, Role } from '../domain/vocabulary';
import { DirectoryNotFoundError } from './directory-errors';
import type { ChangeFocus } from './directory-problems';
import { DirectoryRefusalError } from './directory-refusal';
import type { DirectoryEntryKind, DirectoryTree } from './directory-tree';
import type { DirectoryProblem, StaffDeactivation } from './hand-over-port';

/** What an audit row says the change was. */
export const DIRECTORY_CHANGE_KINDS = [
  'unit.add',
  'unit.edit',
  'unit.move',
  'staff.add',
  'staff.edit',
  'staff.reactivate',
  'staff.deactivate',
  'import',
] as const;
export type DirectoryChangeKind = (typeof DIRECTORY_CHANGE_KINDS)[number];

/** A change ready to be checked and written. */
export interface PlannedChange {
  change: DirectoryChangeKind;
  tree: DirectoryTree;
  focus: ChangeFocus;
  /** The entry an If-Match precondition is about. */
  target?: { kind: DirectoryEntryKind; id: string } | undefined;
}

/** A change as a function of the tree it applies to: run on the tree read inside the write's transaction. */
export type ChangePlanner = (tree: DirectoryTree) => PlannedChange;

type Bounds = NonNullable<Unit['bounds']>;

/** A new unit, as the admin API and the config file give it. */
export interface NewUnit {
  id: string;
  level: Level;
  parent?: string | undefined;
  name: Unit['name'];
  /** Whoever takes cases there; given a post in the unit if they hold none. */
  dutyOfficer: string;
  addresses?: string[] | undefined;
  bounds?: Bounds | undefined;
}

/** What an edit of a unit may change; `parent` moves it, `bounds: null` removes its bounds. */
export interface UnitEdit {
  name?: Unit['name'] | undefined;
  parent?: string | undefined;
  dutyOfficer?: string | undefined;
  addresses?: string[] | undefined;
  bounds?: Bounds | null | undefined;
}

/** An extra post as given: a unit and, when not the staff member's own, a role. */
export interface PostInput {
  unit: string;
  role?: Role | undefined;
}

/** A new staff member; `dutyOfficerOf` makes them the duty officer (grid worker) of those units at once. */
export interface NewStaff {
  id: string;
  name: string;
  email: string;
  phone?: string | undefined;
  role: Role;
  unit: string;
  posts?: PostInput[] | undefined;
  locale?: Locale | undefined;
  dutyOfficerOf?: string[] | undefined;
}

/** What an edit of a staff member may change: `unit`/`posts` move them; `active: true` brings a leaver back. */
export interface StaffEdit {
  name?: string | undefined;
  email?: string | undefined;
  phone?: string | null | undefined;
  role?: Role | undefined;
  unit?: string | undefined;
  posts?: PostInput[] | undefined;
  locale?: Locale | undefined;
  active?: boolean | undefined;
  dutyOfficerOf?: string[] | undefined;
}

const refuse = (problems: DirectoryProblem[]): never => {
  throw new DirectoryRefusalError(problems);
};

/** The person with a post in `unitId`, added (with `role` when it is not their own) if they hold none. */
function withPostIn(person: Staff, unitId: string, role: Role = person.role): Staff {
  if (holdsPostIn(person, unitId)) return person;
  return { ...person, posts: [...(person.posts ?? []), { unit: unitId, ...(role === person.role ? {} : { role }) }] };
}

/** `tree` with `unitId`'s duty officer set to `staffId`, who gets a post there if they hold none. */
function putOnDuty(tree: DirectoryTree, unitId: string, staffId: string, role?: Role): DirectoryTree {
  return {
    units: tree.units.map((unit) => (unit.id === unitId ? { ...unit, dutyOfficer: staffId } : unit)),
    staff: tree.staff.map((person) => (person.id === staffId ? withPostIn(person, unitId, role) : person)),
  };
}

/** Refuses unknown units among `unitIds`, naming `field.i`. */
function checkUnitsExist(tree: DirectoryTree, unitIds: readonly string[], field: string): void {
  const known = new Set(tree.units.map((unit) => unit.id));
  const problems = unitIds.flatMap((unit, index) =>
    known.has(unit) ? [] : [{ field: `${field}.${index}`, key: 'field.directory.unknownUnit' as const, values: { unit } }],
  );
  if (problems.length > 0) refuse(problems);
}

/** Adds a unit under its parent. */
export function addUnit(input: NewUnit): ChangePlanner {
  return (tree) => {
    const unit: Unit = {
      id: input.id,
      level: input.level,
      ...(input.parent === undefined ? {} : { parent: input.parent }),
      name: input.name,
      dutyOfficer: input.dutyOfficer,
      addresses: input.addresses ?? [],
      ...(input.bounds === undefined ? {} : { bounds: input.bounds }),
    };
    let next: DirectoryTree = { units: [...tree.units, unit], staff: tree.staff };
    if (!tree.units.some((existing) => existing.id === unit.id)) next = putOnDuty(next, unit.id, input.dutyOfficer);
    return { change: 'unit.add', tree: next, focus: { kind: 'unit', id: unit.id, elsewhere: 'dutyOfficer' } };
  };
}

/** Renames, moves (a new parent), re-staffs or re-bounds a unit. */
export function editUnit(id: string, edit: UnitEdit): ChangePlanner {
  return (tree) => {
    const current = tree.units.find((unit) => unit.id === id);
    if (!current) throw new DirectoryNotFoundError('unit', id);
    const { bounds: _bounds, ...rest } = current;
    const bounds = edit.bounds === undefined ? current.bounds : (edit.bounds ?? undefined);
    const unit: Unit = {
      ...rest,
      ...(edit.name === undefined ? {} : { name: edit.name }),
      ...(edit.parent === undefined ? {} : { parent: edit.parent }),
      ...(edit.addresses === undefined ? {} : { addresses: edit.addresses }),
      ...(bounds === undefined ? {} : { bounds }),
    };
    let next: DirectoryTree = { units: tree.units.map((existing) => (existing.id === id ? unit : existing)), staff: tree.staff };
    if (edit.dutyOfficer !== undefined) next = putOnDuty(next, id, edit.dutyOfficer);
    const moved = edit.parent !== undefined && edit.parent !== current.parent;
    return { change: moved ? 'unit.move' : 'unit.edit', tree: next, focus: { kind: 'unit', id, elsewhere: 'dutyOfficer' }, target: { kind: 'unit', id } };
  };
}

/** Adds a staff member, and puts them on duty where `dutyOfficerOf` says. */
export function addStaff(input: NewStaff): ChangePlanner {
  return (tree) => {
    const person: Staff = {
      id: input.id,
      name: input.name,
      email: input.email,
      ...(input.phone === undefined ? {} : { phone: input.phone }),
      role: input.role,
      unit: input.unit,
      ...(input.posts && input.posts.length > 0 ? { posts: input.posts } : {}),
      locale: input.locale ?? 'zh-CN',
    };
    const duties = input.dutyOfficerOf ?? [];
    checkUnitsExist(tree, duties, 'dutyOfficerOf');
    let next: DirectoryTree = { units: tree.units, staff: [...tree.staff, person] };
    if (!tree.staff.some((existing) => existing.id === person.id)) for (const unitId of duties) next = putOnDuty(next, unitId, person.id);
    return { change: 'staff.add', tree: next, focus: { kind: 'staff', id: person.id, elsewhere: 'dutyOfficerOf' } };
  };
}

/**
 * Edits a staff member: details, role, posts (a move), the units they are on duty at, or bringing
 * a leaver back (`active: true`). Deactivation is not an edit: a leaver's work must be handed over.
 */
export function editStaff(id: string, edit: StaffEdit): ChangePlanner {
  return (tree) => {
    const current = tree.staff.find((person) => person.id === id);
    if (!current) throw new DirectoryNotFoundError('staff', id);
    if (edit.active === false && current.active !== false) refuse([{ field: 'active', key: 'field.directory.useDeactivation', values: { staff: id } }]);
    const { phone: _phone, posts: _posts, active: _active, ...rest } = current;
    const phone = edit.phone === undefined ? current.phone : (edit.phone ?? undefined);
    const posts = edit.posts ?? current.posts ?? [];
    const person: Staff = {
      ...rest,
      ...(edit.name === undefined ? {} : { name: edit.name }),
      ...(edit.email === undefined ? {} : { email: edit.email }),
      ...(phone === undefined ? {} : { phone }),
      ...(edit.role === undefined ? {} : { role: edit.role }),
      ...(edit.unit === undefined ? {} : { unit: edit.unit }),
      ...(posts.length > 0 ? { posts } : {}),
      ...(edit.locale === undefined ? {} : { locale: edit.locale }),
      ...(current.active === false && edit.active !== true ? { active: false } : {}),
    };
    const duties = edit.dutyOfficerOf ?? [];
    checkUnitsExist(tree, duties, 'dutyOfficerOf');
    let next: DirectoryTree = { units: tree.units, staff: tree.staff.map((existing) => (existing.id === id ? person : existing)) };
    for (const unitId of duties) next = putOnDuty(next, unitId, id);
    const elsewhere = edit.posts !== undefined ? 'posts' : edit.unit !== undefined ? 'unit' : 'dutyOfficerOf';
    const change = current.active === false && edit.active === true ? 'staff.reactivate' : 'staff.edit';
    return { change, tree: next, focus: { kind: 'staff', id, elsewhere }, target: { kind: 'staff', id } };
  };
}

/** A deactivation's plan and what the hand-over needs to know about it. */
export interface DeactivationPlan extends PlannedChange {
  successorId: string;
  alreadyInactive: boolean;
}

/**
 * Deactivates a leaver: each unit they are on duty at gets the successor (or the duty officer of
 * `returnToUnitId`) as its duty officer, with a post there in the leaver's role if they hold none,
 * and the leaver becomes inactive. A leaver already inactive plans no change, so a resumed
 * hand-over can ask again.
 *
 * @throws DirectoryRefusalError naming `staffId`, `successorId` or `returnToUnitId` (and the units concerned).
 */
export function planDeactivation(tree: DirectoryTree, request: StaffDeactivation): DeactivationPlan {
  const leaver = tree.staff.find((person) => person.id === request.staffId);
  if (!leaver) return refuse([{ field: 'staffId', key: 'field.directory.unknownStaff', values: { staff: request.staffId } }]);
  const dutyUnits = tree.units.filter((unit) => unit.dutyOfficer === leaver.id).map((unit) => unit.id);
  const field = request.returnToUnitId !== undefined && request.successorId === undefined ? 'returnToUnitId' : 'successorId';
  if (request.successorId !== undefined && request.returnToUnitId !== undefined) refuse([{ field, key: 'field.directory.successorOrUnit' }]);
  let successorId = request.successorId;
  if (request.returnToUnitId !== undefined) {
    const unit = tree.units.find((candidate) => candidate.id === request.returnToUnitId);
    if (!unit) return refuse([{ field, key: 'field.directory.unknownUnit', values: { unit: request.returnToUnitId } }]);
    successorId = unit.dutyOfficer;
    if (successorId === leaver.id && leaver.active !== false)
      refuse([{ field, key: 'field.directory.returnUnitHeldByLeaver', values: { unit: unit.id, staff: leaver.id } }]);
  }
  if (successorId === undefined) {
    return refuse([
      dutyUnits.length > 0
        ? { field, key: 'field.directory.successorNeededForUnits', values: { staff: leaver.id, units: dutyUnits.join(', ') } }
        : { field, key: 'field.directory.successorNeeded', values: { staff: leaver.id, units: '' } },
    ]);
  }
  const focus: ChangeFocus = { kind: 'staff', id: successorId, elsewhere: field };
  if (leaver.active === false) return { change: 'staff.deactivate', tree, focus, successorId, alreadyInactive: true };
  const successor = tree.staff.find((person) => person.id === successorId);
  if (!successor) return refuse([{ field, key: 'field.directory.unknownStaff', values: { staff: successorId } }]);
  if (successor.id === leaver.id) refuse([{ field, key: 'field.directory.successorIsLeaver', values: { staff: leaver.id } }]);
  if (successor.active === false) refuse([{ field, key: 'field.directory.successorInactive', values: { staff: successor.id } }]);

  const roleAt = (unitId: string) => postsOf(leaver).find((post) => post.unit === unitId)?.role ?? leaver.role;
  let next: DirectoryTree = { units: tree.units, staff: tree.staff.map((person) => (person.id === leaver.id ? { ...person, active: false } : person)) };
  for (const unitId of dutyUnits) next = putOnDuty(next, unitId, successor.id, roleAt(unitId));
  return { change: 'staff.deactivate', tree: next, focus, target: { kind: 'staff', id: leaver.id }, successorId: successor.id, alreadyInactive: false };
}

/**
 * The directory a config file describes, applied over the current one: its units and staff as the
 * file says, staff the file no longer lists deactivated (kept for old timelines). A unit the file
 * no longer lists is refused — cases and reports refer to it, and an import never removes units.
 */
export function importTree(file: DirectoryTree): ChangePlanner {
  return (tree) => {
    const inFile = new Set(file.units.map((unit) => unit.id));
    const missing = tree.units.filter((unit) => !inFile.has(unit.id));
    if (missing.length > 0) refuse(missing.map((unit) => ({ field: 'units', key: 'field.directory.unitMissingFromFile', values: { unit: unit.id } })));
    const listed = new Set(file.staff.map((person) => person.id));
    const leavers = tree.staff.filter((person) => !listed.has(person.id)).map((person) => ({ ...person, active: false as const }));
    return { change: 'import', tree: { units: file.units, staff: [...file.staff, ...leavers] }, focus: { kind: 'tree', elsewhere: 'units' } };
  };
}
