/**
 * The hand-over's activities: deactivate the leaver in the directory, list their open work from the
 * records store, and hand one item over through its own workflow's message — `reassign` for a case,
 * `assign_mediator` for a mediation, `changeObligee` for an obligation — so the entity's timeline
 * records the change and its workflow tells the successor, exactly as if an admin had taken the
 * step over HTTP. Each attempt reads the item first and decides again, so a retried attempt (after a
 * lost answer, a crash, an outage) skips what is done instead of doing it twice.
 */
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { Actor, CaseState } from '../domain/case-model';
import { FINAL_STATUSES } from '../domain/case-model';
import { AFTER_CONFIRMATION_MS, mediatorFor, type HandOverItemRef, type HandOverOutcome, type HandOverStaff } from '../domain/hand-over';
import { isFinalStage, type MediationState } from '../domain/mediation-model';
import type { ObligationFacts } from '../domain/notification';
import { obligationFactsOf, type ObligationState } from '../domain/obligation-model';
import type { OrgTree } from '../domain/org-tree';
import { SYSTEM_REASONS } from '../domain/system-reasons';
import type { DeactivationResult, DirectoryForHandOver, StaffDeactivation } from '../directory/hand-over-port';
import { DirectoryRefusalError } from '../directory/directory-refusal';
import { isExecutionGone } from '../records/after-retention';
import { openWorkOf, type OpenWorkPage, type OpenWorkRequest } from '../records/open-work';
import type { RecordsStore } from '../records/store';
import { caseActionUpdate, getCaseQuery } from '../workflows/case-definitions';
import { DIRECTORY_REFUSAL } from '../workflows/hand-over-definitions';
import { getMediationQuery, mediationActionUpdate } from '../workflows/mediation-definitions';
import { changeObligeeUpdate, getObligationQuery } from '../workflows/obligation-definitions';

export interface HandOverActivityDeps {
  /** The Temporal client the items' updates go through. */
  client?: Client | undefined;
  records: RecordsStore;
  /** Who the successor and the committees' mediators are (the live directory). */
  org: Pick<OrgTree, 'staff' | 'staffWithPost'>;
  /** The directory that deactivates the leaver (src/directory/hand-over-port.ts). */
  handOverDirectory?: DirectoryForHandOver | undefined;
}

/** One item to hand over, with everything the attempt needs. */
export interface HandOverItemRequest {
  handOverId: string;
  item: HandOverItemRef;
  leaverId: string;
  successorId: string;
  /** The admin who asked: the actor of the step on the item. */
  requestedBy: Actor;
}

/** What an attempt came to; a handed obligation brings the facts its successor is told. */
export interface HandOverItemResult {
  outcome: HandOverOutcome;
  obligation?: ObligationFacts | undefined;
}

/** A step the item's workflow refused (its validator's ApplicationFailure), as opposed to a failure to reach it. */
function refusalOf(error: unknown): ApplicationFailure | undefined {
  if (!(error instanceof WorkflowUpdateFailedError) || !(error.cause instanceof ApplicationFailure)) return undefined;
  const type = error.cause.type ?? '';
  return type.endsWith('Conflict') || type.endsWith('Forbidden') ? error.cause : undefined;
}

/** The item's state, or undefined when Temporal no longer has it (deleted after retention: closed). */
async function readState<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (isExecutionGone(error)) return undefined;
    throw error;
  }
}

const skipped = (reason: Extract<HandOverOutcome, { status: 'skipped' }>['reason'], extra: { to?: string; detail?: string } = {}): HandOverOutcome => ({
  status: 'skipped',
  reason,
  ...extra,
});

export function createHandOverActivities(deps: HandOverActivityDeps) {
  const { org } = deps;
  const staffRef = (id: string): HandOverStaff | undefined => {
    const person = org.staff(id);
    return person ? { id: person.id, role: person.role, unitId: person.unit } : undefined;
  };
  const clientOf = (): Client => {
    if (!deps.client) throw new Error('this worker has no Temporal client for hand-over updates');
    return deps.client;
  };

  /**
   * Reads, decides, takes the step; if the workflow refuses it, reads again: a refusal because the
   * item changed meanwhile (closed, handed over) is that outcome, any other is `refused`.
   */
  async function attempt<S>(
    read: () => Promise<S>,
    decide: (state: S) => HandOverOutcome | undefined,
    act: (state: S) => Promise<S>,
    after: (state: S) => HandOverItemResult,
  ): Promise<HandOverItemResult> {
    const state = await readState(read);
    if (state === undefined) return { outcome: skipped('not_found') };
    const decided = decide(state);
    if (decided) return { outcome: decided };
    try {
      return after(await act(state));
    } catch (error) {
      const refusal = refusalOf(error);
      const again = await readState(read);
      if (again === undefined) return { outcome: skipped('not_found') };
      const now = decide(again);
      if (now) return { outcome: now };
      if (refusal) return { outcome: skipped('refused', { detail: refusal.message }) };
      throw error;
    }
  }

  function handOverCase(request: HandOverItemRequest): Promise<HandOverItemResult> {
    const handle = clientOf().workflow.getHandle(request.item.id);
    return attempt<CaseState>(
      () => handle.query(getCaseQuery),
      (state) => {
        if (FINAL_STATUSES.includes(state.status)) return skipped('closed');
        if (state.assigneeId === request.successorId) return skipped('already_held', { to: state.assigneeId });
        if (state.assigneeId !== request.leaverId) return skipped('not_held', { to: state.assigneeId });
        if (state.status === 'in_mediation') return skipped('in_mediation');
        if (state.status === 'resolved') {
          const confirmBy = Date.parse(state.confirmBy ?? '');
          return {
            status: 'waiting',
            reason: 'awaiting_confirmation',
            until: Number.isNaN(confirmBy) ? undefined : new Date(confirmBy + AFTER_CONFIRMATION_MS).toISOString(),
          };
        }
        return undefined;
      },
      () =>
        handle.executeUpdate(caseActionUpdate, {
          args: [{ action: { type: 'reassign', assigneeId: request.successorId, reason: SYSTEM_REASONS.handOver }, actor: request.requestedBy }],
        }),
      (state) => ({ outcome: { status: 'handed', to: state.assigneeId } }),
    );
  }

  function handOverMediation(request: HandOverItemRequest): Promise<HandOverItemResult> {
    const handle = clientOf().workflow.getHandle(request.item.id);
    // A mediator acts from their post at the committee (one person may hold posts in several units).
    const mediatorOf = (state: MediationState) => {
      const committee = org.staffWithPost(state.unitId, 'mediator').map((person): HandOverStaff => ({ id: person.id, role: 'mediator', unitId: state.unitId }));
      const successor = committee.find((person) => person.id === request.successorId) ?? staffRef(request.successorId);
      return mediatorFor(successor, state.unitId, committee, request.leaverId);
    };
    return attempt<MediationState>(
      () => handle.query(getMediationQuery),
      (state) => {
        if (isFinalStage(state.stage)) return skipped('closed');
        const mediator = mediatorOf(state);
        if (state.mediatorId !== request.leaverId) {
          const held = state.mediatorId !== undefined && (state.mediatorId === request.successorId || state.mediatorId === mediator?.id);
          return skipped(held ? 'already_held' : 'not_held', state.mediatorId === undefined ? {} : { to: state.mediatorId });
        }
        return undefined;
      },
      async (state) => {
        const mediator = mediatorOf(state);
        if (mediator) {
          return handle.executeUpdate(mediationActionUpdate, {
            args: [{ action: { type: 'assign_mediator', mediator, note: SYSTEM_REASONS.handOver }, actor: request.requestedBy }],
          });
        }
        // Nobody may take it yet: say so on the mediation's timeline once, and wait for a mediator.
        const noted = state.timeline.some((entry) => entry.type === 'note' && entry.note === SYSTEM_REASONS.handOverNoMediator);
        if (noted) return state;
        return handle.executeUpdate(mediationActionUpdate, {
          args: [{ action: { type: 'note', note: SYSTEM_REASONS.handOverNoMediator }, actor: request.requestedBy }],
        });
      },
      (state) =>
        state.mediatorId === request.leaverId
          ? { outcome: { status: 'waiting', reason: 'no_mediator' } }
          : { outcome: { status: 'handed', to: state.mediatorId ?? '' } },
    );
  }

  function handOverObligation(request: HandOverItemRequest): Promise<HandOverItemResult> {
    const handle = clientOf().workflow.getHandle(request.item.id);
    return attempt<ObligationState>(
      () => handle.query(getObligationQuery),
      (state) => {
        if (state.status === 'ended') return skipped('closed');
        if (state.obligeeId === request.successorId) return skipped('already_held', { to: state.obligeeId });
        if (state.obligeeId !== request.leaverId) return skipped('not_held', { to: state.obligeeId });
        return undefined;
      },
      () => {
        const successor = staffRef(request.successorId);
        if (!successor) throw new Error(`successor ${request.successorId} is not an active member of the directory`);
        return handle.executeUpdate(changeObligeeUpdate, {
          args: [{ obligeeId: successor.id, obligeeUnitId: successor.unitId, actor: request.requestedBy, reason: SYSTEM_REASONS.handOver }],
        });
      },
      (state) => ({
        outcome: { status: 'handed', to: state.obligeeId },
        obligation: obligationFactsOf(state),
      }),
    );
  }

  return {
    /**
     * Deactivates the leaver (their sign-in and tokens stop working) and moves their posts, through
     * the directory; idempotent there, so a retry after a crash answers `alreadyInactive`. A refusal
     * is final: retrying cannot make the district able to work without the posts the leaver holds.
     */
    async deactivateLeaver(change: StaffDeactivation): Promise<DeactivationResult> {
      if (!deps.handOverDirectory) throw new Error('this worker has no directory to deactivate staff in');
      try {
        return await deps.handOverDirectory.deactivateStaff(change);
      } catch (error) {
        if (error instanceof DirectoryRefusalError) {
          throw ApplicationFailure.create({ type: DIRECTORY_REFUSAL, message: error.message, details: [error.problems], nonRetryable: true });
        }
        throw error;
      }
    },

    /** One page of the leaver's open work of one kind, from the records store. */
    async listOpenWork(request: OpenWorkRequest): Promise<OpenWorkPage> {
      return openWorkOf(deps.records, request);
    },

    /** Hands one item to the successor through its own workflow, or says why not. */
    async handOverItem(request: HandOverItemRequest): Promise<HandOverItemResult> {
      // Never to someone the directory does not know (yet: a lag, retried) or no longer (left meanwhile: the item waits, failed, in sight).
      if (!org.staff(request.successorId)) throw new Error(`successor ${request.successorId} is not an active member of the directory`);
      switch (request.item.kind) {
        case 'case':
          return handOverCase(request);
        case 'mediation':
          return handOverMediation(request);
        case 'obligation':
          return handOverObligation(request);
      }
    },
  };
}

/** The hand-over's activities, as its workflow proxies them (imported as a type only). */
export type HandOverActivities = ReturnType<typeof createHandOverActivities>;
