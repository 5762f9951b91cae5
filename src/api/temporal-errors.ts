/**
 * Maps what Temporal answers to a workflow message (query or update) onto HTTP problems.
 * Workflow validators reject with ApplicationFailure types ending in `Conflict` (409, e.g.
 * CaseConflict) or `Forbidden` (403, e.g. ObligationForbidden).
 */
import { status } from '@grpc/grpc-js';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, isGrpcServiceError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { hasMessage } from '../i18n';
import { message, type Message, type MessageValues, type RefusalKey } from '../i18n/message';
import { problem, toProblem, type ProblemError } from './errors';
import type { Resource } from './resources';

/**
 * A workflow's refusal as a catalog message: its message is the key, its first detail the values
 * (src/workflows/refusal-failure.ts). Anything else gets the generic text, never raw workflow text.
 */
function refusalMessage(failure: ApplicationFailure): Message {
  const key = failure.message as RefusalKey;
  if (!key.startsWith('refusal.') || !hasMessage(key)) return message('refusal.refused');
  const values = failure.details?.[0];
  return message(key, typeof values === 'object' && values !== null ? (values as MessageValues) : undefined);
}

/** `what` names the resource in 404/409 details. */
export function messageProblem(error: unknown, what: Resource): ProblemError {
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
    if (error.cause.type?.endsWith('Forbidden')) return problem(403, 'forbidden', refusalMessage(error.cause));
    if (error.cause.type?.endsWith('Conflict')) return problem(409, 'conflict', refusalMessage(error.cause));
  }
  const notFound = error instanceof WorkflowNotFoundError ? error.message : undefined;
  const cause = (error as { cause?: unknown } | null)?.cause;
  const grpcNotFound = isGrpcServiceError(cause) && cause.code === status.NOT_FOUND ? cause.details : undefined;
  const missing = notFound ?? grpcNotFound;
  if (missing !== undefined) {
    // A closed run answers NOT_FOUND "workflow execution already completed" to an update.
    return /completed/i.test(missing)
      ? problem(409, 'conflict', message('detail.closed', { what }))
      : problem(404, 'not_found', message('detail.noSuch', { what }));
  }
  return toProblem(error);
}

/**
 * A failed update as a problem. An update that reaches a workflow just as it closes can fail with
 * NOT_FOUND without saying "completed" (the run ended with the update in flight); if the workflow
 * exists and is closed, that is 409 "closed", not 404.
 */
export async function updateProblem(error: unknown, handle: WorkflowHandle, what: Resource): Promise<ProblemError> {
  const answer = messageProblem(error, what);
  if (answer.status !== 404) return answer;
  try {
    const description = await handle.describe();
    if (description.status.name !== 'RUNNING') return problem(409, 'conflict', message('detail.closed', { what }));
  } catch {
    // Gone indeed: the 404 stands.
  }
  return answer;
}
