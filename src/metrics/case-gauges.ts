/**
 * Open cases by status × level and the overdue count, read from Temporal visibility when
 * Prometheus scrapes — not kept in memory, so every API process reports the same truth. Counts
 * are cached briefly: a scrape every few seconds must not become dozens of queries each time.
 */
import type { Client } from '@temporalio/client';
import { Counter, Gauge } from 'prom-client';
import { LEVELS } from '../domain/vocabulary';
import { CASE_WORKFLOW_TYPE } from '../workflows/case-definitions';
import { LEVEL, OVERDUE, STATUS, DUE_AT } from '../temporal/search-attributes';
import { metricsRegistry } from './registry';

/** Statuses a running case can be in. */
const OPEN_STATUSES = ['assigned', 'acknowledged', 'in_progress', 'waiting_info', 'resolved', 'in_mediation'] as const;
const CACHE_MS = 15_000;

/** Where the gauges read from: the client of the app created last in this process. */
let source: { client: Client; now: () => Date } | undefined;
/** When the cached counts were read; reset when the source changes. */
let cachedAt = 0;

/** Points the gauges at `client`, registering them the first time (a registry holds one of each). */
export function registerCaseGauges(client: Client, now: () => Date = () => new Date()): void {
  const first = source === undefined;
  source = { client, now };
  cachedAt = 0;
  if (first) defineGauges();
}

function defineGauges(): void {
  let counts: { status: string; level: string; value: number }[] = [];
  let overdue = 0;
  let refreshing: Promise<void> | undefined;

  async function refresh(): Promise<void> {
    const { client, now } = source!;
    const base = `WorkflowType = '${CASE_WORKFLOW_TYPE}' AND ExecutionStatus = 'Running'`;
    const cells = OPEN_STATUSES.flatMap((status) => LEVELS.map((level) => ({ status, level })));
    const answers = await Promise.all(
      cells.map(async (cell) => ({
        ...cell,
        value: (await client.workflow.count(`${base} AND ${STATUS.name} = '${cell.status}' AND ${LEVEL.name} = '${cell.level}'`)).count,
      })),
    );
    const late = await client.workflow.count(`${base} AND (${OVERDUE.name} = true OR ${DUE_AT.name} < '${now().toISOString()}')`);
    counts = answers;
    overdue = late.count;
    cachedAt = Date.now();
  }

  /** Fresh counts, or the last ones if Temporal cannot be reached (the scrape must not fail). */
  async function current(): Promise<void> {
    if (Date.now() - cachedAt < CACHE_MS) return;
    refreshing ??= refresh()
      .catch(() => visibilityErrors.inc())
      .finally(() => {
        refreshing = undefined;
      });
    await refreshing;
  }

  const visibilityErrors = new Counter({
    name: 'gridflow_visibility_scrape_errors_total',
    help: 'Scrapes that could not read case counts from Temporal (the gauges keep their last values)',
    registers: [metricsRegistry],
  });

  new Gauge({
    name: 'gridflow_open_cases',
    help: 'Running cases by status and level (from Temporal visibility)',
    labelNames: ['status', 'level'] as const,
    registers: [metricsRegistry],
    async collect() {
      await current();
      for (const cell of counts) this.set({ status: cell.status, level: cell.level }, cell.value);
    },
  });
  new Gauge({
    name: 'gridflow_overdue_cases',
    help: 'Running cases past their deadline or overdue at the top of the ladder (from Temporal visibility)',
    registers: [metricsRegistry],
    async collect() {
      await current();
      this.set(overdue);
    },
  });
}
