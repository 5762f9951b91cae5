/**
 * The metrics' single pieces: the notify activity counts deliveries, escalations, missed periods
 * and failed deliveries; route labels are patterns, never raw paths; /metrics answers only its
 * scraper and appends the Temporal SDK's own metrics. The whole path is in
 * test/integration/metrics.test.ts.
 */
import http from 'node:http';
import express from 'express';
import { createNotifyActivity } from '../../src/activities/notify';
import { errorHandler } from '../../src/api/errors';
import { metricsRoutes } from '../../src/api/routes/metrics';
import type { NotificationRequest } from '../../src/domain/notification';
import { metricsRegistry } from '../../src/metrics/registry';
import type { NotificationChannel } from '../../src/notifications/channel';
import pino from 'pino';
import { demoConfig, demoOrg } from '../helpers/fixtures';

/** The current value of a counter with these labels (0 when never incremented). */
async function valueOf(name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = await metricsRegistry.getSingleMetric(name)?.get();
  const sample = metric?.values.find((value) => Object.entries(labels).every(([key, wanted]) => value.labels[key] === wanted));
  return sample?.value ?? 0;
}

const escalated: NotificationRequest = {
  messageId: 'case-c-m.3.case_escalated',
  template: 'case_escalated',
  staffIds: ['qu-guilan'],
  facts: { caseId: 'c-m', category: 'road_repair', priority: 'normal', description: '井盖', level: 'community', unitId: 'santang', status: 'assigned' },
  extra: { reason: 'x' },
};

describe('the notify activity counts what it announces', () => {
  it('counts a delivered escalation once, by kind and level', async () => {
    const delivered: string[] = [];
    const channel: NotificationChannel = { name: 'mail', deliver: (m) => Promise.resolve(void delivered.push(m.messageId)) };
    const notify = createNotifyActivity({ config: demoConfig, org: demoOrg, channel }).notify;
    const before = await valueOf('gridflow_escalations_total', { kind: 'case', level: 'community' });
    const sent = await valueOf('gridflow_notifications_total', { template: 'case_escalated' });
    await notify(escalated);
    expect(delivered).toHaveLength(1);
    expect(await valueOf('gridflow_escalations_total', { kind: 'case', level: 'community' })).toBe(before + 1);
    expect(await valueOf('gridflow_notifications_total', { template: 'case_escalated' })).toBe(sent + 1);
  });

  it('counts each failed delivery, and nothing as sent until everyone has it', async () => {
    const channel: NotificationChannel = {
      name: 'mail',
      deliver: () => Promise.reject(new Error('451 try again later')),
    };
    const notify = createNotifyActivity({ config: demoConfig, org: demoOrg, channel }).notify;
    const failures = await valueOf('gridflow_email_failures_total', { channel: 'mail' });
    const escalations = await valueOf('gridflow_escalations_total', { kind: 'case', level: 'community' });
    await expect(notify(escalated)).rejects.toThrow(/delivery failed/);
    expect(await valueOf('gridflow_email_failures_total', { channel: 'mail' })).toBe(failures + 1);
    expect(await valueOf('gridflow_escalations_total', { kind: 'case', level: 'community' })).toBe(escalations);
  });

  it('counts a missed contact period', async () => {
    const channel: NotificationChannel = { name: 'mail', deliver: () => Promise.resolve() };
    const notify = createNotifyActivity({ config: demoConfig, org: demoOrg, channel }).notify;
    const before = await valueOf('gridflow_obligation_misses_total');
    await notify({
      messageId: 'o-x.p1.obligation_missed',
      template: 'obligation_missed',
      staffIds: ['qu-guilan'],
      obligation: {
        obligationId: 'o-x',
        obligeeId: 'qu-guilan',
        unitId: 'santang-1',
        periodKey: '2026-W48',
        periodEndsAt: '2026-11-29T16:00:00Z',
        required: 1,
        contacts: 0,
        missedInARow: 1,
      },
    });
    expect(await valueOf('gridflow_obligation_misses_total')).toBe(before + 1);
  });
});

describe('GET /metrics', () => {
  let sdk: http.Server;
  let sdkAddress: string;

  beforeAll(async () => {
    // Stands in for the SDK core's Prometheus exporter.
    sdk = http.createServer((_req, res) => res.end('temporal_workflow_task_execution_latency_count 3\n'));
    await new Promise<void>((resolve) => sdk.listen(0, '127.0.0.1', resolve));
    sdkAddress = `127.0.0.1:${(sdk.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => sdk.close(() => resolve())));

  async function scrape(options: Parameters<typeof metricsRoutes>[0], headers: Record<string, string> = {}) {
    const app = express()
      .use(metricsRoutes(options))
      .use(errorHandler(pino({ level: 'silent' })));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/metrics`, { headers });
      return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
    } finally {
      server.close();
    }
  }

  it("answers a loopback scraper with gridflow's metrics followed by the SDK's", async () => {
    const answer = await scrape({ sdkMetricsAddress: sdkAddress });
    expect(answer.status).toBe(200);
    expect(answer.type).toMatch(/^text\/plain/);
    expect(answer.text).toMatch(/^# HELP gridflow_/m);
    expect(answer.text).toContain('gridflow_notifications_total');
    expect(answer.text.indexOf('temporal_workflow_task_execution_latency_count 3')).toBeGreaterThan(answer.text.indexOf('gridflow_'));
  });

  it('requires the token when one is configured, compared in full', async () => {
    const token = 'scrape-token-0123456789';
    expect((await scrape({ token })).status).toBe(403);
    expect((await scrape({ token }, { authorization: `Bearer ${token}x` })).status).toBe(403);
    expect((await scrape({ token }, { authorization: `Bearer ${token}` })).status).toBe(200);
  });

  it('still answers when the SDK exporter is gone', async () => {
    const answer = await scrape({ sdkMetricsAddress: '127.0.0.1:1' });
    expect(answer.status).toBe(200);
    expect(answer.text).not.toContain('temporal_');
  });
});
