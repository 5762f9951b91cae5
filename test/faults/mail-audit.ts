/**
 * What e-mail the workflows asked for, read from their Temporal histories, set against what the
 * SMTP server received: every notify activity must have completed, every message it reports
 * delivered must have arrived, nothing may arrive that no workflow asked for, and repeats must
 * be repeats of the same Message-ID (a send cut off mid-way and retried).
 */
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { NotificationRequest } from '../../src/domain/notification';

/** The e-mail side of one set of workflows. */
export interface MailLedger {
  /** notify activities scheduled but not (yet) completed, by workflow. */
  pending: string[];
  /** Message-IDs of every delivery the completed activities report. */
  expected: Set<string>;
  /** notify activities that needed more than one attempt: the outage's mark on the record. */
  retried: number;
}

/** The activity the workflows send every notification through. */
const NOTIFY = 'notify';

/** Reads the histories of `workflowIds` and lists the e-mail they asked for and saw delivered. */
export async function mailLedger(client: Client, workflowIds: string[], messageIdDomain = 'gridflow.local'): Promise<MailLedger> {
  const ledger: MailLedger = { pending: [], expected: new Set(), retried: 0 };
  for (const workflowId of workflowIds) {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    const scheduled = new Map<string, NotificationRequest>();
    const completed = new Map<string, string[]>();
    for (const event of history.events ?? []) {
      const eventId = String(event.eventId);
      const asked = event.activityTaskScheduledEventAttributes;
      if (asked?.activityType?.name === NOTIFY) {
        scheduled.set(eventId, defaultPayloadConverter.fromPayload<NotificationRequest>(asked.input!.payloads![0]!));
      }
      const attempt = event.activityTaskStartedEventAttributes?.attempt ?? 0;
      if (attempt > 1 && scheduled.has(String(event.activityTaskStartedEventAttributes?.scheduledEventId))) ledger.retried++;
      const done = event.activityTaskCompletedEventAttributes;
      if (done) {
        const result = done.result?.payloads?.[0];
        const delivered = result ? (defaultPayloadConverter.fromPayload<{ delivered?: string[] } | undefined>(result)?.delivered ?? []) : [];
        completed.set(String(done.scheduledEventId), delivered);
      }
    }
    for (const [eventId, request] of scheduled) {
      const delivered = completed.get(eventId);
      if (delivered === undefined) {
        ledger.pending.push(`${workflowId}: ${request.messageId}`);
        continue;
      }
      for (const recipient of delivered) ledger.expected.add(`<${request.messageId}.${recipient}@${messageIdDomain}>`);
    }
  }
  return ledger;
}

/** How the received Message-IDs compare with the expected ones. */
export function compareMail(expected: Set<string>, received: (string | undefined)[]) {
  const counts = new Map<string, number>();
  for (const id of received) counts.set(id ?? '(no Message-ID)', (counts.get(id ?? '(no Message-ID)') ?? 0) + 1);
  return {
    missing: [...expected].filter((id) => !counts.has(id)),
    unexpected: [...counts.keys()].filter((id) => !expected.has(id)),
    repeated: [...counts].filter(([, count]) => count > 1).map(([id, count]) => `${id} ×${count}`),
  };
}
