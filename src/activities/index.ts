/**
 * All activities, built from their dependencies so tests can inject real or fake ones
 * (the `createActivities(deps)` pattern of temporalio/samples-typescript).
 */
import type { GridflowConfig } from '../config/schema';
import type { OrgTree } from '../domain/org-tree';
import type { NotificationChannel } from '../notifications/channel';
import { createCalendarRolloutActivities } from './calendar-rollout';
import { createDirectoryActivities } from './directory';
import { createNotifyActivity } from './notify';
import { createRecordActivities } from './records';
import { createRedactionActivities } from './records-redaction';
import type { RecordsStore } from '../records/store';

export interface ActivityDeps {
  config: GridflowConfig;
  org: OrgTree;
  channel: NotificationChannel;
  publicUrl?: string | undefined;
  /** Where workflows' events are kept for years (reports, history after retention). */
  records: RecordsStore;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createCalendarRolloutActivities(deps.records),
    ...createDirectoryActivities(deps.org),
    ...createNotifyActivity(deps),
    ...createRecordActivities(deps.records),
    ...createRedactionActivities(deps.records),
  };
}

/** The activity interface workflows proxy (imported as a type only). */
export type Activities = ReturnType<typeof createActivities>;
