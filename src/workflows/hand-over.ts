/**
 * `handOverWorkflow`: a leaver's deactivation and the hand-over of all their open work. It
 * deactivates them in the directory first (their sign-in stops at once), then lists their open
 * cases, mediations and obligations from the records store page by page and hands each to the
 * successor through the item's own workflow, one activity per item. A failed item is tried again
 * later and never stops the others; the workflow ends only when every item is handed over or
 * definitively skipped, so a crash or an outage resumes where it left off.
 *
 * A thin shell over src/domain/hand-over.ts. Deterministic: all I/O goes through activities, every
 * time it keeps is the workflow clock at an event (the same on replay), and a large hand-over
 * continues-as-new with its progress so its history stays bounded.
 */
import { ActivityFailure, ApplicationFailure, continueAsNew, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { HandOverActivities, HandOverItemResult } from '../activities';
import {
  addListed,
  advanceListing,
  applyFailure,
  applyOutcome,
  dueItems,
  isComplete,
  newHandOver,
  nextRetryAt,
  type HandOverInput,
  type HandOverItem,
  type HandOverProblem,
  type HandOverProgress,
} from '../domain/hand-over';
import { SYSTEM_REASONS } from '../domain/system-reasons';
import { DIRECTORY_REFUSAL, getHandOverQuery } from './hand-over-definitions';
import { Notifier } from './notifier';

/**
 * The directory may be down (a store outage): retried until it answers, backing off to 5 minutes.
 * A refusal is final (DIRECTORY_REFUSAL is thrown non-retryable).
 */
const { deactivateLeaver } = proxyActivities<HandOverActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', nonRetryableErrorTypes: [DIRECTORY_REFUSAL] },
});

/** A page of the records store; retried without limit, as a store outage only delays the hand-over. */
const { listOpenWork } = proxyActivities<HandOverActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/**
 * One item: a few quick attempts (a moment's unavailability), then the item is marked failed and
 * the workflow tries it again later on its own backoff (1 minute doubling to an hour), so one stuck
 * item never holds up the rest and none is given up on.
 */
const { handOverItem } = proxyActivities<HandOverActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 3 },
});

/** Tuning; production uses the defaults. */
export interface HandOverWorkflowOptions {
  /** Items listed per records-store page (default 50). */
  pageSize?: number | undefined;
  /** Items handed over at once (default 4): separate workflows, so nothing orders them. */
  concurrency?: number | undefined;
  /** Item attempts per run before it continues-as-new (default 200). */
  itemsPerRun?: number | undefined;
  /** History length at which it continues-as-new regardless (default 5,000). */
  historyLimit?: number | undefined;
}

/** Longest failure message kept per item: enough to say what broke, small enough to carry over. */
const MAX_REASON_LENGTH = 300;

function failureReason(error: ActivityFailure): string {
  const text = error.cause?.message ?? error.message;
  return text.length > MAX_REASON_LENGTH ? `${text.slice(0, MAX_REASON_LENGTH - 1)}…` : text;
}

export async function handOverWorkflow(input: HandOverInput, carried?: HandOverProgress, options: HandOverWorkflowOptions = {}): Promise<HandOverProgress> {
  const progress: HandOverProgress = carried ? { ...carried, runs: carried.runs + 1 } : newHandOver(workflowInfo().workflowId, input, Date.now());
  const notifier = new Notifier();
  const pageSize = options.pageSize ?? 50;
  const concurrency = options.concurrency ?? 4;
  const itemsPerRun = options.itemsPerRun ?? 200;
  const historyLimit = options.historyLimit ?? 5_000;
  setHandler(getHandOverQuery, () => progress);

  async function deactivate(): Promise<void> {
    const actorId = input.requestedBy.kind === 'staff' ? input.requestedBy.id : input.requestedBy.kind;
    try {
      const result = await deactivateLeaver({
        staffId: input.leaverId,
        successorId: input.successorId,
        returnToUnitId: input.returnToUnitId,
        actorId,
        reason: input.reason,
      });
      progress.successorId = result.successorId;
      progress.directoryVersion = result.version;
      progress.alreadyInactive = result.alreadyInactive;
      progress.deactivatedAt = new Date(Date.now()).toISOString();
      progress.stage = 'handing_over';
    } catch (error) {
      if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && error.cause.type === DIRECTORY_REFUSAL) {
        progress.stage = 'refused';
        progress.problems = (error.cause.details?.[0] as HandOverProblem[] | undefined) ?? [];
        throw ApplicationFailure.create({ type: DIRECTORY_REFUSAL, message: error.cause.message, details: [progress.problems], nonRetryable: true });
      }
      throw error;
    }
  }

  function told(item: HandOverItem, result: HandOverItemResult): void {
    if (result.outcome.status !== 'handed' || !result.obligation) return;
    // Cases and mediations tell their new holder themselves; an obligation's staff change does not.
    notifier.send({
      messageId: `${progress.id}.${Date.parse(progress.startedAt)}.${item.id}.obligation_handed_over`,
      template: 'obligation_handed_over',
      staffIds: [result.outcome.to],
      obligation: result.obligation,
      extra: { reason: SYSTEM_REASONS.handOver, leaver: progress.leaverId },
    });
  }

  async function handOne(item: HandOverItem, successorId: string): Promise<void> {
    const ref = { kind: item.kind, id: item.id };
    try {
      const result = await handOverItem({ handOverId: progress.id, item: ref, leaverId: progress.leaverId, successorId, requestedBy: progress.requestedBy });
      applyOutcome(progress, ref, result.outcome, Date.now());
      told(item, result);
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      applyFailure(progress, ref, failureReason(error), Date.now());
    }
  }

  if (progress.stage === 'deactivating') await deactivate();
  const successorId = progress.successorId;
  if (successorId === undefined) throw ApplicationFailure.nonRetryable('the hand-over has no successor', 'HandOverWithoutSuccessor');

  let attemptsThisRun = 0;
  for (;;) {
    const due = dueItems(progress, Date.now(), concurrency);
    if (due.length > 0) {
      progress.stage = 'handing_over';
      await Promise.all(due.map((item) => handOne(item, successorId)));
      attemptsThisRun += due.length;
    } else if (!progress.listing.done) {
      const page = await listOpenWork({ staffId: progress.leaverId, kind: progress.listing.kind, after: progress.listing.after, limit: pageSize });
      addListed(progress, page.items);
      advanceListing(progress, page.next);
    } else if (isComplete(progress)) {
      break;
    } else {
      // Only waiting and failed items are left: sleep until the first of them is due.
      progress.stage = 'waiting';
      const retryAt = nextRetryAt(progress) ?? Date.now();
      await sleep(Math.max(1, retryAt - Date.now()));
    }
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength > historyLimit || attemptsThisRun >= itemsPerRun) {
      await notifier.drain();
      await continueAsNew<typeof handOverWorkflow>(input, progress, options);
    }
  }
  progress.stage = 'completed';
  progress.completedAt = new Date(Date.now()).toISOString();
  await notifier.drain();
  return progress;
}
