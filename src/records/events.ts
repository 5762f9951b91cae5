/**
 * What workflows send to the records store. Type-only and free of I/O, so workflow code may import
 * it: a batch of events of one execution, keyed by workflow id + sequence number, with the
 * current state of the case, mediation or obligation when the batch was sent.
 */

/** The three kinds of work the store keeps. */
export type RecordKind = 'case' | 'mediation' | 'obligation';

/** One event: a timeline entry of a case or mediation, or an obligation's contact or period result. */
export interface RecordEvent {
  /** Position in the execution's own sequence: 1, 2, 3, ... across continue-as-new. */
  seq: number;
  /** Event type, e.g. `escalated`, `resolved`, `contact_logged`, `period_closed`. */
  type: string;
  /** When it happened (ISO 8601, UTC). */
  at: string;
  /** The whole event as the workflow shows it (the timeline entry itself for cases and mediations). */
  data: Record<string, unknown>;
}

/**
 * What one call of the `recordEvents` activity writes. Writing it twice changes nothing: events
 * are inserted once per (workflowId, seq) and the current-state row only moves forward.
 */
export interface RecordBatch {
  kind: RecordKind;
  /** Workflow id: the case, mediation or obligation id. */
  workflowId: string;
  events: RecordEvent[];
  /** Current state (for cases and mediations without their timeline, which the events carry). */
  state: Record<string, unknown>;
}
