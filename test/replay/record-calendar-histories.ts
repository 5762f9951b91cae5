/**
 * Records the histories of the calendar paths, for the replay tests:
 *   npx tsx test/replay/record-calendar-histories.ts
 * A case that takes a newer calendar by signal and continues-as-new carrying it (both runs), and
 * a calendar roll-out over two open cases. Keep the files: they stand for running executions.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { DateTime } from 'luxon';
import { resolveCityCalendar } from '../../src/calendar/city-calendar';
import { temporalCliPath } from '../../src/temporal/binaries';
import type { CaseState } from '../../src/domain/case-model';
import { caseWorkflow } from '../../src/workflows/case';
import { calendarUpdateSignal } from '../../src/workflows/calendar-definitions';
import { calendarRolloutWorkflow } from '../../src/workflows/calendar-rollout';
import { caseActionUpdate, getCaseQuery } from '../../src/workflows/case-definitions';
import { caseInputFor, tinyCityConfig } from '../helpers/fixtures';
import { startStack } from '../helpers/stack';

const HOUR = 3_600_000;
const directory = path.join(__dirname, 'histories');
const OFFICE_HOURS = [
  { start: '08:30', end: '12:00' },
  { start: '13:30', end: '17:30' },
];

async function main(): Promise<void> {
  const config = tinyCityConfig();
  const stack = await startStack({ config });
  const zone = config.city.timeZone;
  // Before: the installed schedule. After: the same with the next ten days declared local holidays,
  // so any running deadline moves (a correction of the kind a city makes by config).
  const before = resolveCityCalendar({ workingHours: OFFICE_HOURS, weekend: [6, 7], holidays: [], workingWeekends: [] });
  const today = DateTime.now().setZone(zone);
  const tenDays = Array.from({ length: 10 }, (_, n) => today.plus({ days: n }).toISODate()!);
  const after = resolveCityCalendar({ workingHours: OFFICE_HOURS, weekend: [6, 7], holidays: tenDays, workingWeekends: [] });
  const worker = { kind: 'staff' as const, id: 'g-worker', role: 'grid_worker' as const, unitId: 'g' };

  const start = (name: string, historyLimit?: number) => {
    const input = caseInputFor({
      submittedAtMs: Date.now(),
      gridId: 'g',
      config,
      org: stack.org,
      sla: {
        clock: 'working',
        budgets: { grid: 2 * HOUR, community: 2 * HOUR, street: 2 * HOUR, district: 2 * HOUR },
        warnAt: [0.5],
        calendar: before,
        timeZone: zone,
      },
    });
    input.caseId = `replay-${name}-${Date.now()}`;
    return stack.client.workflow.start(caseWorkflow, { args: [input, undefined, { historyLimit }], workflowId: input.caseId, taskQueue: stack.taskQueue });
  };
  const until = async (handle: WorkflowHandle<typeof caseWorkflow>, check: (state: CaseState) => boolean) => {
    for (let i = 0; i < 200; i++) {
      if (check(await handle.query(getCaseQuery))) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('scenario did not reach its state');
  };
  const save = (file: string, workflowId: string, runId?: string) => {
    const args = ['workflow', 'show', '--address', stack.devServer.address, '--workflow-id', workflowId, '--output', 'json'];
    const json = execFileSync(temporalCliPath(), runId ? [...args, '--run-id', runId] : args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    writeFileSync(path.join(directory, file), json);
    process.stdout.write(`saved ${file} (${(JSON.parse(json) as { events: unknown[] }).events.length} events)\n`);
  };

  try {
    // 1. A newer calendar by signal, then continue-as-new carrying it, then cancelled.
    const updated = await start('calendar', 60);
    const firstRun = (await updated.describe()).runId;
    await updated.signal(calendarUpdateSignal, { calendar: after });
    await until(updated, (state) => state.timeline.some((entry) => entry.type === 'calendar_updated'));
    const latest = () => stack.client.workflow.getHandle<typeof caseWorkflow>(updated.workflowId);
    for (let i = 1; i <= 20; i++) await latest().executeUpdate(caseActionUpdate, { args: [{ action: { type: 'note', note: `跟进${i}` }, actor: worker }] });
    const secondRun = (await latest().describe()).runId;
    if (secondRun === firstRun) throw new Error('the case did not continue-as-new');
    await latest().executeUpdate(caseActionUpdate, { args: [{ action: { type: 'cancel', reason: '已自行解决' }, actor: { kind: 'resident' } }] });
    await latest().result();
    save('case-calendar-updated.json', updated.workflowId, firstRun);
    save('case-calendar-updated-carried.json', updated.workflowId, secondRun);

    // 2. A roll-out over two open cases (the records store has them once their first events are in).
    const open = await Promise.all([start('rollout-a'), start('rollout-b')]);
    for (let i = 0; i < 100; i++) {
      const rows = await stack.records.db
        .selectFrom('case_records')
        .select('id')
        .where(
          'id',
          'in',
          open.map((handle) => handle.workflowId),
        )
        .execute();
      if (rows.length === open.length) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const rollout = await stack.client.workflow.start(calendarRolloutWorkflow, {
      args: [{ calendar: after, secondWalkAfterMs: 1_000 }],
      workflowId: `replay-calendar-rollout-${Date.now()}`,
      taskQueue: stack.taskQueue,
    });
    const progress = await rollout.result();
    if (progress.signalled < 2 * open.length) throw new Error(`roll-out signalled ${progress.signalled} times, not twice each of ${open.length}`);
    save('calendar-rollout.json', rollout.workflowId);
    for (const handle of open) await handle.terminate('recorded');
  } finally {
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
