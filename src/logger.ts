/**
 * Structured logs (pino). Credentials and residents' contact details are redacted wherever they
 * would appear, so no log line carries a token, key or phone number.
 */
import pino, { type Logger } from 'pino';

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers["x-case-token"]',
  '*.reporter.phone',
  '*.reporter.email',
  '*.reporter.name',
  '*.authSecret',
  '*.apiKey',
  '*.caseToken',
];

export function createLogger(level: string = 'info'): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: { service: 'gridflow' } });
}
