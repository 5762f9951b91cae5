/**
 * Who may do what to a contact obligation, and when a logged contact is acceptable.
 */
import type { Actor } from './case-model';
import type { ContactChannel, ObligationState } from './obligation-model';

/** Clock skew tolerated between a phone and the server for "now". */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

export interface ObligationRefusal {
  code: 'conflict' | 'forbidden';
  reason: string;
}

/** Staff who supervise the obligation: supervisors and admins on its units. */
export function supervisesObligation(actor: Actor, units: readonly string[]): boolean {
  return actor.kind === 'staff' && (actor.role === 'admin' || (actor.role === 'supervisor' && units.includes(actor.unitId)));
}

/** A contact may be logged by the obligee (or a supervisor on their behalf), in the open period, not in the future. */
export function checkContact(
  state: ObligationState,
  units: readonly string[],
  contact: { at: string; channel: ContactChannel },
  actor: Actor,
  nowMs: number,
): ObligationRefusal | undefined {
  if (state.status === 'ended') return { code: 'conflict', reason: 'the obligation has ended' };
  if (!(actor.kind === 'staff' && actor.id === state.obligeeId) && !supervisesObligation(actor, units)) {
    return { code: 'forbidden', reason: 'only the obligee or their supervisor may log contacts' };
  }
  const at = Date.parse(contact.at);
  if (Number.isNaN(at)) return { code: 'conflict', reason: '`at` is not a time' };
  if (at > nowMs + FUTURE_TOLERANCE_MS) return { code: 'conflict', reason: 'a contact cannot be in the future' };
  if (at < Date.parse(state.current.startAt)) {
    return { code: 'conflict', reason: `the contact falls before the open period (${state.current.key} began ${state.current.startAt})` };
  }
  return undefined;
}

/** Changing the obligee or ending the obligation is for its supervisors. */
export function checkSupervisorAction(state: ObligationState, units: readonly string[], actor: Actor): ObligationRefusal | undefined {
  if (state.status === 'ended') return { code: 'conflict', reason: 'the obligation has ended' };
  if (!supervisesObligation(actor, units)) return { code: 'forbidden', reason: 'only a supervisor of this obligation may change it' };
  return undefined;
}
