/**
 * Starting a case workflow exactly once per submission, for every front door (`POST /cases`,
 * Open311 `POST requests`): the start call, the search attributes that make the case visible
 * from its first moment, the memo that listings read, and what a retried submission gets.
 */
import { createHash } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowExecutionDescription } from '@temporalio/client';
import type { Logger } from 'pino';
import { z } from 'zod';
import { noteDeadlineBeyondCalendar } from '../calendar/horizon-report';
import { caseIndexOf, openCase } from '../domain/case-machine';
import type { CaseInput } from '../domain/case-model';
import { startingSearchAttributes } from '../temporal/search-attributes';
import type { caseWorkflow } from '../workflows/case';
import { CASE_WORKFLOW_TYPE, caseWorkflowId } from '../workflows/case-definitions';

/**
 * What a case was at submission and never changes: kept in the memo so that listings read it
 * from visibility instead of querying every workflow. No personal data of the reporter.
 */
export interface CaseFacts {
  submittedAt: string;
  description: string;
  address?: string | undefined;
  location?: { lat: number; lng: number } | undefined;
  mediaUrl?: string | undefined;
}

/** The memo of a case execution. */
export interface CaseMemo {
  /** Fingerprint of the submission; a different request under the same case id is a conflict. */
  requestHash: string;
  facts: CaseFacts;
}

/** An `Idempotency-Key` header: printable ASCII without spaces, as clients generate them. */
export const idempotencyKeySchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, 'field.idempotencyKey');

/** SHA-256 of a request body as the caller sent it, the fingerprint kept in the memo. */
export function requestHashOf(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('hex');
}

/** The facts of a submission as the case input holds them. */
export function caseFactsOf(input: CaseInput): CaseFacts {
  return { submittedAt: input.submittedAt, description: input.description, address: input.address, location: input.location };
}

/** The memo's facts, when the execution was started with them (older cases were not). */
export function caseFactsFromMemo(memo: Record<string, unknown> | undefined): CaseFacts | undefined {
  const facts = (memo as Partial<CaseMemo> | undefined)?.facts;
  return facts && typeof facts.description === 'string' && typeof facts.submittedAt === 'string' ? facts : undefined;
}

/** What {@link startOrReplayCase} starts, and how it recognises a retry. */
export interface StartCaseOptions {
  client: Client;
  taskQueue: string;
  input: CaseInput;
  requestHash: string;
  /** Defaults to {@link caseFactsOf} the input; a front door may keep what its client sent instead. */
  facts?: CaseFacts;
  /** Where a first deadline beyond the calendar's horizon is reported (never silent); none in some tests. */
  logger?: Logger | undefined;
}

/** The outcome of {@link startOrReplayCase}. */
export type CaseStart =
  | { kind: 'started'; dueAt: string }
  /** The case id was already started by the same request: a retry, answered with that case. */
  | { kind: 'replayed'; description: WorkflowExecutionDescription }
  /** The case id was already started by a different request. */
  | { kind: 'conflict' };

/**
 * Starts the case workflow under `input.caseId`, or recognises a retry. The workflow id is the
 * deduplication: derive the case id from what identifies a submission (an Idempotency-Key, or
 * the body) and the server refuses a second start, even after the first case has closed.
 */
export async function startOrReplayCase({ client, taskQueue, input, requestHash, facts, logger }: StartCaseOptions): Promise<CaseStart> {
  // The first deadline and the starting attributes are the workflow's own opening state.
  const opened = openCase(input).case;
  const dueAt = opened.dueAt!;
  const memo: CaseMemo = { requestHash, facts: facts ?? caseFactsOf(input) };
  try {
    await client.workflow.start<typeof caseWorkflow>(CASE_WORKFLOW_TYPE, {
      workflowId: caseWorkflowId(input.caseId),
      taskQueue,
      args: [input],
      memo: { ...memo },
      // The case is visible to supervisors from the first moment, before the worker picks it up.
      typedSearchAttributes: startingSearchAttributes(caseIndexOf(opened)),
      workflowIdConflictPolicy: 'FAIL',
      // A case id names one case forever, even after that case has closed.
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    // After the start, so a retried submission is not counted twice.
    if (logger)
      noteDeadlineBeyondCalendar(logger, {
        caseId: input.caseId,
        dueMs: Date.parse(dueAt),
        context: { calendar: input.sla.calendar, zone: input.sla.timeZone },
      });
    return { kind: 'started', dueAt };
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    const description = await client.workflow.getHandle(caseWorkflowId(input.caseId)).describe();
    return description.memo?.requestHash === requestHash ? { kind: 'replayed', description } : { kind: 'conflict' };
  }
}
