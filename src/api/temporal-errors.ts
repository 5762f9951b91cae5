/**
 * Maps what Temporal answers to a case's messages onto HTTP problems.
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError, isGrpcServiceError } from '@temporalio/client';
import { status } from '@grpc/grpc-js';
import { ApplicationFailure } from '@temporalio/common';
import { CASE_CONFLICT, CASE_FORBIDDEN } from '../workflows/definitions';
import { problem, toProblem, type ProblemError } from './errors';

/** gRPC NOT_FOUND for a closed run is "already completed"; anything else NOT_FOUND is unknown. */
const GRPC_NOT_FOUND = status.NOT_FOUND;

export function caseMessageProblem(error: unknown): ProblemError {
  if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
    if (error.cause.type === CASE_FORBIDDEN) return problem(403, 'forbidden', error.cause.message);
    if (error.cause.type === CASE_CONFLICT) return problem(409, 'conflict', error.cause.message);
  }
  if (error instanceof WorkflowNotFoundError) {
    return /completed/i.test(error.message) ? problem(409, 'conflict', 'the case is closed') : problem(404, 'not_found', 'no such case');
  }
  const cause = (error as { cause?: unknown }).cause;
  if (isGrpcServiceError(cause) && cause.code === GRPC_NOT_FOUND) {
    return /completed/i.test(cause.details) ? problem(409, 'conflict', 'the case is closed') : problem(404, 'not_found', 'no such case');
  }
  return toProblem(error);
}
