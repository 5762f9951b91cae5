/**
 * Reading a workflow's live state, with the records store as the way out. A query is answered by a
 * worker, so it fails when the workflow cannot replay (a nondeterministic deploy: every task of it
 * fails), when no worker answers in time (all down, or far behind under a burst), or when Temporal
 * itself is unreachable. None of these is the caller's fault or a reason to lose sight of a case:
 * reads answer what the store last recorded, flagged as not live, and steps answer 503 with
 * Retry-After, since a step taken on a state nobody can see could not be checked or recorded.
 */
import { QueryNotRegisteredError, type Client } from '@temporalio/client';
import type { QueryDefinition } from '@temporalio/common';
import type { Logger } from 'pino';
import type { CaseState } from '../domain/case-model';
import type { MediationState } from '../domain/mediation-model';
import type { ObligationState } from '../domain/obligation-model';
import { message } from '../i18n/message';
import { liveStateUnavailableTotal } from '../metrics/registry';
import { isExecutionGone } from '../records/after-retention';
import { storedCase, storedMediation, storedObligation } from '../records/history';
import type { RecordsStore } from '../records/store';
import { caseWorkflowId, getCaseQuery } from '../workflows/case-definitions';
import { getMediationQuery, mediationWorkflowId } from '../workflows/mediation-definitions';
import { getObligationQuery } from '../workflows/obligation-definitions';
import { isTemporalUnavailable, ProblemError } from './errors';
import type { Resource } from './resources';
import { messageProblem } from './temporal-errors';

/**
 * How long a read waits for a worker to answer a query. A healthy worker answers in milliseconds;
 * without a bound, a query to a case whose worker is down waits ~30 s for the server to give up.
 */
export const LIVE_QUERY_DEADLINE_MS = 5_000;

/** Seconds a client should wait before it retries a step on a workflow whose live state is unavailable. */
const RETRY_AFTER_SECONDS = '10';

/** Why the live state could not be read. */
export type LiveStateGap = 'unreplayable' | 'worker_unavailable' | 'server_unavailable';

/** What a read found: the live state, or the store's copy and why the live one is missing. */
export type LiveRead<T> = { state: T; live: true } | { state: T; live: false; gap: LiveStateGap };

/** Why a failed query could not read the live state, or undefined when it failed for another reason (e.g. not found). */
export function liveStateGapOf(error: unknown): LiveStateGap | undefined {
  // Our queries never throw: a failed query means the worker could not rebuild the workflow to
  // run it (the client names every INVALID_ARGUMENT from a query this way).
  if (error instanceof QueryNotRegisteredError) return 'unreplayable';
  const text = errorText(error);
  // Once a task has failed (on replay, say), the server refuses queries itself until one succeeds.
  if (/workflow task in failed state/i.test(text)) return 'unreplayable';
  if (/no poller seen|deadline exceeded|context deadline|timed out/i.test(text)) return 'worker_unavailable';
  if (isTemporalUnavailable(error)) return 'server_unavailable';
  return undefined;
}

function errorText(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    if (current instanceof Error) parts.push(current.message);
    const details = (current as { details?: unknown }).details;
    if (typeof details === 'string') parts.push(details);
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join(' | ');
}

interface LiveReadOptions<T> {
  client: Client;
  what: Resource;
  workflowId: string;
  /** The query, run under {@link LIVE_QUERY_DEADLINE_MS}. */
  query: () => Promise<T>;
  /** The store's copy, if there is a store. */
  stored: (() => Promise<T | undefined>) | undefined;
  /** Maps any other failure (not found, closed, …) to the route's problem. */
  otherwise: (error: unknown) => Error;
  logger?: Logger | undefined;
}

/**
 * The live state, or the store's copy when Temporal has deleted the execution (after retention:
 * live by definition, nothing more will happen to it) or cannot show it now (flagged not live).
 * Without a stored copy, an unavailable live state is a 503 with Retry-After, never a 500.
 */
async function readLiveState<T>(options: LiveReadOptions<T>): Promise<LiveRead<T>> {
  try {
    return { state: await options.client.withDeadline(Date.now() + LIVE_QUERY_DEADLINE_MS, options.query), live: true };
  } catch (error) {
    if (isExecutionGone(error)) {
      // A store that cannot answer either: a 503 to retry, not a 500 (nor a 404 for what may exist).
      let storeDown = false;
      const stored = await options.stored?.().catch(() => {
        storeDown = true;
        return undefined;
      });
      if (stored) return { state: stored, live: true };
      throw storeDown ? liveStateUnavailable(options.what, error) : options.otherwise(error);
    }
    const gap = liveStateGapOf(error);
    if (!gap) throw options.otherwise(error);
    liveStateUnavailableTotal.inc({ kind: options.what, reason: gap });
    // Names the workflow, so an operator can find it, check it with the replayer and reset it (README, "Operations").
    options.logger?.error({ workflowId: options.workflowId, kind: options.what, gap, err: error }, 'live state unavailable');
    const stored = await options.stored?.().catch(() => undefined);
    if (stored) return { state: stored, live: false, gap };
    // Temporal itself down (server_unavailable) keeps its own answer: "the workflow service cannot be reached".
    throw gap === 'server_unavailable' ? options.otherwise(error) : liveStateUnavailable(options.what, error);
  }
}

/** The state each read route answers with, by kind. */
export interface StateOf {
  case: CaseState;
  mediation: MediationState;
  obligation: ObligationState;
}

/** Where one kind's state is read: its workflow id for an id, the query that answers it, the store's copy. */
interface StateSource<T> {
  workflowId: (id: string) => string;
  query: QueryDefinition<T>;
  stored: (store: RecordsStore, id: string) => Promise<T | undefined>;
}

const SOURCES: { [K in keyof StateOf]: StateSource<StateOf[K]> } = {
  case: { workflowId: caseWorkflowId, query: getCaseQuery, stored: storedCase },
  mediation: { workflowId: mediationWorkflowId, query: getMediationQuery, stored: storedMediation },
  // An obligation's id is its workflow id (obligationIdFor).
  obligation: { workflowId: (id) => id, query: getObligationQuery, stored: storedObligation },
};

/** What {@link readState} reads through: Temporal, the records store when there is one, the log. */
export interface StateReadDeps {
  client: Client;
  records?: RecordsStore | undefined;
  logger?: Logger | undefined;
}

/**
 * The state of the case, mediation or obligation `id` for a read route: the workflow's query, else
 * the records store's copy (see {@link readLiveState}); any other failure is the kind's problem
 * (404 naming it, 409 closed, 503 when Temporal cannot be reached). Access is the route's to judge.
 */
export function readState<K extends keyof StateOf>(deps: StateReadDeps, what: K, id: string): Promise<LiveRead<StateOf[K]>> {
  const source: StateSource<StateOf[K]> = SOURCES[what];
  const workflowId = source.workflowId(id);
  const records = deps.records;
  return readLiveState({
    client: deps.client,
    what,
    workflowId,
    query: () => deps.client.workflow.getHandle(workflowId).query(source.query),
    stored: records && (() => source.stored(records, id)),
    otherwise: (error) => messageProblem(error, what),
    logger: deps.logger,
  });
}

/** 503 with Retry-After: the step cannot be taken while the live state is unavailable. */
export function liveStateUnavailable(what: Resource, cause?: unknown): ProblemError {
  return new ProblemError(503, 'unavailable', message('detail.liveStateUnavailable', { what }), undefined, { 'Retry-After': RETRY_AFTER_SECONDS }, { cause });
}

/** What a read tells its caller besides the state: nothing when live, else that the state is the store's. */
export function liveStateNote(read: LiveRead<unknown>): { liveState?: { available: false; reason: LiveStateGap } } {
  return read.live ? {} : { liveState: { available: false, reason: read.gap } };
}
