/**
 * Which case a GeoReport v2 submission names. Clients that retry (a phone on a bad network, a
 * hotline system after a timeout) send the same arguments again; the case id is derived from who
 * sent what, so the workflow id itself dedupes and nothing needs storing. Also the request token.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { caseIdForIdempotencyKey } from '../case-intake';

/** How long an identical submission from the same client counts as a retry. */
export const DEDUP_WINDOW_MS = 10 * 60_000;

/** JSON with object keys sorted, so the same arguments in another order are the same request. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'object' && item !== null && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}

/**
 * SHA-256 of everything a submission says, device_id and account_id included; the api_key is
 * left out because the caller identity (its integration) is part of the case id already.
 */
export function submissionFingerprint(args: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson(args)).digest('hex');
}

/**
 * The case ids an identical submission gets in the window bucket of `nowMs` and in the one
 * before. A retry that lands just after a bucket edge must still find the first case, so the
 * caller looks at `previous` before starting `current`.
 */
export function dedupCaseIds(callerKey: string, fingerprint: string, nowMs: number, windowMs = DEDUP_WINDOW_MS): { previous: string; current: string } {
  const bucket = Math.floor(nowMs / windowMs);
  const idFor = (b: number) => caseIdForIdempotencyKey(callerKey, `open311:${b}:${fingerprint}`);
  return { previous: idFor(bucket - 1), current: idFor(bucket) };
}

const TOKEN = /^([a-z2-7]{16})-([0-9a-f]{12})$/;

function tokenMac(secret: string, caseId: string): string {
  return createHmac('sha256', secret).update(`open311-token:${caseId}`).digest('hex').slice(0, 12);
}

/** The request token of a case: its id with a MAC, so only tokens we issued map to an id. */
export function requestTokenFor(secret: string, caseId: string): string {
  return `${caseId.slice(2)}-${tokenMac(secret, caseId)}`;
}

/** The case id a token names, or undefined for a token we did not issue. */
export function caseIdOfToken(secret: string, token: string): string | undefined {
  const match = TOKEN.exec(token);
  if (!match?.[1] || !match[2]) return undefined;
  const caseId = `c-${match[1]}`;
  const expected = Buffer.from(tokenMac(secret, caseId));
  const given = Buffer.from(match[2]);
  return given.length === expected.length && timingSafeEqual(given, expected) ? caseId : undefined;
}
