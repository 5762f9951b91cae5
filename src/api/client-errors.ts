/**
 * Requests Node's HTTP parser refuses before Express sees them — headers over `maxHeaderSize`
 * (431), a request not sent in time (408), bytes that are no HTTP (400) — get problem+json like
 * every other refusal, instead of Node's bare status line. No header was parsed, so the answer is
 * in the city's default language.
 */
import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Locale } from '../domain/vocabulary';
import { message } from '../i18n/message';
import { problem, type ProblemError } from './errors';
import { problemDocument } from './problem-document';

function problemFor(code: string | undefined): ProblemError {
  if (code === 'HPE_HEADER_OVERFLOW') return problem(431, 'request_header_fields_too_large', message('detail.headersTooLarge'));
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return problem(408, 'request_timeout', message('detail.requestTimeout'));
  return problem(400, 'bad_request', message('detail.badRequest'));
}

/** Installs the `clientError` listener on `server` (which replaces Node's default answer). */
export function answerClientErrors(server: Server, options: { locale: Locale; timeZone: string }): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // As Node does: a reset connection gets nothing, and a response already under way is not interrupted.
    const response = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || response?.headersSent) {
      socket.destroy();
      return;
    }
    const p = problemFor(error.code);
    const body = JSON.stringify(problemDocument(p, options.locale, options.timeZone));
    socket.end(
      [
        `HTTP/1.1 ${p.status} ${STATUS_CODES[p.status] ?? ''}`,
        'Content-Type: application/problem+json; charset=utf-8',
        `Content-Length: ${Buffer.byteLength(body)}`,
        'Connection: close',
        '',
        body,
      ].join('\r\n'),
    );
  });
}
