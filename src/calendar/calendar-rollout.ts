/**
 * Starts the roll-out of this process's calendar to running cases and mediations, once per
 * calendar version. An API process calls it at start: after a deploy with next year's notice (a
 * newer `chinese-days`, or dates added to config) the first process up rolls the calendar out,
 * and every later start finds the roll-out already done. `npm run calendar:rollout` does the same
 * by hand, and with `--again` rolls a version out a second time (after reverting to it).
 */
import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { WorkingCalendar } from '../domain/working-calendar';
import { CALENDAR_ROLLOUT_WORKFLOW_TYPE, calendarRolloutWorkflowId } from '../workflows/calendar-definitions';
import type { calendarRolloutWorkflow } from '../workflows/calendar-rollout';

/** What {@link startCalendarRollout} did. */
export type CalendarRolloutStart =
  | { kind: 'started'; workflowId: string }
  /** This version was rolled out before (or is being rolled out now). */
  | { kind: 'already'; workflowId: string }
  /** The calendar carries no version (not resolved): there is nothing to compare running work against. */
  | { kind: 'unversioned' };

export interface CalendarRolloutOptions {
  taskQueue: string;
  /** Roll out a version that was rolled out before (after reverting to it). */
  again?: boolean;
}

/**
 * Starts the roll-out of `calendar` unless its version has had one. The workflow id names the
 * version and the server refuses a second start while one runs or after one completed, so any
 * number of processes starting at once start one roll-out between them.
 */
export async function startCalendarRollout(client: Client, calendar: WorkingCalendar, options: CalendarRolloutOptions): Promise<CalendarRolloutStart> {
  const { version } = calendar;
  if (version === undefined) return { kind: 'unversioned' };
  const base = calendarRolloutWorkflowId(version);
  const workflowId = options.again ? `${base}-${randomUUID()}` : base;
  try {
    await client.workflow.start<typeof calendarRolloutWorkflow>(CALENDAR_ROLLOUT_WORKFLOW_TYPE, {
      workflowId,
      taskQueue: options.taskQueue,
      args: [{ calendar: { ...calendar, version } }],
      workflowIdConflictPolicy: 'FAIL',
      // Once per version; a roll-out that failed or was terminated may be started again.
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
    });
    return { kind: 'started', workflowId };
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return { kind: 'already', workflowId };
    throw error;
  }
}
