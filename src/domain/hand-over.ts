/**
 * The hand-over of a leaver's work: what it is asked to do, where it stands, and the pure rules
 * that plan it — which items are due for an attempt, how long a failed one waits, when the listing
 * and the whole hand-over are done, and which mediator takes a mediation. The workflow
 * (src/workflows/hand-over.ts) is a thin shell over these; sandbox-safe, so it imports them.
 */
import type { Actor } from './case-model';
import type { Role } from './vocabulary';

/** The kinds of open work a staff member can hold, in the order a hand-over lists them. */
export const HAND_OVER_KINDS = ['case', 'mediation', 'obligation'] as const;
export type HandOverKind = (typeof HAND_OVER_KINDS)[number];

/** One item of the leaver's open work. */
export interface HandOverItemRef {
  kind: HandOverKind;
  id: string;
}

/**
 * Why an item was definitively left as it is (nothing to hand over):
 * - `closed`: the case, mediation or obligation has ended;
 * - `already_held`: the successor holds it already (a retried attempt after the change went through);
 * - `not_held`: someone other than the leaver and the successor holds it now;
 * - `in_mediation`: a case whose work is its mediation (that is handed over on its own);
 * - `not_found`: Temporal has no such execution (deleted after its retention, so closed);
 * - `refused`: the entity's workflow refused the change for good (the refusal key is in `detail`).
 */
export const HAND_OVER_SKIP_REASONS = ['closed', 'already_held', 'not_held', 'in_mediation', 'not_found', 'refused'] as const;
export type HandOverSkipReason = (typeof HAND_OVER_SKIP_REASONS)[number];

/**
 * Why an item cannot be handed over yet, and is tried again at `retryAt`:
 * - `awaiting_confirmation`: a resolved case waits for its resident, and a reopened case returns to
 *   its assignee, so it is handed over once the window ends (reopened) or skipped (closed);
 * - `no_mediator`: no mediator of the committee holding the mediation can take it (hourly retry,
 *   so a mediator added to the committee takes it; the mediation's timeline says so meanwhile).
 */
export const HAND_OVER_WAIT_REASONS = ['awaiting_confirmation', 'no_mediator'] as const;
export type HandOverWaitReason = (typeof HAND_OVER_WAIT_REASONS)[number];

/** What one attempt at one item came to (a thrown activity is a failure, see `applyFailure`). */
export type HandOverOutcome =
  | { status: 'handed'; to: string }
  | { status: 'skipped'; reason: HandOverSkipReason; to?: string | undefined; detail?: string | undefined }
  | { status: 'waiting'; reason: HandOverWaitReason; until?: string | undefined };

export type HandOverItemStatus = 'pending' | 'handed' | 'skipped' | 'waiting' | 'failed';

/** An item and where its hand-over stands. */
export interface HandOverItem extends HandOverItemRef {
  status: HandOverItemStatus;
  /** Who holds it after the hand-over (handed, already_held). */
  to?: string | undefined;
  /** The skip or wait reason code, or the last failure's message. */
  reason?: string | undefined;
  /** A refusal's catalog key, for `refused`. */
  detail?: string | undefined;
  /** Attempts made so far (one per activity run to its end, retries inside it not counted). */
  attempts: number;
  /** When the last attempt ended. */
  at?: string | undefined;
  /** When a waiting or failed item is tried again. */
  retryAt?: string | undefined;
}

/** What an admin asks for (`POST /admin/staff/:staffId/deactivate`). */
export interface HandOverInput {
  leaverId: string;
  /** Exactly one of `successorId` and `returnToUnitId`. */
  successorId?: string | undefined;
  /** The unit whose duty officer takes the work. */
  returnToUnitId?: string | undefined;
  /** The admin who asked: the actor of every step on every item. */
  requestedBy: Actor;
  reason?: string | undefined;
}

/** Where a directory refusal names its problems (the same shape as DirectoryProblem of the port). */
export interface HandOverProblem {
  field: string;
  key: string;
  values?: Readonly<Record<string, string | number>> | undefined;
}

/** The stages of a hand-over. */
export type HandOverStage = 'deactivating' | 'handing_over' | 'waiting' | 'completed' | 'refused';

/** The position in the listing of the leaver's open work: kind by kind, by id, pass after pass. */
export interface HandOverListing {
  kind: HandOverKind;
  /** Id after which the next page starts. */
  after?: string | undefined;
  /** Passes start at 1; another pass follows one that found new items (records written late). */
  pass: number;
  foundInPass: number;
  done: boolean;
}

/** The hand-over's progress, as the `getHandOver` query answers it and the records it carries over. */
export interface HandOverProgress {
  id: string;
  leaverId: string;
  requested: { successorId?: string | undefined; returnToUnitId?: string | undefined };
  /** Who takes the work: the successor, or the duty officer of `returnToUnitId` (from the directory). */
  successorId?: string | undefined;
  requestedBy: Actor;
  reason?: string | undefined;
  stage: HandOverStage;
  startedAt: string;
  deactivatedAt?: string | undefined;
  completedAt?: string | undefined;
  directoryVersion?: number | undefined;
  /** True when the directory had deactivated the leaver already (a repeated or resumed request). */
  alreadyInactive?: boolean | undefined;
  /** Why the directory refused the deactivation (stage `refused`). */
  problems?: HandOverProblem[] | undefined;
  listing: HandOverListing;
  items: HandOverItem[];
  counts: Record<HandOverItemStatus, number>;
  /** Workflow runs so far (continue-as-new keeps the history of a large hand-over bounded). */
  runs: number;
}

/** A staff member as the directory knows them, for the choice of mediator. */
export interface HandOverStaff {
  id: string;
  role: Role;
  unitId: string;
}

const MINUTE = 60_000;
/** A failed item waits 1 minute, then 2, 4, … up to an hour between attempts: an outage is waited out. */
const FIRST_RETRY_MS = MINUTE;
const LONGEST_RETRY_MS = 60 * MINUTE;
/** A waiting item with no time of its own to wait for (a mediation without a mediator) is looked at again hourly. */
export const WAIT_RETRY_MS = 60 * MINUTE;
/** A resolved case is looked at again a little after its confirmation window ends, once it has closed or reopened. */
export const AFTER_CONFIRMATION_MS = MINUTE;

/**
 * When a waiting item is tried again: at the instant it waits for (an activity reads it from the
 * item's state, e.g. a case's `confirmBy`), but never sooner than a minute from now on the
 * workflow's clock, and hourly when it waits for no instant: no clock but the workflow's decides.
 */
function waitUntilMs(outcome: Extract<HandOverOutcome, { status: 'waiting' }>, atMs: number): number {
  const until = outcome.until === undefined ? Number.NaN : Date.parse(outcome.until);
  return Number.isNaN(until) ? atMs + WAIT_RETRY_MS : Math.max(until, atMs + MINUTE);
}

const iso = (ms: number) => new Date(ms).toISOString();
const keyOf = (ref: HandOverItemRef) => `${ref.kind}:${ref.id}`;

/** A new hand-over, before the directory is asked. */
export function newHandOver(id: string, input: HandOverInput, startedAtMs: number): HandOverProgress {
  return {
    id,
    leaverId: input.leaverId,
    requested: { successorId: input.successorId, returnToUnitId: input.returnToUnitId },
    requestedBy: input.requestedBy,
    reason: input.reason,
    stage: 'deactivating',
    startedAt: iso(startedAtMs),
    listing: { kind: HAND_OVER_KINDS[0], pass: 1, foundInPass: 0, done: false },
    items: [],
    counts: { pending: 0, handed: 0, skipped: 0, waiting: 0, failed: 0 },
    runs: 1,
  };
}

function recount(progress: HandOverProgress): void {
  const counts: Record<HandOverItemStatus, number> = { pending: 0, handed: 0, skipped: 0, waiting: 0, failed: 0 };
  for (const item of progress.items) counts[item.status]++;
  progress.counts = counts;
}

/** Adds the items of a listed page that the hand-over does not know yet; returns how many were new. */
export function addListed(progress: HandOverProgress, refs: readonly HandOverItemRef[]): number {
  const known = new Set(progress.items.map(keyOf));
  let added = 0;
  for (const ref of refs) {
    if (known.has(keyOf(ref))) continue;
    known.add(keyOf(ref));
    progress.items.push({ kind: ref.kind, id: ref.id, status: 'pending', attempts: 0 });
    added++;
  }
  progress.listing.foundInPass += added;
  recount(progress);
  return added;
}

/**
 * Moves the listing on after a page: to the page's `next` id, else to the next kind, else — at the
 * end of a pass — to another pass if this one found anything new, else it is done. The records
 * store's rows follow a workflow within moments, so a second pass catches what was written late.
 */
export function advanceListing(progress: HandOverProgress, next: string | undefined): void {
  const listing = progress.listing;
  if (next !== undefined) {
    listing.after = next;
    return;
  }
  const kindIndex = HAND_OVER_KINDS.indexOf(listing.kind);
  const nextKind = HAND_OVER_KINDS[kindIndex + 1];
  if (nextKind) {
    progress.listing = { ...listing, kind: nextKind, after: undefined };
    return;
  }
  progress.listing =
    listing.foundInPass > 0 ? { kind: HAND_OVER_KINDS[0], pass: listing.pass + 1, foundInPass: 0, done: false } : { ...listing, after: undefined, done: true };
}

/** Items due for an attempt at `nowMs`, in listing order: new ones, then waiting or failed ones whose time has come. */
export function dueItems(progress: HandOverProgress, nowMs: number, limit: number): HandOverItem[] {
  const due: HandOverItem[] = [];
  for (const item of progress.items) {
    if (due.length >= limit) break;
    const retryDue = (item.status === 'failed' || item.status === 'waiting') && item.retryAt !== undefined && Date.parse(item.retryAt) <= nowMs;
    if (item.status === 'pending' || retryDue) due.push(item);
  }
  return due;
}

function itemOf(progress: HandOverProgress, ref: HandOverItemRef): HandOverItem {
  const item = progress.items.find((candidate) => candidate.kind === ref.kind && candidate.id === ref.id);
  if (!item) throw new Error(`no item ${keyOf(ref)} in hand-over ${progress.id}`);
  return item;
}

/** Records what an attempt came to. */
export function applyOutcome(progress: HandOverProgress, ref: HandOverItemRef, outcome: HandOverOutcome, atMs: number): HandOverItem {
  const item = itemOf(progress, ref);
  item.attempts++;
  item.at = iso(atMs);
  item.status = outcome.status;
  item.to = outcome.status === 'waiting' ? undefined : outcome.to;
  item.reason = outcome.status === 'handed' ? undefined : outcome.reason;
  item.detail = outcome.status === 'skipped' ? outcome.detail : undefined;
  item.retryAt = outcome.status === 'waiting' ? iso(waitUntilMs(outcome, atMs)) : undefined;
  recount(progress);
  return item;
}

/** How long an item waits after its `attempts`-th failed attempt. */
export function retryDelayMs(attempts: number): number {
  return Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1));
}

/** Records a failed attempt (the activity gave up after its own retries): the item is tried again later, never dropped. */
export function applyFailure(progress: HandOverProgress, ref: HandOverItemRef, reason: string, atMs: number): HandOverItem {
  const item = itemOf(progress, ref);
  item.attempts++;
  item.at = iso(atMs);
  item.status = 'failed';
  item.reason = reason;
  item.detail = undefined;
  item.retryAt = iso(atMs + retryDelayMs(item.attempts));
  recount(progress);
  return item;
}

/** The earliest time a waiting or failed item is due, or undefined when none waits. */
export function nextRetryAt(progress: HandOverProgress): number | undefined {
  let earliest: number | undefined;
  for (const item of progress.items) {
    if ((item.status !== 'failed' && item.status !== 'waiting') || item.retryAt === undefined) continue;
    const at = Date.parse(item.retryAt);
    if (earliest === undefined || at < earliest) earliest = at;
  }
  return earliest;
}

/** Done when the listing is complete and every item is handed over or definitively skipped. */
export function isComplete(progress: HandOverProgress): boolean {
  return progress.listing.done && progress.items.every((item) => item.status === 'handed' || item.status === 'skipped');
}

/**
 * Who takes a mediation whose mediator leaves. A mediator must be a `mediator` of the committee now
 * holding the dispute (People's Mediation Law: the committee's own mediators), so: the successor
 * when they are one; otherwise another mediator of that committee (the first by id, so a retried
 * attempt picks the same person); otherwise nobody, and the mediation waits for one.
 */
export function mediatorFor(
  successor: HandOverStaff | undefined,
  committeeUnitId: string,
  committee: readonly HandOverStaff[],
  leaverId: string,
): HandOverStaff | undefined {
  const isMediatorHere = (person: HandOverStaff) => person.role === 'mediator' && person.unitId === committeeUnitId && person.id !== leaverId;
  if (successor && isMediatorHere(successor)) return successor;
  return [...committee].filter(isMediatorHere).sort((a, b) => a.id.localeCompare(b.id))[0];
}
