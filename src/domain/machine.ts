/**
 * The shape every entity machine shares (case, mediation, obligation): a pure step from a state and
 * an event to the next state and the effects the workflow shell must carry out, in order.
 */
import { produce, type Draft } from 'immer';
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

/** What one step of a machine works on. */
export interface StepContext<State, Effect> {
  /** The next state, as a draft the transition changes. */
  draft: Draft<State>;
  /** The state before the step: plain values, safe to hand on in effects (a draft is not). */
  before: State;
  /** The effects listed so far, in the order the shell must carry them out. */
  effects: Effect[];
  nowMs: number;
}

/**
 * Runs one transition on a draft of `state` and returns the next state with the effects it listed.
 * Nothing changed → the very same `state` object, which is how the shell knows not to wake.
 */
export function transition<State, Effect>(state: State, nowMs: number, apply: (step: StepContext<State, Effect>) => void): Transition<State, Effect> {
  const effects: Effect[] = [];
  const next = produce(state, (draft: Draft<State>) => {
    apply({ draft, before: state, effects, nowMs });
  });
  return { state: next, effects };
}

/** The working copy of one step, for a machine written as a class of transitions. */
export abstract class MachineStep<State, Effect> {
  protected readonly run: Draft<State>;
  protected readonly before: State;
  protected readonly effects: Effect[];
  protected readonly now: number;

  constructor(step: StepContext<State, Effect>) {
    this.run = step.draft;
    this.before = step.before;
    this.effects = step.effects;
    this.now = step.nowMs;
  }
}

/** An instant as the ISO string timelines and records carry. */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
