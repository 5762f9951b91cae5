/**
 * Unit scope: staff see and act on their own unit's subtree; admins on the whole district.
 */
import type { Staff } from '../config/schema';
import type { CaseState } from '../domain/case-model';
import type { OrgTree } from '../domain/org-tree';
import { message } from '../i18n/message';
import { fieldProblem, problem } from './errors';

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
  if (!org.unit(requested)) throw fieldProblem('query.unit', 'field.unknownUnit');
  if (!org.isWithin(requested, root)) throw problem(403, 'forbidden', message('detail.unitOutOfScope', { unit: requested }));
  return requested;
}
