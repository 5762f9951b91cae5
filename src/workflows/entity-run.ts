/**
 * The run loop every entity workflow shares (case, mediation, obligation): it holds the machine's
 * state, feeds it events, and carries out the effects it returns — entries to the records store,
 * notifications, search attributes — leaving to each workflow only the effects of its own kind.
 * It also owns the wake-up wait and the closing sequence before continue-as-new or completion, so
 * those are written once.
 *
 * Deterministic: effects are carried out in the order the machine lists them, notifications and
 * records are fired without awaiting them (an SMTP or store outage never holds up a deadline), and
 * time is the workflow clock.
 */
import { ApplicationFailure, allHandlersFinished, condition, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { InvalidEntityInput, type CommonEffect, type Step } from '../domain/machine';
import type { NotificationRequest } from '../domain/notification';
import type { RecordEvent, RecordKind } from '../records/events';
import { searchAttributesOf } from '../temporal/search-attributes';
import { Notifier } from './notifier';
import { Recorder, RECORDS_SETTLE_LIMIT } from './recorder';

/** Continue-as-new well before Temporal's own history limits (50k events / 50 MB). */
export const DEFAULT_HISTORY_LIMIT = 5_000;

/** The machine's opening state; input it cannot start from fails the workflow for good. */
export function openOrFail<State>(open: () => State): State {
  try {
    return open();
  } catch (error) {
    if (error instanceof InvalidEntityInput) throw ApplicationFailure.nonRetryable(error.message, error.name);
    throw error;
  }
}

/** How an entity run is wired to its machine. */
export interface EntityRunSetup<State, Event, Effect, Entry> {
  kind: RecordKind;
  state: State;
  step: Step<State, Event, Effect>;
  /**
   * Write events to the records store: false only on replay of a run from before the store
   * (`patched('records-store')`), whose history has no activities for it.
   */
  recording: boolean;
  /** Events the run before had not had confirmed. */
  carriedRecords?: readonly RecordEvent[] | undefined;
  /** The state the store keeps beside the events (read when a batch is sent). */
  snapshot: (state: State) => Record<string, unknown>;
  /** The records-store event for one of the machine's entries. */
  recordOf: (entry: Entry) => RecordEvent;
  /** Keep the custom search attributes current (off only on the time-skipping test server). */
  searchAttributes: boolean;
  /**
   * Carries out an effect of this workflow's own kind (a look-up, a child workflow, a report to a
   * parent). May send further events; a promise holds up the effects listed after it.
   */
  perform?: (effect: Exclude<Effect, CommonEffect<Entry, NotificationRequest>>) => void | Promise<void>;
}

export class EntityRun<State, Event, Effect extends { type: string }, Entry = never> {
  private current: State;
  /** Bumped on every change, so the wake-up wait ends to recompute the next timer. */
  private version = 0;
  private readonly notifier = new Notifier();
  private readonly recorder: Recorder | undefined;
  /** Other deliveries still in flight (a mediation's reports to its case). */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly setup: EntityRunSetup<State, Event, Effect, Entry>) {
    this.current = setup.state;
    this.recorder = setup.recording ? new Recorder(setup.kind, () => setup.snapshot(this.current), setup.carriedRecords ?? []) : undefined;
  }

  /** The state now (what the workflow's query answers). */
  get state(): State {
    return this.current;
  }

  /**
   * Feeds one event to the machine and carries out its effects in order. Synchronous unless an
   * effect of the workflow's own kind is asynchronous, so a synchronous Update handler stays so.
   */
  send(event: Event): void | Promise<void> {
    const { state, effects } = this.setup.step(this.current, event, Date.now());
    if (state !== this.current) {
      this.current = state;
      this.version++;
    }
    return this.carryOut(effects, 0);
  }

  /** Tracks a delivery the workflow must see through before it closes or continues-as-new. */
  track(delivery: Promise<void>): void {
    this.inFlight.add(delivery);
    void delivery.finally(() => this.inFlight.delete(delivery));
  }

  /**
   * Waits until `wakeAtMs` or until the state changes, whichever comes first. Without a time it
   * waits for a change alone; a time already passed returns undefined at once (no timer, and no
   * await: the caller goes on in the same turn, as saved histories expect), unless `atLeastMs`
   * asks for a timer even then (obligations always wait at least a millisecond).
   */
  waitForChange(wakeAtMs: number | undefined, atLeastMs?: number): Promise<unknown> | undefined {
    const seen = this.version;
    const changed = () => this.version !== seen;
    // The condition itself is returned (no .then): an extra hop would let other coroutines of the
    // same activation run first, and their commands come out in another order than in history.
    if (wakeAtMs === undefined) return condition(changed);
    if (atLeastMs !== undefined) return condition(changed, Math.max(wakeAtMs - Date.now(), atLeastMs));
    if (wakeAtMs > Date.now()) return condition(changed, wakeAtMs - Date.now());
    return undefined;
  }

  /**
   * The main loop of a case or mediation: sleeps until the next of the machine's timers (or a
   * change), lets the workflow act on what is due, and when the history is full settles and calls
   * `continueAsNew` with the records still unconfirmed. Returns once `done()`.
   */
  async runUntilDone(loop: {
    done: () => boolean;
    wakeAtMs: () => number | undefined;
    /** Acts on what is due; awaited only when it returns a promise. */
    onWake: () => void | Promise<void>;
    historyLimit: number;
    continueAsNew: (records: RecordEvent[] | undefined) => Promise<never>;
  }): Promise<void> {
    while (!loop.done()) {
      const waiting = this.waitForChange(loop.wakeAtMs());
      if (waiting) await waiting;
      const acting = loop.onWake();
      if (acting) await acting;
      if (this.historyFull(loop.historyLimit)) {
        await this.settle();
        if (loop.done()) break;
        await loop.continueAsNew(await this.handOverRecords());
      }
    }
  }

  /** True when the history is long enough (or the server asks) that the run should continue-as-new. */
  historyFull(limit: number): boolean {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength > limit;
  }

  /** Waits for every handler to finish and every notification and delivery in flight to land. */
  async settle(): Promise<void> {
    await condition(allHandlersFinished);
    await this.drain();
  }

  /**
   * Before continue-as-new: gives the records batch in flight a short while to be written and
   * returns what the next run must carry (undefined when this run does not record).
   */
  async handOverRecords(): Promise<RecordEvent[] | undefined> {
    if (!this.recorder) return undefined;
    await this.recorder.settle(RECORDS_SETTLE_LIMIT);
    return this.recorder.unconfirmed();
  }

  /** Before completing: every handler finished, every delivery landed, every event written. */
  async complete(): Promise<void> {
    await this.settle();
    await this.finishRecords();
  }

  /** Every event written to the store (after {@link settle}, before completing). */
  async finishRecords(): Promise<void> {
    await this.recorder?.drain();
  }

  private async drain(): Promise<void> {
    await Promise.all([this.notifier.drain(), ...this.inFlight]);
  }

  private carryOut(effects: readonly Effect[], from: number): void | Promise<void> {
    for (let index = from; index < effects.length; index++) {
      const pending = this.carry(effects[index]!);
      if (pending) return pending.then(() => this.carryOut(effects, index + 1));
    }
  }

  private carry(effect: Effect): void | Promise<void> {
    const common = effect as unknown as CommonEffect<Entry, NotificationRequest>;
    switch (common.type) {
      case 'record':
        this.recorder?.add(this.setup.recordOf(common.entry));
        return;
      case 'notify':
        this.notifier.send(common.request);
        return;
      case 'index':
        if (this.setup.searchAttributes) upsertSearchAttributes(searchAttributesOf(common.index));
        return;
      default:
        return this.setup.perform?.(effect as Exclude<Effect, CommonEffect<Entry, NotificationRequest>>);
    }
  }
}
