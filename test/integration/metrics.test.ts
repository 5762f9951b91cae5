/**
 * /metrics on the real stack (dev server, worker, SMTP) of a city with 4-second deadlines: a
 * submitted case shows in the request histogram by route pattern, its assignment and escalation
 * in the activity counters, and its status × level and overdue state in the gauges read from
 * Temporal visibility.
 */
import { tinyCityConfig } from '../helpers/fixtures';
import { http, startStack, waitFor, type Stack } from '../helpers/stack';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ config: tinyCityConfig() });
});

afterAll(async () => {
  await stack?.stop();
});

/** The value of one sample in Prometheus text, or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`))) return Number(line.split(' ').at(-1));
  }
  return undefined;
}

test('requests, notifications, escalations and case gauges reach /metrics', async () => {
  const created = await http(stack, 'POST', '/api/v1/cases', {
    body: { category: 'road_repair', description: '井盖缺失', address: '测试路1号', reporter: { name: '李四' } },
    headers: { 'x-api-key': stack.apiKeys.app! },
  });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  await http(stack, 'GET', `/api/v1/cases/${id}`, { headers: { authorization: `Bearer ${stack.tokenFor('d-admin')}` } });
  await http(stack, 'GET', '/api/v1/cases/c-aaaaaaaaaaaaaaaa', { headers: { authorization: `Bearer ${stack.tokenFor('d-admin')}` } });

  // After the grid deadline the case is at the community, and visibility says so.
  await waitFor(
    async () => {
      const read = await http(stack, 'GET', `/api/v1/cases?unit=c&level=community`, { headers: { authorization: `Bearer ${stack.tokenFor('d-admin')}` } });
      return read.body.items?.some((item: { id: string }) => item.id === id) ? true : undefined;
    },
    20_000,
    'the escalation in visibility',
  );
  const text = await waitFor(
    async () => {
      const scraped = await fetch(`${stack.baseUrl}/metrics`);
      const body = await scraped.text();
      return scraped.status === 200 && (sample(body, 'gridflow_escalations_total', { kind: 'case', level: 'community' }) ?? 0) >= 1 ? body : undefined;
    },
    20_000,
    'the escalation counted',
  );

  expect(sample(text, 'gridflow_http_request_duration_seconds_count', { method: 'POST', route: '/api/v1/cases', status: '201' })).toBeGreaterThanOrEqual(1);
  expect(sample(text, 'gridflow_http_request_duration_seconds_count', { method: 'GET', route: '/api/v1/cases/:id', status: '200' })).toBeGreaterThanOrEqual(1);
  expect(sample(text, 'gridflow_http_request_duration_seconds_count', { method: 'GET', route: '/api/v1/cases/:id', status: '404' })).toBeGreaterThanOrEqual(1);
  // Never a raw path as a label.
  expect(text).not.toContain(`route="/api/v1/cases/${id}"`);
  expect(sample(text, 'gridflow_notifications_total', { template: 'case_assigned' })).toBeGreaterThanOrEqual(1);
  expect(sample(text, 'gridflow_open_cases', { status: 'assigned', level: 'community' })).toBeGreaterThanOrEqual(1);
  expect(sample(text, 'gridflow_overdue_cases')).toBeGreaterThanOrEqual(0);
  expect(sample(text, 'gridflow_process_resident_memory_bytes')).toBeGreaterThan(0);
});
