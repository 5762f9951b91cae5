/**
 * What a service request (a "case") is: its input, its state, its timeline, and who acts on it.
 * Shared by the API (which builds the input), the workflow (which owns the state) and activities.
 */
import type { Actor } from './actor';
import type { MediationInput } from './mediation-model';
import type { LadderRung } from './org-tree';
import type { SlaPlan } from './sla-policy';
import type { Level, Locale, Priority } from './vocabulary';

// Defined below the case (an actor by every model, a plan by the SLA policy), named here as before.
export type { Actor } from './actor';
export type { SlaPlan } from './sla-policy';

/** Lifecycle statuses. `closed` and `cancelled` are final. */
export const CASE_STATUSES = ['assigned', 'acknowledged', 'in_progress', 'waiting_info', 'resolved', 'in_mediation', 'closed', 'cancelled'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** Statuses in which the case is done and no deadline runs. */
export const FINAL_STATUSES: readonly CaseStatus[] = ['closed', 'cancelled'];

/** The person who reported the case. Personal data: masked in answers to roles that need not see it. */
export interface Reporter {
  name?: string | undefined;
  phone?: string | undefined;
  email?: string | undefined;
}

/** Workflow input: everything the case needs, resolved by the API at submission. */
export interface CaseInput {
  caseId: string;
  submittedAt: string;
  category: string;
  priority: Priority;
  title?: string | undefined;
  description: string;
  address?: string | undefined;
  location?: { lat: number; lng: number } | undefined;
  reporter?: Reporter | undefined;
  locale: Locale;
  /** Who submitted it: an integration (hotline, app) or a staff member on a resident's behalf. */
  submittedBy: Actor;
  /** Grid first, district last. */
  ladder: LadderRung[];
  /** Grid worker the case starts with. */
  assigneeId: string;
  sla: SlaPlan;
  /** A dispute submitted with its parties goes to mediation at once. */
  mediation?: MediationInput | undefined;
}

/** One step in a case's life, as shown to staff and kept for the records. */
export interface TimelineEntry {
  seq: number;
  at: string;
  type: string;
  actor: Actor;
  level: Level;
  unitId: string;
  assigneeId: string;
  note?: string | undefined;
  /** Structured details of the step (e.g. `{ from, to }` of an escalation). */
  details?: Record<string, unknown> | undefined;
}

/** Where the case's mediation stands, as its child workflow reports it. */
export interface MediationProgress {
  mediationId: string;
  stage: string;
  level: Level;
  unitId: string;
  mediatorId?: string | undefined;
  /** True once the mediation has ended (fulfilled, declined, withdrawn, referred). */
  final: boolean;
  at: string;
}

/** The case's current state, as answered by the `getCase` query. */
export interface CaseState {
  id: string;
  status: CaseStatus;
  category: string;
  priority: Priority;
  title?: string | undefined;
  description: string;
  address?: string | undefined;
  location?: { lat: number; lng: number } | undefined;
  reporter?: Reporter | undefined;
  locale: Locale;
  submittedBy: Actor;
  submittedAt: string;
  level: Level;
  unitId: string;
  /** Grid the case belongs to; its ancestors are the rest of the ladder. */
  gridId: string;
  ladder: LadderRung[];
  assigneeId: string;
  /** Current deadline; absent while the clock is paused and once the case is resolved or final. */
  dueAt?: string | undefined;
  /** True once the deadline at the top of the ladder has passed unresolved. */
  overdue: boolean;
  escalations: number;
  reopens: number;
  /** Level at which the case was last resolved: a reopen goes back there. */
  resolvedAtLevel?: Level | undefined;
  resolvedAt?: string | undefined;
  /** When the resident's confirmation window ends (status `resolved`). */
  confirmBy?: string | undefined;
  closedAt?: string | undefined;
  rating?: number | undefined;
  feedbackComment?: string | undefined;
  /** The dispute mediation this case runs (status `in_mediation`), or ran. */
  mediation?: MediationProgress | undefined;
  timeline: TimelineEntry[];
}
