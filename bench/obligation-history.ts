/**
 * The history of an obligation after a year of weekly periods (issue 8, item 3: "flat").
 *
 *   npx tsx bench/obligation-history.ts [--weeks 52]
 *
 * On the real time-skipping test server, with the real workflow code and a records store in
 * memory: one weekly obligation runs --weeks periods (a contact logged in most of them), and the
 * length of the current run's history is read every week. One run per period (continue-as-new)
 * is what keeps it flat; the whole year takes seconds of wall time.
 */
import { parseArgs } from 'node:util';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import type { Activities } from '../src/activities';
import { createRecordActivities } from '../src/activities/records';
import { createCalendarRolloutActivities } from '../src/activities/calendar-rollout';
import { createRedactionActivities } from '../src/activities/records-redaction';
import { demoConfigAndOrg } from './lib/demo';
import { obligationInputFor } from '../src/domain/obligation-model';
import { periodContaining } from '../src/domain/obligation-periods';
import { openRecordsStore } from '../src/records/store';
import { temporalTestServerPath } from '../src/temporal/binaries';
import { WORKFLOWS_PATH } from '../src/temporal/worker';
import { obligationWorkflow } from '../src/workflows/obligation';
import { getObligationQuery, logContactUpdate } from '../src/workflows/obligation-definitions';

const { values: args } = parseArgs({ options: { weeks: { type: 'string', default: '52' } } });
const WEEKS = Number(args.weeks);
const HOUR = 3_600_000;
const WEEK = 7 * 24 * HOUR;

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const { config, org } = demoConfigAndOrg();
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: temporalTestServerPath() } } });
  const records = await openRecordsStore({ sqliteFile: ':memory:' });
  const activities: Activities = {
    notify: () => Promise.resolve({ delivered: [] }),
    currentDutyOfficer: (unitId: string) => Promise.resolve(org.dutyOfficer(unitId)?.id),
    ...createRecordActivities(records),
    ...createRedactionActivities(records),
    ...createCalendarRolloutActivities(records),
  };
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: 'bench-obligation',
    workflowBundle: await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('ERROR') }),
    activities,
  });
  const obligee = config.staff.find((person) => person.role === 'supervisor' && org.unit(person.unit)?.level === 'street')!;
  const grid = org.allUnits().find((unit) => unit.level === 'grid' && org.isWithin(unit.id, obligee.unit))!;
  const wall = Date.now();
  await worker.runUntil(async () => {
    const t0 = await env.currentTimeMs();
    const input = obligationInputFor(config, org, { obligeeId: obligee.id, unitId: grid.id, period: 'P7D', times: 1 }, new Date(t0));
    const started = await env.client.workflow.start(obligationWorkflow, {
      args: [input, undefined, { searchAttributes: false }],
      workflowId: input.obligationId,
      taskQueue: 'bench-obligation',
    });
    const handle = env.client.workflow.getHandle<typeof obligationWorkflow>(started.workflowId);
    await env.sleep(periodContaining(t0, 'P7D', config.city.timeZone).endMs - t0 + 3 * 24 * HOUR);
    const lengths: number[] = [];
    for (let week = 1; week <= WEEKS; week++) {
      // Every fifth week goes unmet: misses, reminders and an escalation are in the history too.
      if (week % 5 !== 0) {
        const now = await env.currentTimeMs();
        await handle.executeUpdate(logContactUpdate, {
          args: [
            { at: new Date(now - HOUR).toISOString(), channel: 'visit', actor: { kind: 'staff', id: obligee.id, role: obligee.role, unitId: obligee.unit } },
          ],
        });
      }
      lengths.push((await handle.describe()).historyLength);
      await env.sleep(WEEK);
    }
    const state = await handle.query(getObligationQuery);
    console.log(`${WEEKS} weekly periods in ${((Date.now() - wall) / 1000).toFixed(1)} s of wall time; met ${state.totals.met}, missed ${state.totals.missed}`);
    console.log(
      `history of the current run: week 1 ${lengths[0]} events, week ${Math.ceil(WEEKS / 2)} ${lengths[Math.ceil(WEEKS / 2) - 1]}, week ${WEEKS} ${lengths.at(-1)}, max ${Math.max(...lengths)}`,
    );
    await handle.executeUpdate('endObligation', { args: [{ reason: 'bench', actor: { kind: 'system' } }] }).catch(() => undefined);
  });
  await records.close();
  await env.teardown();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
