/**
 * Maps what Temporal answers to a workflow message (query or update) onto HTTP problems.
 * Workflow validators reject with ApplicationFailure types ending in `Conflict` (409, e.g.
 * CaseConflict) or `Forbidden` (403, e.g. ObligationForbidden).
 */
import { status } from '@grpc/grpc-js';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, isGrpcServiceError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { problem, toProblem, type ProblemError } from './errors';

/** `what` names the resource in 404/409 details, e.g. "case" or "obligation". */
export function messageProblem(error: unknown, what: string): ProblemError {
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
    if (error.cause.type?.endsWith('Forbidden')) return problem(403, 'forbidden', error.cause.message);
    if (error.cause.type?.endsWith('Conflict')) return problem(409, 'conflict', error.cause.message);
  }
  const notFound = error instanceof WorkflowNotFoundError ? error.message : undefined;
  const cause = (error as { cause?: unknown } | null)?.cause;
  const grpcNotFound = isGrpcServiceError(cause) && cause.code === status.NOT_FOUND ? cause.details : undefined;
  const missing = notFound ?? grpcNotFound;
  if (missing !== undefined) {
    // A closed run answers NOT_FOUND "workflow execution already completed" to an update.
    return /completed/i.test(missing) ? problem(409, 'conflict', `the ${what} is closed`) : problem(404, 'not_found', `no such ${what}`);
  }
  return toProblem(error);
}

/** Case messages. */
export function caseMessageProblem(error: unknown): ProblemError {
  return messageProblem(error, 'case');
}
