/**
 * One error path for the whole API: every failure becomes `application/problem+json`
 * (RFC 9457) with a title from the catalogs. Bad input is 400/422 naming the field; Temporal
 * being unreachable is 503 with Retry-After; nothing a client sends may produce a 500.
 */
import { status } from '@grpc/grpc-js';
import { isGrpcServiceError, WorkflowNotFoundError } from '@temporalio/client';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { message, type FieldKey, type Message, type MessageValues } from '../i18n/message';
import { cityTimeZone, requestLocale } from './locale';
import { problemDocument, type FieldProblem } from './problem-document';
import { resourceOfWorkflowId } from './resources';

export const PROBLEM_KINDS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  request_timeout: 408,
  conflict: 409,
  precondition_failed: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  request_header_fields_too_large: 431,
  validation: 422,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;
export type ProblemKind = keyof typeof PROBLEM_KINDS;

/**
 * An error the API answers as problem+json. `detail` is a catalog message, rendered in the
 * caller's language when the answer is written; the Error's own message is its key, for logs.
 */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly kind: ProblemKind,
    readonly detail: Message,
    readonly errors?: FieldProblem[],
    readonly headers: Record<string, string> = {},
    options?: { cause?: unknown },
  ) {
    super(detail.key, options);
    this.name = 'ProblemError';
  }
}

/** Shorthand for a ProblemError whose kind matches its status. */
export function problem(status: (typeof PROBLEM_KINDS)[ProblemKind], kind: ProblemKind, detail: Message, errors?: FieldProblem[]): ProblemError {
  return new ProblemError(status, kind, detail, errors);
}

/** 422 for one field the request got wrong in a way its shape could not show (unknown id, say). */
export function fieldProblem(field: string, key: FieldKey, values?: MessageValues): ProblemError {
  return new ProblemError(422, 'validation', message('detail.invalidFields', { fields: field }), [{ field, message: message(key, values) }]);
}

/** 400 (shape) for a zod failure, naming each field under `where` (body, query, params, headers). */
export function validationProblem(error: z.ZodError, where: string, status: 400 | 422 = 400): ProblemError {
  const errors = error.issues.map((issue) => ({ field: [where, ...issue.path.map(String)].join('.'), issue }));
  const fields = [...new Set(errors.map((e) => e.field))].join(', ');
  return new ProblemError(status, status === 400 ? 'bad_request' : 'validation', message('detail.invalidFields', { fields }), errors);
}

/**
 * Parses `value` with `schema` or throws a problem naming every bad field. The input is kept in
 * the issues (never sent) so zod's locale can say what it received when the answer is written.
 */
export function parseOr400<T extends z.ZodType>(schema: T, value: unknown, where: string): z.infer<T> {
  const result = schema.safeParse(value, { reportInput: true });
  if (!result.success) throw validationProblem(result.error, where);
  return result.data;
}

/** Seconds a client should wait before retrying when Temporal is unreachable. */
const RETRY_AFTER_SECONDS = '5';

/** gRPC codes that mean "Temporal cannot be reached right now", not "your request is wrong". */
const UNAVAILABLE_CODES = new Set<number>([status.CANCELLED, status.DEADLINE_EXCEEDED, status.RESOURCE_EXHAUSTED, status.UNAVAILABLE]);

/** True when the error means the Temporal service could not be reached or did not answer in time. */
export function isTemporalUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    if (isGrpcServiceError(current)) return UNAVAILABLE_CODES.has(current.code);
    if (current instanceof Error && /ECONNREFUSED|failed to connect|connection dropped/i.test(current.message)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** Maps anything thrown in a route to a ProblemError. */
export function toProblem(error: unknown): ProblemError {
  if (error instanceof ProblemError) return error;
  if (error instanceof WorkflowNotFoundError) {
    // Routes name what they read themselves (messageProblem); what reaches here is named by its id.
    return problem(404, 'not_found', message('detail.noSuch', { what: resourceOfWorkflowId(error.workflowId) ?? 'workflow' }));
  }
  if (isTemporalUnavailable(error)) {
    return new ProblemError(
      503,
      'unavailable',
      message('detail.temporalUnavailable'),
      undefined,
      {
        'Retry-After': RETRY_AFTER_SECONDS,
      },
      { cause: error },
    );
  }
  // body-parser errors carry an HTTP status and a type.
  const http = (typeof error === 'object' && error !== null ? error : {}) as { status?: number; statusCode?: number; type?: string; message?: string };
  const status = http.status ?? http.statusCode;
  if (status === 413) return problem(413, 'payload_too_large', message('detail.bodyTooLarge'));
  if (status === 415) return problem(415, 'unsupported_media_type', message('detail.unsupportedMediaType'));
  if (status !== undefined && status >= 400 && status < 500) {
    const detail = message(http.type === 'entity.parse.failed' ? 'detail.bodyNotJson' : 'detail.badRequest');
    return new ProblemError(400, 'bad_request', detail, [{ field: 'body', message: detail }]);
  }
  return new ProblemError(500, 'internal', message('detail.unexpected'), undefined, {}, { cause: error });
}

/** Writes a problem+json answer in the caller's language, times in the city's zone. */
export function sendProblem(req: Request, res: Response, p: ProblemError): void {
  for (const [name, value] of Object.entries(p.headers)) res.set(name, value);
  res
    .status(p.status)
    .type('application/problem+json')
    .send(JSON.stringify(problemDocument(p, requestLocale(req), cityTimeZone(req))));
}

/** The one error middleware. 5xx are logged with their cause; 4xx are the client's business. */
export function errorHandler(logger: Logger) {
  return (error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const p = toProblem(error);
    if (p.status >= 500) logger.error({ err: p.cause ?? error, method: req.method, path: req.path }, p.message);
    sendProblem(req, res, p);
  };
}

/** 404 for any route nobody answered. */
export function notFoundHandler(req: Request, res: Response): void {
  sendProblem(req, res, problem(404, 'not_found', message('detail.noRoute', { method: req.method, path: req.path })));
}
