/**
 * Messages and names of the hand-over workflow. Imported by the API (client side) and the workflow:
 * names are part of the wire contract with running executions, so never rename one.
 */
import { defineQuery } from '@temporalio/workflow';
import type { HandOverProgress } from '../domain/hand-over';

/** The workflow type, as the API starts it by name. */
export const HAND_OVER_WORKFLOW_TYPE = 'handOverWorkflow';

/** Where the hand-over stands: every item handed over, skipped, waiting or failed, with reasons. */
export const getHandOverQuery = defineQuery<HandOverProgress>('getHandOver');

/** ApplicationFailure type of a deactivation the directory refused; its first detail is the problems. */
export const DIRECTORY_REFUSAL = 'DirectoryRefusal';

/**
 * Workflow id of the hand-over of `staffId`. One per leaver, so a second request while one runs
 * finds the running one by its id, atomically on the server (`workflowIdConflictPolicy:
 * USE_EXISTING`), not through eventually consistent visibility; a later request for the same
 * person (say, re-hired and leaving again) starts a new run under the same id.
 */
export function handOverWorkflowId(staffId: string): string {
  return `hand-over-${staffId}`;
}
