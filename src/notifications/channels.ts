/**
 * The notification channel named in the environment (`NOTIFICATION_CHANNEL`). Workflows and the
 * notify activity only know the NotificationChannel interface, so a new way of reaching people
 * (an SMS gateway, a messaging app) is a new entry here and a setting, never a workflow change.
 */
import { createMailChannel } from './email-channel';
import type { NotificationChannel } from './channel';

/** Channels this build can deliver through. */
export const CHANNEL_NAMES = ['mail'] as const;
export type ChannelName = (typeof CHANNEL_NAMES)[number];

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
