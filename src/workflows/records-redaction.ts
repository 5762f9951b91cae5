/**
 * `recordsRedactionWorkflow`: one pass of privacy redaction over the records store, started by
 * the Temporal Schedule `gridflow-records-redaction` (src/records/redaction-schedule.ts). A
 * workflow rather than a cron in the API: it runs once per tick on whichever worker is up, and
 * its retries survive restarts.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { RedactionResult } from '../records/redaction';

/** Retried for a day: a store outage only postpones redaction to the next try or the next tick. */
const { redactExpiredRecords } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  scheduleToCloseTimeout: '1 day',
  retry: { initialInterval: '1 minute', backoffCoefficient: 2, maximumInterval: '1 hour' },
});

export async function recordsRedactionWorkflow(input: { redactAfter: string }): Promise<RedactionResult> {
  return redactExpiredRecords(input);
}
