/**
 * Fire-and-forget notifications from workflow code. A workflow never awaits an e-mail on its
 * timer path — an SMTP outage must not delay an escalation — but it waits for what is still in
 * flight before it completes or continues-as-new, so nothing is dropped.
 */
import { log, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { NotificationRequest } from '../domain/notification';

/** Retried until the SMTP server is back (a week at most), with bounded attempts in between. */
const { notify } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '7 days',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

export class Notifier {
  private readonly pending = new Set<Promise<void>>();

  /** Schedules delivery now; a final failure is logged, never allowed to fail the workflow. */
  send(request: NotificationRequest): void {
    const delivery = notify(request).then(
      () => undefined,
      (error: unknown) => log.error('notification not delivered', { messageId: request.messageId, error: String(error) }),
    );
    this.pending.add(delivery);
    void delivery.finally(() => this.pending.delete(delivery));
  }

  /** Waits for every notification still in flight. */
  async drain(): Promise<void> {
    await Promise.all(this.pending);
  }
}
