/**
 * Express middleware timing every API request into gridflow_http_request_duration_seconds,
 * labelled by the route pattern that answered (`/api/v1/cases/:id`), never the raw path.
 */
import type { NextFunction, Request, Response } from 'express';
import { httpRequestDuration } from './registry';

/**
 * The pattern of the route that answered, or where the request went unanswered. The mount path
 * is taken from the URL, not `req.baseUrl`: after an error leaves a router, Express has already
 * restored `baseUrl` to the outer router's.
 */
export function routeLabel(req: Request): string {
  const route = req.route as { path?: unknown } | undefined;
  const path = req.originalUrl.split('?')[0] ?? '';
  if (route && typeof route.path === 'string') {
    const routeSegments = route.path === '/' ? 0 : route.path.split('/').length - 1;
    const segments = path.split('/');
    const mount = segments.slice(0, Math.max(1, segments.length - routeSegments)).join('/');
    return `${mount}${route.path}`;
  }
  if (req.baseUrl) return `${req.baseUrl}/*`;
  return 'unmatched';
}

export function httpMetrics() {
  return (req: Request, res: Response, next: NextFunction): void => {
    const stop = httpRequestDuration.startTimer();
    res.once('finish', () => stop({ method: req.method, route: routeLabel(req), status: String(res.statusCode) }));
    next();
  };
}
