/**
 * Structured logs (pino). Credentials and residents' contact details are redacted wherever they
 * would appear, so no log line carries a token, key or phone number.
 */
import pino, { type DestinationStream, type Logger } from 'pino';

/** Where residents' and parties' contact details sit: at the top of a logged object, or up to two levels down. */
const CONTACT_PATHS = ['reporter.phone', 'reporter.email', 'reporter.name', 'parties[*].phone', 'parties[*].email'].flatMap((path) => [
  path,
  `*.${path}`,
  `*.*.${path}`,
]);

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers["x-case-token"]',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers["x-case-token"]',
  ...CONTACT_PATHS,
  'authSecret',
  'apiKey',
  'caseToken',
  '*.authSecret',
  '*.apiKey',
  '*.caseToken',
];

/** The process logger; `destination` (default stdout) lets tests read what would be written. */
export function createLogger(level: string = 'info', destination?: DestinationStream): Logger {
  const options = { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: { service: 'gridflow' } };
  return destination ? pino(options, destination) : pino(options);
}
