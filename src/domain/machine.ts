/**
 * The shape every entity machine shares (case, mediation, obligation): a pure step from a state and
 * an event to the next state and the effects the workflow shell must carry out, in order.
 */
import type { SearchIndex } from './search-index';

/** What one step of a machine produced. `state` is the input state itself when nothing changed. */
export interface Transition<State, Effect> {
  state: State;
  effects: Effect[];
}

/** A machine's step: pure, so it is unit-tested without a Temporal server and replays the same. */
export type Step<State, Event, Effect> = (state: State, event: Event, nowMs: number) => Transition<State, Effect>;

/** Effects all three machines emit; each machine adds its own. */
export type CommonEffect<Entry, Request> =
  /** Write an entry to the records store (queued, off the critical path). */
  | { type: 'record'; entry: Entry }
  /** Send a notification now, without waiting for it. */
  | { type: 'notify'; request: Request }
  /** Bring the search attributes up to date with these values. */
  | { type: 'index'; index: SearchIndex };

/** The earliest of a state's timers, or undefined when none runs. */
export function earliest(timers: readonly { atMs: number }[]): number | undefined {
  return timers.length > 0 ? Math.min(...timers.map((timer) => timer.atMs)) : undefined;
}

/**
 * Input a machine cannot start from (a ladder without its first rung, too few parties). The
 * workflow turns it into a non-retryable failure: retrying the same input cannot help.
 */
export class InvalidEntityInput extends Error {}
