/**
 * Sends a workflow's events to the records store, in order, off the critical path. Events are
 * queued and written by one background loop, one `recordEvents` activity at a time, so the
 * workflow never awaits the store on its timer path: a store outage delays records (the activity
 * retries until the store is back, then the queue catches up) and never an escalation.
 *
 * Deterministic: the queue lives in workflow state, the loop is driven by activity results only.
 * Whatever is not yet confirmed when the run continues-as-new is carried into the next run
 * ({@link Recorder.unconfirmed}); writing an event twice is harmless (keyed by workflow id + seq).
 */
import { condition, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import type { Activities } from '../activities';
import type { RecordBatch, RecordEvent, RecordKind } from '../records/events';

/**
 * Retried without a limit on attempts: an event must reach the store however long it is down.
 * The interval grows to five minutes, so a long outage costs a few history events an hour.
 */
const { recordEvents } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/** How long a run about to continue-as-new waits for its queue to be written (see {@link Recorder.settle}). */
export const RECORDS_SETTLE_LIMIT: Duration = '10 seconds';

/** A timeline entry as the event the store records for it (the entry itself is the data). */
export function recordEventOf(entry: { seq: number; type: string; at: string }): RecordEvent {
  return { seq: entry.seq, type: entry.type, at: entry.at, data: { ...entry } };
}

/** The state the store keeps beside the events: everything but the timeline, which the events are. */
export function snapshotOf(state: { timeline: unknown }): Record<string, unknown> {
  const { timeline: _timeline, ...rest } = state;
  return rest;
}

/** Unconfirmed events of the run before; the whole timeline if that run did not record at all. */
export function carriedRecordsOf(
  carried: { records?: RecordEvent[] | undefined } | undefined,
  timeline: readonly { seq: number; type: string; at: string }[],
): RecordEvent[] {
  if (!carried) return [];
  if (carried.records !== undefined) return carried.records;
  return timeline.map(recordEventOf);
}

/** Events per activity call: bounds the payload when a long outage has queued many. */
const MAX_BATCH = 100;

export class Recorder {
  private readonly queue: RecordEvent[];
  private inFlight: RecordEvent[] = [];
  private running = false;
  /** Set before continue-as-new: no new batch starts, so none is left in flight by the closing run. */
  private paused = false;
  private idle: Promise<void> = Promise.resolve();

  /**
   * @param kind what the workflow is
   * @param snapshot the current state to store beside the events (read when a batch is sent)
   * @param carried events a previous run had not yet had confirmed
   */
  constructor(
    private readonly kind: RecordKind,
    private readonly snapshot: () => Record<string, unknown>,
    carried: readonly RecordEvent[] = [],
  ) {
    this.queue = [...carried];
    if (this.queue.length > 0) this.kick();
  }

  /** Queues an event; returns at once. */
  add(event: RecordEvent): void {
    this.queue.push(event);
    this.kick();
  }

  /** Events not yet confirmed written (in flight or queued), oldest first: carried across continue-as-new. */
  unconfirmed(): RecordEvent[] {
    return [...this.inFlight, ...this.queue];
  }

  /**
   * Before continue-as-new: starts no new batch and gives the one in flight a short while to be
   * written, so with a healthy store the closing run leaves no activity behind; during an outage
   * the run moves on after `limit` and the next run carries what is left. Never longer than
   * `limit`: the main loop, and with it the escalation timers, waits meanwhile.
   */
  async settle(limit: Duration): Promise<void> {
    this.paused = true;
    if (this.inFlight.length > 0) await condition(() => this.inFlight.length === 0, limit);
  }

  /** Resolves once every queued event is written (before the workflow completes). */
  async drain(): Promise<void> {
    while (this.running) await this.idle;
  }

  private kick(): void {
    if (this.running) return;
    this.running = true;
    this.idle = this.flush();
  }

  private async flush(): Promise<void> {
    // One microtask hop: the step that queued the event finishes its synchronous changes first,
    // so the state sent with the batch includes them (e.g. a referral set right after its entry).
    await Promise.resolve();
    while (this.queue.length > 0 && !this.paused) {
      this.inFlight = this.queue.splice(0, MAX_BATCH);
      const batch: RecordBatch = { kind: this.kind, workflowId: workflowInfo().workflowId, events: this.inFlight, state: this.snapshot() };
      try {
        await recordEvents(batch);
      } catch (error) {
        // Only cancellation ends the retries. Logged, not fatal: a case's or mediation's timeline can
        // still be written from its query (`npm run records:drift -- --backfill`).
        log.error('events not recorded', { kind: this.kind, seqs: this.inFlight.map((event) => event.seq), error: String(error) });
      }
      this.inFlight = [];
    }
    this.running = false;
  }
}
