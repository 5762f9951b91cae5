/**
 * All activities, built from their dependencies so tests can inject real or fake ones
 * (the `createActivities(deps)` pattern of temporalio/samples-typescript).
 */
import type { OrgTree } from '../domain/org-tree';
import type { NotificationChannel } from '../notifications/channel';
import { createCalendarRolloutActivities } from './calendar-rollout';
import { createDirectoryActivities } from './directory';
import { createNotifyActivity, type NotifySettings } from './notify';
import { createRecordActivities } from './records';
import { createRedactionActivities } from './records-redaction';
import type { RecordsStore } from '../records/store';
import type { Client } from '@temporalio/client';
import type { DirectoryForHandOver } from '../directory/hand-over-port';
import { createHandOverActivities, type HandOverActivities } from './hand-over';

export interface ActivityDeps {
  /** What the activities read of the config (a GridflowConfig has it): the notify activity's settings. */
  config: NotifySettings;
  org: OrgTree;
  channel: NotificationChannel;
  publicUrl?: string | undefined;
  /** Where workflows' events are kept for years (reports, history after retention). */
  records: RecordsStore;
  /** The client the hand-over of a leaver's work sends each item's update through. */
  client?: Client | undefined;
  /** The directory a hand-over deactivates the leaver in; without it a hand-over waits for a worker that has one. */
  handOverDirectory?: DirectoryForHandOver | undefined;
}

/** Every activity the worker registers, each built from the dependencies it needs. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createCalendarRolloutActivities(deps.records),
    ...createDirectoryActivities(deps.org),
    ...createNotifyActivity(deps),
    ...createRecordActivities(deps.records),
    ...createRedactionActivities(deps.records),
    ...createHandOverActivities(deps),
  };
}

/**
 * The activity interface workflows proxy (imported as a type only). The hand-over's own
 * activities are typed apart (HandOverActivities), so fakes for the other workflows need not carry them.
 */
export type Activities = Omit<ReturnType<typeof createActivities>, keyof HandOverActivities>;
export type { HandOverActivities, HandOverItemResult } from './hand-over';
