/**
 * Who may see what through the API, in one place. Staff see and act on the subtree of each unit
 * they hold a post in (one person may hold several: a grid worker covering two grids), admins on
 * the whole district; the directory's admin API is narrower, the subtrees of admin posts only.
 * Contact details (phones) are shown in full only to whoever may need to call.
 *
 * These rules decide reads and the checks a route makes before it sends anything. Whether a step
 * is allowed is the workflow's own rule (src/domain/case-rules.ts and its siblings), judged on the
 * actor and the state the workflow holds, so no API process can allow a step its state forbids.
 */
import type { CaseState } from '../domain/case-model';
import { postsOf } from '../domain/directory-rules';
import type { MediationState } from '../domain/mediation-model';
import type { ObligationState } from '../domain/obligation-model';
import type { OrgTree } from '../domain/org-tree';
import type { Staff, Unit } from '../domain/org-types';
import type { Role } from '../domain/vocabulary';
import { message } from '../i18n/message';
import type { Principal } from './auth';
import { fieldProblem, problem } from './errors';

/** A caller who signed in: a staff member or an integration (residents reach only their own case, by token). */
export type Caller = Exclude<Principal, { kind: 'anonymous' }>;

/** True when one of the staff member's posts has one of `roles`. */
export function holdsRole(staff: Staff, roles: readonly Role[]): boolean {
  return postsOf(staff).some((post) => roles.includes(post.role));
}

/** True for a supervisor or an admin (in any post): who creates and reassigns duties. */
export function isSupervisor(staff: Staff): boolean {
  return holdsRole(staff, ['supervisor', 'admin']);
}

/** The units the staff member holds a post in, their own first. */
export function postUnitsOf(staff: Staff): string[] {
  return [...new Set(postsOf(staff).map((post) => post.unit))];
}

/** The roots of the subtrees the staff member sees: the district for an admin, else each post's unit. */
export function scopeRootsOf(staff: Staff, org: OrgTree): string[] {
  return holdsRole(staff, ['admin']) ? [org.root.id] : postUnitsOf(staff);
}

/** True when `unitId` lies in the subtree of one of `roots`. */
export function isWithinAny(org: OrgTree, roots: readonly string[], unitId: string): boolean {
  return roots.some((root) => org.isWithin(unitId, root));
}

/** True when `unitId` lies in the staff member's scope. */
export function isInScope(staff: Staff, org: OrgTree, unitId: string): boolean {
  return isWithinAny(org, scopeRootsOf(staff, org), unitId);
}

/** Every unit of the staff member's scope, in the tree's order. */
export function unitsInScope(staff: Staff, org: OrgTree): Unit[] {
  const roots = scopeRootsOf(staff, org);
  return org.allUnits().filter((unit) => isWithinAny(org, roots, unit.id));
}

/** True when another staff member holds some post in the caller's scope (for naming an assignee or obligee). */
export function holdsPostInScope(staff: Staff, org: OrgTree, other: Staff): boolean {
  return postUnitsOf(other).some((unitId) => isInScope(staff, org, unitId));
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
  if (!isWithinAny(org, roots, requested)) throw problem(403, 'forbidden', message('detail.unitOutOfScope', { unit: requested }));
  return requested;
}

/** The units of the staff member's admin posts: the subtrees the directory's admin API lets them change (none for a non-admin). */
export function adminRootsOf(staff: Staff): string[] {
  return postsOf(staff)
    .filter((post) => post.role === 'admin')
    .map((post) => post.unit);
}

/** True when the staff member may read the case: an admin, its assignee, or staff of a unit on its ladder. */
export function staffCanSeeCase(staff: Staff, state: CaseState): boolean {
  const units = postUnitsOf(staff);
  return holdsRole(staff, ['admin']) || state.assigneeId === staff.id || state.ladder.some((rung) => units.includes(rung.unitId));
}

/** True when the integration submitted the case: it reads the cases it brought, no others. */
export function integrationSubmittedCase(integrationId: string, state: CaseState): boolean {
  return state.submittedBy.kind === 'integration' && state.submittedBy.id === integrationId;
}

/**
 * True when the resident's phone is shown in full: to who works the case now (its assignee, staff
 * of the unit holding it, an admin), who may need to call; supervisors above and integrations need not.
 */
export function revealsCaseContact(principal: Principal, state: CaseState): boolean {
  if (principal.kind !== 'staff') return false;
  const { staff } = principal;
  return staff.id === state.assigneeId || postUnitsOf(staff).includes(state.unitId) || holdsRole(staff, ['admin']);
}

/** True when the caller may read the mediation: staff of a committee on its ladder, its mediator, an admin, or the parties' integration. */
export function canSeeMediation(caller: Caller, state: MediationState): boolean {
  if (caller.kind === 'integration') return state.partyIntegrationId === caller.integration.id;
  const { staff } = caller;
  const units = postUnitsOf(staff);
  return holdsRole(staff, ['admin']) || state.mediatorId === staff.id || state.ladder.some((rung) => units.includes(rung.unitId));
}

/** True when the parties' phones are shown in full: to the mediator, supervisors, admins and the integration, who may need to call. */
export function revealsMediationContact(caller: Caller, state: MediationState): boolean {
  if (caller.kind === 'integration') return true;
  return holdsRole(caller.staff, ['admin', 'supervisor']) || caller.staff.id === state.mediatorId;
}

/** True when the staff member may read the obligation: it is theirs, or its unit or its holder's unit is in their scope. */
export function staffCanSeeObligation(staff: Staff, org: OrgTree, state: ObligationState): boolean {
  return state.obligeeId === staff.id || isInScope(staff, org, state.unitId) || isInScope(staff, org, state.obligeeUnitId);
}
