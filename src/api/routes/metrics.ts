/**
 * `GET /metrics` in Prometheus text format: gridflow's registry (HTTP, notifications,
 * escalations, obligation misses, e-mail failures, open and overdue cases, the calendar horizon)
 * followed by the Temporal SDK's own metrics. Case counts are operational data, so the route
 * answers only a scraper that sends METRICS_TOKEN as a Bearer token, or — with no token
 * configured and no trusted proxy — loopback.
 *
 * Behind a trusted reverse proxy the connection's address says nothing (a proxy on the same host
 * makes every caller loopback), and the forwarded address is only as good as the proxy's header
 * hygiene (one that appends instead of overwriting lets a client put `127.0.0.1` first). So with
 * GRIDFLOW_TRUST_PROXY set, loopback earns nothing: /metrics answers METRICS_TOKEN or no one.
 */
import { timingSafeEqual } from 'node:crypto';
import { Router, type Request } from 'express';
import type { CalendarContext } from '../../domain/working-calendar';
import { message } from '../../i18n/message';
import { registerCalendarGauge } from '../../metrics/calendar-gauges';
import { metricsRegistry } from '../../metrics/registry';
import { fetchSdkMetrics } from '../../metrics/sdk-metrics';
import { problem } from '../errors';

export interface MetricsRouteOptions {
  /** Required Bearer token; undefined → loopback callers only. */
  token?: string | undefined;
  /** Where the Temporal SDK serves its metrics in this process, if it does. */
  sdkMetricsAddress?: string | undefined;
  /** The calendar this process computes deadlines on: `gridflow_calendar_known_days_ahead` reports its horizon. */
  calendar?: CalendarContext | undefined;
  /** A trusted reverse proxy is configured: loopback no longer means "on this host", so only the token opens the route. */
  behindProxy?: boolean | undefined;
}

function isLoopback(req: Request): boolean {
  const address = req.socket.remoteAddress ?? '';
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

function hasToken(req: Request, token: string): boolean {
  const given = Buffer.from(req.get('authorization') ?? '');
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function metricsRoutes(options: MetricsRouteOptions): Router {
  const router = Router();
  if (options.calendar) registerCalendarGauge(options.calendar);
  router.get('/metrics', async (req, res) => {
    if (!options.token && options.behindProxy) throw problem(403, 'forbidden', message('detail.metricsNeedToken'));
    const allowed = options.token ? hasToken(req, options.token) : isLoopback(req);
    if (!allowed) throw problem(403, 'forbidden', message('detail.metricsForbidden'));
    const [own, sdk] = await Promise.all([metricsRegistry.metrics(), fetchSdkMetrics(options.sdkMetricsAddress)]);
    res.type(metricsRegistry.contentType).send(sdk ? `${own}\n# Temporal SDK (core) metrics\n${sdk}` : own);
  });
  return router;
}
