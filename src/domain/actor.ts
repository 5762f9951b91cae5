/**
 * Who did something, as every timeline, refusal and notification records it. In a module of its
 * own because cases, mediations and obligations all name actors, and the models of each import
 * one another's inputs: the actor must come from below all of them.
 */
import type { Role } from './vocabulary';

/**
 * Who did something. Residents and integrations are identified by the case, not by a person. A
 * staff member acts with their first post's role and unit; `posts` lists every post when they hold
 * more than one (absent in older histories, which therefore decide as they did).
 */
export type Actor =
  | { kind: 'staff'; id: string; role: Role; unitId: string; posts?: readonly { unitId: string; role: Role }[] | undefined }
  | { kind: 'resident' }
  | { kind: 'integration'; id: string }
  | { kind: 'system' };
