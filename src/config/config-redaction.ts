/**
 * What a config error may echo back. Start-up errors go to logs that many people read, so a bad
 * value is shown only when it is neither a credential nor a staff member's contact detail
 * (SECURITY.md, "What is logged"), and never at full length.
 */
import type { PathSegment } from './config-source';

/** Keys whose values are credentials or hashes of them (`apiKeySha256`, a stray `smtpPassword`). */
const SECRET_KEY = /secret|passw|pwd|token|api.?key|sha\d|hash|credential|private/i;

/** Keys whose values are contact details. */
const CONTACT_KEY = /^(email|phone|mobile)$/i;

/** Values that look like a credential wherever they were put: URL userinfo, JWTs, long hex, local API keys. */
const SECRET_VALUE = /:\/\/[^/\s@]*:[^/\s@]*@|^eyJ[\w-]+\.|^[0-9a-f]{32,}$|^gf_/i;

/** Longest echoed string, in characters, before it is cut with "…". */
const MAX_ECHO = 40;

/** True when the value at `path` must not be shown, by its key or by its look. */
export function isHiddenValue(path: readonly PathSegment[], value: unknown): boolean {
  if (path.some((segment) => typeof segment === 'string' && (SECRET_KEY.test(segment) || CONTACT_KEY.test(segment)))) return true;
  return typeof value === 'string' && SECRET_VALUE.test(value);
}

/**
 * The value as an operator should see it: `"boss"`, `42`, `null`, `a list`, cut to a readable
 * length. Call only after {@link isHiddenValue} said no.
 */
export function echoValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  // Parsed YAML holds nothing else, but never print an object's "[object Object]".
  if (typeof value !== 'string') return typeof value;
  const chars = [...value];
  return JSON.stringify(chars.length > MAX_ECHO ? `${chars.slice(0, MAX_ECHO - 1).join('')}…` : value);
}
