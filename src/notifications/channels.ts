/**
 * The notification channel named in the environment (`NOTIFICATION_CHANNEL`). Workflows and the
 * notify activity only know the NotificationChannel interface, so a new way of reaching people
 * (an SMS gateway, a messaging app) is a new entry here and a setting, never a workflow change.
 */
import type { ChannelName, NotificationChannel } from './channel';
import { createMailChannel } from './email-channel';

/** What the channels need from the environment. */
export interface ChannelSettings {
  smtpUrl: string;
  mailFrom: string;
}

/** Creates the channel `name`. */
export function createChannel(name: ChannelName, settings: ChannelSettings): NotificationChannel {
  switch (name) {
    case 'mail':
      return createMailChannel({ smtpUrl: settings.smtpUrl, from: settings.mailFrom });
  }
}
