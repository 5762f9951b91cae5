/**
 * The posts a staff actor acts from: one person may hold several (a grid worker covering two
 * grids, a secretary who is also on duty), under one sign-in. Workflow rules ask these instead of
 * the actor's single unit, so a step is allowed from any post. Pure and sandbox-safe.
 */
import type { Actor } from './actor';
import type { Role } from './vocabulary';

type StaffActor = Extract<Actor, { kind: 'staff' }>;

/** Every post of the actor; an actor recorded before posts existed has the one of its unit and role. */
export function actorPosts(actor: StaffActor): readonly { unitId: string; role: Role }[] {
  return actor.posts && actor.posts.length > 0 ? actor.posts : [{ unitId: actor.unitId, role: actor.role }];
}

/** True when the actor holds a post in one of `unitIds` (with one of `roles`, when given). */
export function actsIn(actor: StaffActor, unitIds: readonly string[], roles?: readonly Role[]): boolean {
  return actorPosts(actor).some((post) => unitIds.includes(post.unitId) && (roles === undefined || roles.includes(post.role)));
}

/** True when any of the actor's posts has one of `roles` (an admin anywhere, say). */
export function holdsRole(actor: StaffActor, roles: readonly Role[]): boolean {
  return actorPosts(actor).some((post) => roles.includes(post.role));
}
