/**
 * Messages of the case workflow. Imported by the API (client side) and the workflow: names are
 * part of the wire contract with running executions, so never rename one.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { CaseState, MediationProgress } from '../domain/case-model';
import type { ActionRequest } from '../domain/case-rules';

/** The workflow type, as the API starts cases by name and visibility lists them. */
export const CASE_WORKFLOW_TYPE = 'caseWorkflow';

/** The case's current state and timeline. */
export const getCaseQuery = defineQuery<CaseState>('getCase');

/**
 * A staff, resident or integration action (`POST /cases/:id/actions`, feedback). Its validator
 * rejects an illegal transition (`CaseConflict`) or a wrong actor (`CaseForbidden`) before
 * anything is written to history; the caller learns at once whether the step was accepted.
 */
export const caseActionUpdate = defineUpdate<CaseState, [ActionRequest]>('caseAction');

/**
 * Sent by a case's mediation (its child workflow) at every stage change, so the case shows the
 * mediation's stage and closes when the mediation ends. A signal, not an update: the mediation
 * must not wait on its parent, and the parent may be mid continue-as-new.
 */
export const mediationProgressSignal = defineSignal<[MediationProgress]>('mediationProgress');

/** ApplicationFailure types the API maps to HTTP statuses. */
export const CASE_CONFLICT = 'CaseConflict';
export const CASE_FORBIDDEN = 'CaseForbidden';

/** Workflow id of a case: the case id is the workflow id, so the API needs no lookup table. */
export function caseWorkflowId(caseId: string): string {
  return caseId;
}
