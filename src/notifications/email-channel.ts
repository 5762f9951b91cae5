/**
 * The e-mail channel: nodemailer over SMTP. One transport per process, pooled connections. A
 * channel, not an activity: the notify activity hands it rendered messages (see ./channel).
 */
import nodemailer, { type Transporter } from 'nodemailer';
import type { NotificationChannel, OutgoingMessage } from './channel';

export interface MailChannelOptions {
  /** `smtp://user:pass@host:port` or `smtps://...`. */
  smtpUrl: string;
  /** From header, e.g. `gridflow <noreply@example.org>`. */
  from: string;
}

/** Creates the e-mail channel. Delivery errors propagate so the activity retries. */
export function createMailChannel(options: MailChannelOptions): NotificationChannel {
  const transport: Transporter = nodemailer.createTransport(options.smtpUrl, {
    // Bounded waits: a hung SMTP server must fail the attempt so Temporal retries it later.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    name: 'email',
    async deliver(message: OutgoingMessage): Promise<void> {
      await transport.sendMail({
        from: options.from,
        to: message.to.name ? { name: message.to.name, address: message.to.address } : message.to.address,
        subject: message.subject,
        text: message.text,
        html: message.html,
        messageId: message.messageId,
        textEncoding: 'base64',
        headers: { 'Auto-Submitted': 'auto-generated' },
      });
    },
    close() {
      transport.close();
    },
  };
}
