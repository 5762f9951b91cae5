/**
 * All activities, built from their dependencies so tests can inject real or fake ones
 * (the `createActivities(deps)` pattern of temporalio/samples-typescript).
 */
import type { GridflowConfig } from '../config/schema';
import type { OrgTree } from '../domain/org-tree';
import type { NotificationChannel } from '../notifications/channel';
import { createDirectoryActivities } from './directory';
import { createNotifyActivity } from './notify';

export interface ActivityDeps {
  config: GridflowConfig;
  org: OrgTree;
  channel: NotificationChannel;
  publicUrl?: string | undefined;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createDirectoryActivities(deps.org),
    ...createNotifyActivity(deps),
  };
}

/** The activity interface workflows proxy (imported as a type only). */
export type Activities = ReturnType<typeof createActivities>;
