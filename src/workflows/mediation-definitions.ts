/**
 * Messages of the mediation workflow. Imported by the API (client side) and the mediation
 * workflow: names are part of the wire contract with running executions, so never rename one.
 * What a mediation tells its parent case (`mediationProgressSignal`) is the case's message, in
 * ./definitions.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { MediationState } from '../domain/mediation-model';
import type { MediationActionRequest } from '../domain/mediation-rules';

/** The mediation's current state and timeline. */
export const getMediationQuery = defineQuery<MediationState>('getMediation');

/**
 * A step of the mediation (`POST /mediations/:id/actions`): consent, assignment, sessions,
 * signatures, follow-up, escalation, referral, withdrawal. Its validator rejects an illegal step
 * (`MediationConflict`) or a wrong actor (`MediationForbidden`) before anything reaches history.
 */
export const mediationActionUpdate = defineUpdate<MediationState, [MediationActionRequest]>('mediationAction');

/** ApplicationFailure types the API maps to HTTP 409 and 403. */
export const MEDIATION_CONFLICT = 'MediationConflict';
export const MEDIATION_FORBIDDEN = 'MediationForbidden';

/** Workflow id of a mediation: the mediation id is the workflow id, so the API needs no lookup table. */
export function mediationWorkflowId(mediationId: string): string {
  return mediationId;
}
