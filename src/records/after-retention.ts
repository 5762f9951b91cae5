/**
 * The API's second source for one execution: Temporal answers while the execution exists; once the
 * namespace retention has deleted it (NOT_FOUND), the records store answers with what it kept.
 */
import { status } from '@grpc/grpc-js';
import { isGrpcServiceError, WorkflowNotFoundError } from '@temporalio/client';

/** True when Temporal says the execution does not exist (never started, or deleted after retention). */
export function isExecutionGone(error: unknown): boolean {
  if (error instanceof WorkflowNotFoundError) return true;
  const cause = (error as { cause?: unknown } | null)?.cause;
  return (
    (isGrpcServiceError(error) && error.code === status.NOT_FOUND) ||
    (isGrpcServiceError(cause) && cause.code === status.NOT_FOUND && !/completed/i.test(cause.details))
  );
}

/**
 * What the store kept of an execution Temporal no longer has, or undefined when Temporal failed
 * for another reason (the caller maps that error as before) or the store has nothing either.
 */
export async function fromStoreIfGone<T>(error: unknown, read: (() => Promise<T | undefined>) | undefined): Promise<T | undefined> {
  if (!read || !isExecutionGone(error)) return undefined;
  return read();
}
