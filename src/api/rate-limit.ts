/**
 * Abuse limits on intake: every front door that starts a case (`POST /api/v1/cases`, Open311
 * `POST requests.{format}`) passes one budget per client IP and one per caller, from
 * `rateLimits.intake` in the config. Beyond either the caller gets 429 with Retry-After, before
 * anything reaches Temporal: problem+json from the API, the errors array from Open311 (the
 * refusal is passed to the door's own error handler).
 */
import { createHash } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { rateLimit, type Options } from 'express-rate-limit';
import { Duration } from 'luxon';
import type { IntakeRateLimit } from '../config/schema';
import { message } from '../i18n/message';
import { ProblemError } from './errors';

/** The two intake limiters; mount both, the per-IP one first, on every intake route. */
export interface IntakeLimiters {
  /** One budget per client IP (`req.ip`, so behind the trusted proxy the real client's). */
  perIp: RequestHandler;
  /** One budget per API key or staff member; requests without a credential pass (they are refused anyway). */
  perKey: RequestHandler;
}

/**
 * The credential a request presents, as a counting key: the staff member when a token was
 * verified, else a digest of the API key (header, or Open311's `api_key` in the form or query).
 * Keys are digested so the limiter's memory never holds a usable credential.
 */
export function callerRateKey(req: Request): string | undefined {
  const principal = req.principal;
  if (principal?.kind === 'staff') return `staff:${principal.staff.id}`;
  const body = req.body as { api_key?: unknown } | undefined;
  const query = req.query as { api_key?: unknown };
  const apiKey = [req.get('x-api-key'), body?.api_key, query.api_key].find((value): value is string => typeof value === 'string' && value !== '');
  return apiKey === undefined ? undefined : `key:${createHash('sha256').update(apiKey).digest('hex')}`;
}

/** Seconds until the caller's window resets, at least one, as Retry-After wants them. */
function retryAfterSeconds(req: Request, windowMs: number): number {
  const resetTime = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
  const remainingMs = resetTime ? resetTime.getTime() - Date.now() : windowMs;
  return Math.max(1, Math.ceil(remainingMs / 1_000));
}

/** Refuses an exceeded budget through the error handler of the door it came in by. */
function refuse(windowMs: number) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const seconds = retryAfterSeconds(req, windowMs);
    next(new ProblemError(429, 'rate_limited', message('detail.rateLimited', { seconds }), undefined, { 'Retry-After': String(seconds) }));
  };
}

/** Builds the limiters once per app, so both front doors draw on the same budgets. */
export function intakeLimiters(limits: IntakeRateLimit): IntakeLimiters {
  const windowMs = Duration.fromISO(limits.window).as('milliseconds');
  const common: Partial<Options> = {
    windowMs,
    // RateLimit-* headers tell well-behaved clients how much is left before they are refused.
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    // Without a trusted proxy any client may send X-Forwarded-For; it is ignored, and not worth an error line each time.
    validate: { xForwardedForHeader: false },
  };
  return {
    perIp: rateLimit({ ...common, limit: limits.perIp, handler: refuse(windowMs) }),
    perKey: rateLimit({
      ...common,
      limit: limits.perKey,
      skip: (req) => callerRateKey(req) === undefined,
      keyGenerator: (req) => callerRateKey(req) ?? '',
      handler: refuse(windowMs),
    }),
  };
}
