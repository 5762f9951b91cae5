/**
 * The district's unit tree (district → street → community → grid) and its staff: ancestry, scope
 * checks and routing of a request to the grid it belongs to.
 */
import type { FieldKey, MessageValues } from '../i18n/message';
import type { Staff, Unit } from '../config/schema';
import type { Level } from './vocabulary';

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

/** Read-only view over the configured units and staff. Built once at start. */
export class OrgTree {
  private readonly units: ReadonlyMap<string, Unit>;
  private readonly people: ReadonlyMap<string, Staff>;
  private readonly childrenOf: ReadonlyMap<string, readonly Unit[]>;
  /** Address fragments, longest first, so "三堂村一组二号楼" beats "三堂村一组". */
  private readonly addressIndex: readonly { fragment: string; grid: Unit }[];

  constructor(units: readonly Unit[], staff: readonly Staff[]) {
    this.units = new Map(units.map((unit) => [unit.id, unit]));
    this.people = new Map(staff.map((person) => [person.id, person]));
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
  }

  /** The root (district) unit. */
  get root(): Unit {
    for (const unit of this.units.values()) if (unit.parent === undefined) return unit;
    throw new Error('unit tree has no root');
  }

  unit(id: string): Unit | undefined {
    return this.units.get(id);
  }

  staff(id: string): Staff | undefined {
    return this.people.get(id);
  }

  allUnits(): Unit[] {
    return [...this.units.values()];
  }

  /** Staff whose unit lies in the subtree rooted at `scopeId`. */
  staffWithin(scopeId: string): Staff[] {
    return [...this.people.values()].filter((person) => this.isWithin(person.unit, scopeId));
  }

  children(id: string): readonly Unit[] {
    return this.childrenOf.get(id) ?? [];
  }

  /** The unit and its ancestors, from the unit itself up to the district. */
  lineage(id: string): Unit[] {
    const chain: Unit[] = [];
    let current = this.units.get(id);
    while (current) {
      chain.push(current);
      current = current.parent === undefined ? undefined : this.units.get(current.parent);
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
    const unit = this.units.get(unitId);
    return unit ? this.people.get(unit.dutyOfficer) : undefined;
  }

  /** Staff whose role supervises `unitId`: supervisors and admins of the unit and its ancestors. */
  supervisorsOf(unitId: string): Staff[] {
    const lineage = new Set(this.lineageIds(unitId));
    return [...this.people.values()].filter(
      (person) => (person.role === 'supervisor' || person.role === 'admin') && lineage.has(person.unit),
    );
  }

  /**
   * Routes a request to its grid. An explicit grid wins, then a location inside a grid's bounds,
   * then the longest configured address fragment found in the address. Never guesses: a place
   * that matches nothing is a failure naming the field.
   */
  route(place: RequestPlace): { grid: Unit } | { failure: RoutingFailure } {
    if (place.gridId !== undefined) {
      const unit = this.units.get(place.gridId);
      if (!unit) return { failure: { field: 'gridId', key: 'field.unknownGrid', values: { grid: place.gridId } } };
      if (unit.level !== 'grid') return { failure: { field: 'gridId', key: 'field.notAGrid', values: { unit: place.gridId, level: unit.level } } };
      return { grid: unit };
    }
    if (place.location !== undefined) {
      const { lat, lng } = place.location;
      const grid = [...this.units.values()].find(
        (unit) => unit.bounds !== undefined && lng >= unit.bounds[0] && lat >= unit.bounds[1] && lng <= unit.bounds[2] && lat <= unit.bounds[3],
      );
      return grid ? { grid } : { failure: { field: 'location', key: 'field.locationOutside' } };
    }
    if (place.address !== undefined) {
      const address = normalizeAddress(place.address);
      const match = this.addressIndex.find((entry) => address.includes(entry.fragment));
      return match ? { grid: match.grid } : { failure: { field: 'address', key: 'field.addressUnmatched' } };
    }
    return { failure: { field: 'gridId', key: 'field.placeMissing' } };
  }
}

/** Addresses are compared without white space and case, as hotline operators type them freely. */
function normalizeAddress(text: string): string {
  return text.replace(/\s+/g, '').toLowerCase();
}
