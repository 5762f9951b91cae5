/**
 * One way of reaching a person (e-mail today; SMS or a messaging app later). Workflows never see
 * channels: they ask the notify activity, which renders the text and hands it to the channel.
 */

/**
 * Channels this build can deliver through, as `NOTIFICATION_CHANNEL` names them. Here rather than
 * beside the channels themselves, so that checking the environment loads no transport (nodemailer).
 */
export const CHANNEL_NAMES = ['mail'] as const;
export type ChannelName = (typeof CHANNEL_NAMES)[number];

/** A rendered message for one recipient. */
export interface OutgoingMessage {
  /** Globally unique and stable across retries, e.g. `<case-1.3.case_assigned.wang-fang@gridflow>`. */
  messageId: string;
  /** `address` is the e-mail address; `phone` (staff only, from the config) is for text-message channels. */
  to: { address: string; name?: string | undefined; phone?: string | undefined };
  subject: string;
  text: string;
  html: string;
}

/** Delivers rendered messages; throws when delivery failed and may be retried. */
export interface NotificationChannel {
  readonly name: string;
  deliver(message: OutgoingMessage): Promise<void>;
  close?(): void;
}
