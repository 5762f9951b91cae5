/**
 * The records store's one schema, as kysely sees it. The same tables exist on SQLite and
 * PostgreSQL (see migrations.ts): times are ISO 8601 UTC text (they sort as they compare), flags
 * are 0/1 integers and whole states are JSON text, so every query is portable.
 */
import type { RecordKind } from './events';

/** One event of one execution; (workflow_id, seq) is the idempotency key. */
export interface RecordEventsTable {
  workflow_id: string;
  seq: number;
  kind: RecordKind;
  type: string;
  at: string;
  /** The event as JSON. */
  data: string;
  /** State of the execution after this event's batch, JSON; set on the last event of a batch. */
  state: string | null;
  recorded_at: string;
}

/** Current state of one case; the columns are what reports filter and count on. */
export interface CaseRecordsTable {
  id: string;
  status: string;
  category: string;
  priority: string;
  level: string;
  unit_id: string;
  grid_id: string;
  assignee_id: string;
  submitted_at: string;
  resolved_at: string | null;
  closed_at: string | null;
  /** 1/0 for the last resolution's "within its deadline"; null while never resolved. */
  within_deadline: number | null;
  escalations: number;
  reopens: number;
  rating: number | null;
  overdue: number;
  /** The current deadline (absent while the clock is paused); null on rows older than migration 0002 until their next event. */
  due_at: string | null;
  last_seq: number;
  state: string;
  updated_at: string;
  redacted_at: string | null;
}

/** Current state of one mediation. */
export interface MediationRecordsTable {
  id: string;
  case_id: string;
  stage: string;
  category: string;
  level: string;
  unit_id: string;
  /** The community whose committee first held the dispute: its place in the unit tree. */
  community_id: string;
  started_at: string;
  closed_at: string | null;
  /** 1 once an agreement came into force (signed by all). */
  agreement: number;
  /** 1 once a follow-up found the agreement breached. */
  breached: number;
  escalations: number;
  reopens: number;
  last_seq: number;
  state: string;
  updated_at: string;
  redacted_at: string | null;
}

/** Current state of one contact obligation. */
export interface ObligationRecordsTable {
  id: string;
  status: string;
  obligee_id: string;
  unit_id: string;
  period: string;
  times: number;
  met_periods: number;
  missed_periods: number;
  ended_at: string | null;
  last_seq: number;
  state: string;
  updated_at: string;
}

/** A unit of the directory; JSON text for its name, addresses and bounds as the config spells them. */
export interface DirectoryUnitsTable {
  id: string;
  level: string;
  parent_id: string | null;
  name: string;
  duty_officer_id: string;
  addresses: string;
  bounds: string | null;
  /** Listing order: the config file's order, new units after. */
  position: number;
  /** Directory version of the row's last change: its ETag. */
  changed_version: number;
}

/** A staff member; their own unit and role are their first post. */
export interface DirectoryStaffTable {
  id: string;
  name: string;
  email: string;
  phone: string | null;
  role: string;
  unit_id: string;
  locale: string;
  /** 0 for a leaver: kept for the names in old timelines, refused at sign-in. */
  active: number;
  position: number;
  changed_version: number;
}

/** A post beyond the staff member's own unit. */
export interface DirectoryPostsTable {
  staff_id: string;
  position: number;
  unit_id: string;
  /** null: the staff member's own role. */
  role: string | null;
}

/** The one row (id 1) every process polls: bumped by each directory change. */
export interface DirectoryVersionTable {
  id: number;
  version: number;
  changed_at: string | null;
}

/** Who changed which unit or staff member, when, and what it was before and after (JSON). */
export interface DirectoryAuditTable {
  version: number;
  seq: number;
  at: string;
  actor_id: string;
  change: string;
  target_kind: string;
  target_id: string;
  before: string | null;
  after: string | null;
  reason: string | null;
}

/** Every table of the store. */
export interface RecordsDatabase {
  record_events: RecordEventsTable;
  case_records: CaseRecordsTable;
  mediation_records: MediationRecordsTable;
  obligation_records: ObligationRecordsTable;
  directory_units: DirectoryUnitsTable;
  directory_staff: DirectoryStaffTable;
  directory_posts: DirectoryPostsTable;
  directory_version: DirectoryVersionTable;
  directory_audit: DirectoryAuditTable;
}
