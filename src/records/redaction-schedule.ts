/**
 * The Temporal Schedule that runs `recordsRedactionWorkflow` every night at 03:30 in the city's
 * time zone. Created at start, idempotently: an existing schedule is updated to the current
 * period and task queue instead of failing or being duplicated.
 */
import { ScheduleAlreadyRunning, type Client } from '@temporalio/client';
import { RECORDS_REDACTION_WORKFLOW_TYPE } from '../workflows/records-redaction-definitions';

/** One schedule per namespace. */
export const REDACTION_SCHEDULE_ID = 'gridflow-records-redaction';

export interface RedactionScheduleOptions {
  taskQueue: string;
  /** ISO 8601 duration after closure, e.g. P3Y. */
  redactAfter: string;
  timeZone: string;
}

function actionOf(options: RedactionScheduleOptions) {
  return {
    type: 'startWorkflow' as const,
    workflowType: RECORDS_REDACTION_WORKFLOW_TYPE,
    workflowId: REDACTION_SCHEDULE_ID,
    taskQueue: options.taskQueue,
    args: [{ redactAfter: options.redactAfter }],
  };
}

/** Creates the schedule, or brings an existing one up to date; returns which it did. */
export async function ensureRedactionSchedule(client: Client, options: RedactionScheduleOptions): Promise<'created' | 'updated'> {
  try {
    await client.schedule.create({
      scheduleId: REDACTION_SCHEDULE_ID,
      spec: { calendars: [{ hour: 3, minute: 30 }], timezone: options.timeZone },
      action: actionOf(options),
      // A pass still running when the next night comes makes the next one pointless.
      policies: { overlap: 'SKIP', catchupWindow: '1 day' },
    });
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule.getHandle(REDACTION_SCHEDULE_ID).update((previous) => ({
      ...previous,
      spec: { calendars: [{ hour: 3, minute: 30 }], timezone: options.timeZone },
      action: actionOf(options),
    }));
    return 'updated';
  }
}
