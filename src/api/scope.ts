/**
 * Unit scope: staff see and act on their own unit's subtree; admins on the whole district.
 */
import type { Staff } from '../config/schema';
import type { CaseState } from '../domain/case-model';
import type { OrgTree } from '../domain/org-tree';
import { problem } from './errors';

/** True when the staff member may read the case. */
export function staffCanSeeCase(staff: Staff, state: CaseState): boolean {
  return staff.role === 'admin' || state.assigneeId === staff.id || state.ladder.some((rung) => rung.unitId === staff.unit);
}

/**
 * The subtree a listing covers: the requested unit if it lies in the caller's scope (403 if not,
 * 422 if unknown), else the caller's own unit.
 */
export function scopedUnit(staff: Staff, org: OrgTree, requested: string | undefined): string {
  const root = staff.role === 'admin' ? org.root.id : staff.unit;
  if (requested === undefined) return root;
  if (!org.unit(requested)) throw problem(422, 'validation', `query.unit: unknown unit "${requested}"`, [{ field: 'query.unit', message: 'unknown unit' }]);
  if (!org.isWithin(requested, root)) throw problem(403, 'forbidden', `unit "${requested}" is outside your scope`);
  return requested;
}
