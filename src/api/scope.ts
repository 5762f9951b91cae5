/**
 * Unit scope: staff see and act on the subtree of each unit they hold a post in (one person may
 * hold several: a grid worker covering two grids); admins on the whole district.
 */
import type { Staff } from '../config/schema';
import type { CaseState } from '../domain/case-model';
import { postsOf } from '../domain/directory-rules';
import type { OrgTree } from '../domain/org-tree';
import type { Role } from '../domain/vocabulary';
import { message } from '../i18n/message';
import { fieldProblem, problem } from './errors';

/** True when one of the staff member's posts has one of `roles`. */
export function holdsRole(staff: Staff, roles: readonly Role[]): boolean {
  return postsOf(staff).some((post) => roles.includes(post.role));
}

/** The units the staff member holds a post in, their own first. */
export function postUnitsOf(staff: Staff): string[] {
  return [...new Set(postsOf(staff).map((post) => post.unit))];
}

/** The roots of the subtrees the staff member sees: the district for an admin, else each post's unit. */
export function scopeRootsOf(staff: Staff, org: OrgTree): string[] {
  return holdsRole(staff, ['admin']) ? [org.root.id] : postUnitsOf(staff);
}

/** True when `unitId` lies in the staff member's scope. */
export function isInScope(staff: Staff, org: OrgTree, unitId: string): boolean {
  return scopeRootsOf(staff, org).some((root) => org.isWithin(unitId, root));
}

/** True when another staff member holds some post in the caller's scope (for naming an assignee or obligee). */
export function holdsPostInScope(staff: Staff, org: OrgTree, other: Staff): boolean {
  return postUnitsOf(other).some((unitId) => isInScope(staff, org, unitId));
}

/** True when the staff member may read the case. */
export function staffCanSeeCase(staff: Staff, state: CaseState): boolean {
  const units = postUnitsOf(staff);
  return holdsRole(staff, ['admin']) || state.assigneeId === staff.id || state.ladder.some((rung) => units.includes(rung.unitId));
}

/**
 * The subtree a listing covers: the requested unit if it lies in the caller's scope (403 if not,
 * 422 if unknown), else the caller's first post's unit (the district for an admin). Someone with
 * several posts lists each by asking for it (`GET /me` names their scopes).
 */
export function scopedUnit(staff: Staff, org: OrgTree, requested: string | undefined): string {
  const roots = scopeRootsOf(staff, org);
  if (requested === undefined) return roots[0]!;
  if (!org.unit(requested)) throw fieldProblem('query.unit', 'field.unknownUnit');
  if (!roots.some((root) => org.isWithin(requested, root))) throw problem(403, 'forbidden', message('detail.unitOutOfScope', { unit: requested }));
  return requested;
}
