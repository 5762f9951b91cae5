/**
 * Errors the GeoReport v2 way: an array of `{code, description}` in the requested format, with
 * 404 for what does not exist, 403 for a missing or wrong api_key and 400 for anything else the
 * client must fix (the spec's rule); 429 (with Retry-After) beyond an intake budget. Failures of our own keep their 5xx, and an unreachable
 * Temporal keeps its 503 with Retry-After, so well-behaved clients retry instead of giving up.
 */
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { toProblem } from '../errors';
import { problemDocument } from '../problem-document';
import { formatOfPath, sendDocument } from './format';

/** One entry of an errors document; `code` is the HTTP status. */
export type Open311ErrorEntry = { code: number; description: string };

/** An error answered as a GeoReport v2 errors document. */
export class Open311Error extends Error {
  constructor(
    readonly status: number,
    readonly entries: Open311ErrorEntry[],
    readonly headers: Record<string, string> = {},
    options?: { cause?: unknown },
  ) {
    super(entries.map((entry) => entry.description).join('; '), options);
    this.name = 'Open311Error';
  }
}

/** An error with one or more descriptions, all under the same status. */
export function open311Error(status: 400 | 403 | 404, ...descriptions: string[]): Open311Error {
  return new Open311Error(
    status,
    descriptions.map((description) => ({ code: status, description })),
  );
}

/** Maps anything a route throws (our own errors, API problems, body-parser errors) to an Open311 error. */
export function toOpen311Error(error: unknown): Open311Error {
  if (error instanceof Open311Error) return error;
  const p = toProblem(error);
  const status = p.status >= 500 || p.status === 403 || p.status === 404 || p.status === 429 ? p.status : 400;
  // Open311 descriptions are for the integrating developer: the English catalog's words.
  const document = problemDocument(p, 'en', 'UTC');
  const descriptions = document.errors && document.errors.length > 0 ? document.errors.map((e) => `${e.field}: ${e.message}`) : [document.detail];
  return new Open311Error(
    status,
    descriptions.map((description) => ({ code: status, description })),
    p.headers,
    { cause: p.cause ?? error },
  );
}

/** Error middleware of the Open311 router: the errors document in the format the path asked for. */
export function open311ErrorHandler(logger: Logger) {
  return (error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const failure = toOpen311Error(error);
    if (failure.status >= 500) logger.error({ err: failure.cause ?? error, method: req.method, path: req.originalUrl }, failure.message);
    for (const [name, value] of Object.entries(failure.headers)) res.set(name, value);
    sendDocument(res, formatOfPath(req.path), 'errors', [...failure.entries], failure.status);
  };
}

/** 404 for any path under the Open311 base that names no resource. */
export function open311NotFound(req: Request, res: Response): void {
  sendDocument(res, formatOfPath(req.path), 'errors', [{ code: 404, description: `no resource ${req.method} ${req.baseUrl}${req.path}` }], 404);
}
