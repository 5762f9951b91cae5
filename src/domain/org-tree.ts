/**
 * The district's unit tree (district → street → community → grid) and its staff: ancestry, scope
 * checks and routing of a request to the grid it belongs to. The tree is one version of the
 * directory at a time; the live directory (src/directory/live-directory.ts) swaps in the next.
 */
import type { FieldKey, MessageValues } from '../i18n/message';
import { postsOf, type Post } from './directory-rules';
import type { Staff, Unit } from './org-types';
import type { Level, Role } from './vocabulary';

/** One rung of a case's escalation ladder: the unit that holds the case at that level. */
export interface LadderRung {
  unitId: string;
  level: Level;
  /** Duty officer when the case was submitted: the fallback if the directory cannot be asked later. */
  dutyOfficerId: string;
}

/** Where a request says it is; exactly one way of locating it is used, in this order. */
export interface RequestPlace {
  gridId?: string | undefined;
  location?: { lat: number; lng: number } | undefined;
  address?: string | undefined;
}

/** Why a place could not be routed; `field` names the request field at fault. */
export interface RoutingFailure {
  field: 'gridId' | 'location' | 'address';
  /** Why, as a catalog message the API shows in the caller's language. */
  key: FieldKey;
  values?: MessageValues;
}

/** Each entry's revision: the directory version of its last change (what an admin's If-Match names). */
export interface EntryRevisions {
  units: ReadonlyMap<string, number>;
  staff: ReadonlyMap<string, number>;
}

/** One version of the directory, indexed for look-ups. Immutable: a change builds a new one. */
class OrgSnapshot {
  readonly units: ReadonlyMap<string, Unit>;
  /** Everyone, leavers included (their names stay in old timelines). */
  readonly people: ReadonlyMap<string, Staff>;
  /** Active staff with their posts, in directory order. */
  readonly active: readonly { person: Staff; posts: readonly Post[] }[];
  readonly childrenOf: ReadonlyMap<string, readonly Unit[]>;
  /** Address fragments, longest first, so "三堂村一组二号楼" beats "三堂村一组". */
  readonly addressIndex: readonly { fragment: string; grid: Unit }[];
  readonly root: Unit | undefined;

  constructor(
    units: readonly Unit[],
    staff: readonly Staff[],
    readonly version: number,
    readonly revisions: EntryRevisions | undefined,
  ) {
    this.units = new Map(units.map((unit) => [unit.id, unit]));
    this.people = new Map(staff.map((person) => [person.id, person]));
    this.active = staff.filter((person) => person.active !== false).map((person) => ({ person, posts: postsOf(person) }));
    const children = new Map<string, Unit[]>();
    for (const unit of units) {
      if (unit.parent === undefined) continue;
      const siblings = children.get(unit.parent) ?? [];
      siblings.push(unit);
      children.set(unit.parent, siblings);
    }
    this.childrenOf = children;
    this.addressIndex = units
      .filter((unit) => unit.level === 'grid')
      .flatMap((grid) => grid.addresses.map((fragment) => ({ fragment: normalizeAddress(fragment), grid })))
      .sort((a, b) => b.fragment.length - a.fragment.length);
    this.root = units.find((unit) => unit.parent === undefined);
  }
}

/**
 * Read-only view over the directory's units and staff. It holds one snapshot at a time and
 * {@link replace} swaps in the next whole, so every `org` handed to routes, activities and reports
 * stays valid and each synchronous look-up sees one version, never half of a change (swaps happen
 * between awaits, from the live directory's poll).
 */
export class OrgTree {
  private current: OrgSnapshot;

  constructor(units: readonly Unit[], staff: readonly Staff[], version = 0, revisions?: EntryRevisions) {
    this.current = new OrgSnapshot(units, staff, version, revisions);
  }

  /** The directory version this tree shows (0 for a tree built from the config file). */
  get version(): number {
    return this.current.version;
  }

  /** Shows another version of the directory from now on. */
  replace(units: readonly Unit[], staff: readonly Staff[], version: number, revisions?: EntryRevisions): void {
    this.current = new OrgSnapshot(units, staff, version, revisions);
  }

  /** The revision of a unit or staff member (0 when the directory is the config file). */
  revisionOf(kind: 'unit' | 'staff', id: string): number {
    return (kind === 'unit' ? this.current.revisions?.units : this.current.revisions?.staff)?.get(id) ?? 0;
  }

  /** The root (district) unit. */
  get root(): Unit {
    const root = this.current.root;
    if (!root) throw new Error('unit tree has no root');
    return root;
  }

  unit(id: string): Unit | undefined {
    return this.current.units.get(id);
  }

  /** An active staff member: a leaver is nobody here (no sign-in, no duties, no mail). */
  staff(id: string): Staff | undefined {
    const person = this.current.people.get(id);
    return person?.active === false ? undefined : person;
  }

  /** Anyone who was ever staff, leavers included: for the names in timelines and reports. */
  person(id: string): Staff | undefined {
    return this.current.people.get(id);
  }

  allUnits(): Unit[] {
    return [...this.current.units.values()];
  }

  /** Everyone, leavers included, in directory order. */
  allPeople(): Staff[] {
    return [...this.current.people.values()];
  }

  /** Every active staff member. */
  allStaff(): Staff[] {
    return this.current.active.map(({ person }) => person);
  }

  /** Every post of an active staff member (their own unit first); none for a leaver or an unknown id. */
  postsOf(staffId: string): Post[] {
    return this.current.active.find(({ person }) => person.id === staffId)?.posts.slice() ?? [];
  }

  /** Active staff with a post in the subtree rooted at `scopeId`. */
  staffWithin(scopeId: string): Staff[] {
    return this.current.active.filter(({ posts }) => posts.some((post) => this.isWithin(post.unit, scopeId))).map(({ person }) => person);
  }

  /** Active staff holding a post with `role` in `unitId` itself (a committee's mediators, say). */
  staffWithPost(unitId: string, role: Role): Staff[] {
    return this.current.active.filter(({ posts }) => posts.some((post) => post.unit === unitId && post.role === role)).map(({ person }) => person);
  }

  children(id: string): readonly Unit[] {
    return this.current.childrenOf.get(id) ?? [];
  }

  /** The unit and its ancestors, from the unit itself up to the district. */
  lineage(id: string): Unit[] {
    const { units } = this.current;
    const chain: Unit[] = [];
    let current = units.get(id);
    while (current) {
      chain.push(current);
      current = current.parent === undefined ? undefined : units.get(current.parent);
    }
    return chain;
  }

  /** Ids of the unit and all its ancestors: the `Units` search attribute of a case. */
  lineageIds(id: string): string[] {
    return this.lineage(id).map((unit) => unit.id);
  }

  /** True when `unitId` lies in the subtree rooted at `scopeId` (a unit is within itself). */
  isWithin(unitId: string, scopeId: string): boolean {
    return this.lineage(unitId).some((unit) => unit.id === scopeId);
  }

  /** The escalation ladder of a grid: grid, community, street, district. */
  ladder(gridId: string): LadderRung[] {
    return this.lineage(gridId).map((unit) => ({ unitId: unit.id, level: unit.level, dutyOfficerId: unit.dutyOfficer }));
  }

  /** Whoever takes cases at this unit now (grid worker or duty officer). */
  dutyOfficer(unitId: string): Staff | undefined {
    const unit = this.current.units.get(unitId);
    return unit ? this.staff(unit.dutyOfficer) : undefined;
  }

  /** Staff whose role supervises `unitId`: active staff with a supervisor or admin post in the unit or an ancestor. */
  supervisorsOf(unitId: string): Staff[] {
    const lineage = new Set(this.lineageIds(unitId));
    return this.current.active
      .filter(({ posts }) => posts.some((post) => (post.role === 'supervisor' || post.role === 'admin') && lineage.has(post.unit)))
      .map(({ person }) => person);
  }

  /**
   * Routes a request to its grid. An explicit grid wins, then a location inside a grid's bounds,
   * then the longest configured address fragment found in the address. Never guesses: a place
   * that matches nothing is a failure naming the field.
   */
  route(place: RequestPlace): { grid: Unit } | { failure: RoutingFailure } {
    const { units, addressIndex } = this.current;
    if (place.gridId !== undefined) {
      const unit = units.get(place.gridId);
      if (!unit) return { failure: { field: 'gridId', key: 'field.unknownGrid', values: { grid: place.gridId } } };
      if (unit.level !== 'grid') return { failure: { field: 'gridId', key: 'field.notAGrid', values: { unit: place.gridId, level: unit.level } } };
      return { grid: unit };
    }
    if (place.location !== undefined) {
      const { lat, lng } = place.location;
      const grid = [...units.values()].find(
        (unit) => unit.bounds !== undefined && lng >= unit.bounds[0] && lat >= unit.bounds[1] && lng <= unit.bounds[2] && lat <= unit.bounds[3],
      );
      return grid ? { grid } : { failure: { field: 'location', key: 'field.locationOutside' } };
    }
    if (place.address !== undefined) {
      const address = normalizeAddress(place.address);
      const match = addressIndex.find((entry) => address.includes(entry.fragment));
      return match ? { grid: match.grid } : { failure: { field: 'address', key: 'field.addressUnmatched' } };
    }
    return { failure: { field: 'gridId', key: 'field.placeMissing' } };
  }
}

/** Addresses are compared without white space and case, as hotline operators type them freely. */
function normalizeAddress(text: string): string {
  return text.replace(/\s+/g, '').toLowerCase();
}
