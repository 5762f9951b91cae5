/**
 * `npm run calendar:rollout [-- --again] [-- --wait]`: brings the calendar of this checkout's config
 * (the installed `chinese-days` plus the city's dates) to every open case and mediation. API
 * processes do this at start once per calendar version; run it by hand after changing only the
 * workers' config, or with `--again` to roll out a version a second time (after reverting to it).
 * `--wait` waits for the roll-out to finish and prints how many workflows it reached. Uses
 * GRIDFLOW_CONFIG, TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and TEMPORAL_TASK_QUEUE (default: the
 * embedded dev server of `npm start`, 127.0.0.1:7233).
 */
import { parseArgs } from 'node:util';
import { startCalendarRollout } from '../src/calendar/calendar-rollout';
import { withCityCalendar } from '../src/calendar/city-calendar';
import { loadEnv } from '../src/config/env';
import { loadConfig } from '../src/config/load';
import { createApiClient } from '../src/temporal/connection';
import type { CalendarRolloutProgress } from '../src/workflows/calendar-rollout';
import { temporalTarget } from '../src/worker-process';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { again: { type: 'boolean', default: false }, wait: { type: 'boolean', default: false } } });
  const env = loadEnv();
  const { calendar } = withCityCalendar(loadConfig(env.GRIDFLOW_CONFIG));
  const client = createApiClient(temporalTarget(env, '127.0.0.1:7233'));
  try {
    const start = await startCalendarRollout(client, calendar, { taskQueue: env.TEMPORAL_TASK_QUEUE, again: values.again });
    if (start.kind === 'unversioned') throw new Error('the calendar has no version: it was not resolved');
    process.stdout.write(
      start.kind === 'started'
        ? `calendar ${calendar.version} (known through ${calendar.knownThrough}): roll-out ${start.workflowId} started\n`
        : `calendar ${calendar.version}: rolled out before by ${start.workflowId} (use --again to repeat)\n`,
    );
    if (values.wait) {
      const progress = (await client.workflow.getHandle(start.workflowId).result()) as CalendarRolloutProgress;
      process.stdout.write(`reached ${progress.signalled} open workflows (${progress.gone} had closed meanwhile)\n`);
    }
  } finally {
    await client.connection.close();
  }
}

main().catch((error: unknown) => {
  console.error(`calendar:rollout failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
