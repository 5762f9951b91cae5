/**
 * gridflow's Prometheus metrics (prom-client), one registry per process: HTTP requests of the API,
 * what the worker's activities see (notifications, escalations, obligation misses, e-mail
 * failures), and case counts read from Temporal visibility when scraped. The Temporal SDK's own
 * metrics come from its Rust core, see sdk-metrics.ts.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'gridflow_' });

/** API requests by route pattern (never the raw path: ids would explode the label set). */
export const httpRequestDuration = new Histogram({
  name: 'gridflow_http_request_duration_seconds',
  help: 'API request latency by method, route pattern and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [metricsRegistry],
});

/** Notifications delivered (or failed for good) by template. */
export const notificationsTotal = new Counter({
  name: 'gridflow_notifications_total',
  help: 'Notifications sent, by template',
  labelNames: ['template'] as const,
  registers: [metricsRegistry],
});

/** Escalations, counted when their notification goes out (one per escalation). */
export const escalationsTotal = new Counter({
  name: 'gridflow_escalations_total',
  help: 'Cases and mediations escalated, by kind and the level escalated to',
  labelNames: ['kind', 'level'] as const,
  registers: [metricsRegistry],
});

/** Contact periods an obligee missed. */
export const obligationMissesTotal = new Counter({
  name: 'gridflow_obligation_misses_total',
  help: 'Contact-obligation periods that ended unmet',
  registers: [metricsRegistry],
});

/** Deliveries the channel refused (each is retried by Temporal). */
export const deliveryFailuresTotal = new Counter({
  name: 'gridflow_email_failures_total',
  help: 'Failed deliveries to one recipient (retried), by channel',
  labelNames: ['channel'] as const,
  registers: [metricsRegistry],
});

/** Reads that found a workflow's live state unavailable (answered from the records store, or 503). */
export const liveStateUnavailableTotal = new Counter({
  name: 'gridflow_live_state_unavailable_total',
  help: 'Reads of a case, mediation or obligation whose live state was unavailable, by kind and reason (unreplayable, worker_unavailable, server_unavailable)',
  labelNames: ['kind', 'reason'] as const,
  registers: [metricsRegistry],
});
