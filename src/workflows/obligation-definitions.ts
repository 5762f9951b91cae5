/**
 * Messages of the obligation workflow (wire names: never rename).
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../domain/case-model';
import type { ContactChannel, ObligationState } from '../domain/obligation-model';

/**
 * The workflow type, as the API and the seed start obligations by name and visibility lists them.
 * The workflow id is the obligation id (`obligationIdFor` in src/domain/obligation-model.ts).
 */
export const OBLIGATION_WORKFLOW_TYPE = 'obligationWorkflow';

export const getObligationQuery = defineQuery<ObligationState>('getObligation');

export interface LogContactRequest {
  at: string;
  channel: ContactChannel;
  note?: string | undefined;
  actor: Actor;
}

export interface ChangeObligeeRequest {
  obligeeId: string;
  obligeeUnitId: string;
  actor: Actor;
  reason?: string | undefined;
}

export interface EndObligationRequest {
  actor: Actor;
  reason?: string | undefined;
}

/** Logs a contact (`POST /obligations/:id/contacts`). */
export const logContactUpdate = defineUpdate<ObligationState, [LogContactRequest]>('logContact');

/** Hands the obligation to another staff member; the record stays. */
export const changeObligeeUpdate = defineUpdate<ObligationState, [ChangeObligeeRequest]>('changeObligee');

/** Ends the obligation (`DELETE /obligations/:id`). */
export const endObligationUpdate = defineUpdate<ObligationState, [EndObligationRequest]>('endObligation');

/** ApplicationFailure types the API maps to 409 and 403. */
export const OBLIGATION_CONFLICT = 'ObligationConflict';
export const OBLIGATION_FORBIDDEN = 'ObligationForbidden';
