/**
 * Who may do what to a contact obligation, and when a logged contact is acceptable.
 */
import { actsIn, holdsRole } from './actor-posts';
import type { Actor } from './case-model';
import type { ContactChannel, ObligationState } from './obligation-model';
import { conflict, forbidden, type Refusal } from './refusal';

/** Clock skew tolerated between a phone and the server for "now". */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

/** A refusal of an obligation step (the same shape as every other refusal). */
export type ObligationRefusal = Refusal;

/** Staff who supervise the obligation: admins, and supervisors with a post on its units. */
export function supervisesObligation(actor: Actor, units: readonly string[]): boolean {
  return actor.kind === 'staff' && (holdsRole(actor, ['admin']) || actsIn(actor, units, ['supervisor']));
}

/** A contact may be logged by the obligee (or a supervisor on their behalf), in the open period, not in the future. */
export function checkContact(
  state: ObligationState,
  units: readonly string[],
  contact: { at: string; channel: ContactChannel },
  actor: Actor,
  nowMs: number,
): ObligationRefusal | undefined {
  if (state.status === 'ended') return conflict('refusal.obligationEnded');
  if (!(actor.kind === 'staff' && actor.id === state.obligeeId) && !supervisesObligation(actor, units)) {
    return forbidden('refusal.contactActor');
  }
  const at = Date.parse(contact.at);
  if (Number.isNaN(at)) return conflict('refusal.contactTimeInvalid');
  if (at > nowMs + FUTURE_TOLERANCE_MS) return conflict('refusal.contactInFuture');
  if (at < Date.parse(state.current.startAt)) {
    return conflict('refusal.contactBeforePeriod', { period: state.current.key, startAt: state.current.startAt });
  }
  return undefined;
}

/** Changing the obligee or ending the obligation is for its supervisors. */
export function checkSupervisorAction(state: ObligationState, units: readonly string[], actor: Actor): ObligationRefusal | undefined {
  if (state.status === 'ended') return conflict('refusal.obligationEnded');
  if (!supervisesObligation(actor, units)) return forbidden('refusal.obligationSupervisorOnly');
  return undefined;
}
