/**
 * What a workflow asks to be told to people. Workflows describe the event; the notify activity
 * picks recipients' addresses and languages, renders the catalog text and delivers it.
 */
import type { TimelineEntry } from './case-model';
import type { Level } from './vocabulary';

/** The events people are told about. Each has a text in every catalog language. */
export const NOTIFICATION_TEMPLATES = [
  'case_assigned',
  'case_warning',
  'case_escalated',
  'case_overdue',
  'case_reassigned',
  'case_resolved',
  'case_closed',
  'obligation_reminder',
  'obligation_missed',
  'obligation_escalated',
  'obligation_handed_over',
  'mediation_consent_requested',
  'mediation_consent_reminder',
  'mediation_escalated',
  'mediation_awaiting_mediator',
  'mediation_mediator_assigned',
  'mediation_session_scheduled',
  'mediation_session_reminder',
  'mediation_agreement_signed',
  'mediation_judicial_reminder',
  'mediation_follow_up_due',
  'mediation_overdue',
  'mediation_reopened',
  'mediation_fulfilled',
  'mediation_declined',
  'mediation_withdrawn',
  'mediation_referred',
] as const;
export type NotificationTemplate = (typeof NOTIFICATION_TEMPLATES)[number];

/** Facts about a case that every case template may show. */
export interface CaseFacts {
  caseId: string;
  category: string;
  priority: string;
  title?: string | undefined;
  description: string;
  address?: string | undefined;
  level: Level;
  unitId: string;
  dueAt?: string | undefined;
  status: string;
}

/** Facts about a contact obligation, for obligation templates. */
export interface ObligationFacts {
  obligationId: string;
  obligeeId: string;
  unitId: string;
  periodKey: string;
  periodEndsAt: string;
  required: number;
  contacts: number;
  missedInARow: number;
}

/** A request to notify people of one event. */
export interface NotificationRequest {
  /**
   * Stable per workflow event (`<workflowId>.<seq>.<template>`): the e-mail Message-ID is derived
   * from it, so a send repeated by an activity retry is recognisable as the same message.
   */
  messageId: string;
  template: NotificationTemplate;
  /** Staff by id; resolved to address and language by the directory at send time. */
  staffIds?: string[] | undefined;
  /** Also tell the supervisors of this unit and of its ancestors. */
  supervisorsOf?: string | undefined;
  /** The resident, when they left an e-mail address. */
  resident?: { email: string; name?: string | undefined; locale?: string | undefined } | undefined;
  /** The case the event is about (case templates). */
  facts?: CaseFacts | undefined;
  /** The obligation the event is about (obligation templates). */
  obligation?: ObligationFacts | undefined;
  /** Extra values for the template, e.g. the warning fraction or the reason of an escalation. */
  extra?: Record<string, string | number> | undefined;
  /** History so far, for escalation e-mails. */
  timeline?: TimelineEntry[] | undefined;
}
