/**
 * 405 with `Allow` for a known path asked with a method it does not have (`PUT /api/v1/cases`),
 * instead of the 404 that would say the path does not exist. "Known" is what the OpenAPI document
 * lists, plus the operational pages that are not in it; a path both matches (`/obligations/compliance`
 * and `/obligations/{id}`) allows the union. Mounted before the routes, so the answer does not
 * depend on credentials: a 405 tells nothing a reader of /openapi.json does not know.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { message } from '../i18n/message';
import { problem, ProblemError, sendProblem } from './errors';

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Paths served outside the OpenAPI document, and their methods. */
export const OPERATIONAL_PATHS: Record<string, readonly string[]> = {
  '/healthz': ['GET'],
  '/readyz': ['GET'],
  '/metrics': ['GET'],
  '/openapi.json': ['GET'],
  '/docs': ['GET'],
  '/dashboard/messages.json': ['GET'],
};

interface KnownPath {
  pattern: RegExp;
  methods: Set<string>;
}

/** `/api/v1/cases/{id}` → a pattern matching one segment per parameter. */
function templatePattern(template: string): RegExp {
  const escaped = template
    .split(/\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${escaped}/?$`);
}

function knownPaths(document: { paths?: Record<string, unknown> }): KnownPath[] {
  const known: KnownPath[] = Object.entries(document.paths ?? {}).map(([template, item]) => ({
    pattern: templatePattern(template),
    methods: new Set(HTTP_METHODS.filter((method) => typeof item === 'object' && item !== null && method in item).map((method) => method.toUpperCase())),
  }));
  for (const [path, methods] of Object.entries(OPERATIONAL_PATHS)) known.push({ pattern: templatePattern(path), methods: new Set(methods) });
  return known;
}

/** The methods `path` answers, or undefined for a path nobody serves. */
export function allowedMethods(known: readonly KnownPath[], path: string): string[] | undefined {
  const matching = known.filter((entry) => entry.pattern.test(path));
  if (matching.length === 0) return undefined;
  const methods = new Set(matching.flatMap((entry) => [...entry.methods]));
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods];
}

/** The middleware: a known path with an unknown method answers 405 problem+json and `Allow`. */
export function methodNotAllowed(document: { paths?: Record<string, unknown> }): RequestHandler {
  const known = knownPaths(document);
  return (req: Request, res: Response, next: NextFunction) => {
    // OPTIONS is answered by Express itself (with Allow) where a route exists.
    if (req.method === 'OPTIONS') return next();
    const allow = allowedMethods(known, req.path);
    if (!allow || allow.includes(req.method)) return next();
    const p = problem(405, 'method_not_allowed', message('detail.methodNotAllowed', { method: req.method, path: req.path, allow: allow.join(', ') }));
    sendProblem(req, res, new ProblemError(p.status, p.kind, p.detail, undefined, { Allow: allow.join(', ') }));
  };
}
