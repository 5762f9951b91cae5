/**
 * What the hand-over of a leaver needs from the directory, and nothing more: the hand-over
 * workflow's activities depend on this port, and the records-store directory implements it. Kept
 * apart so that neither side imports the other's internals.
 */
import type { FieldKey, MessageValues } from '../i18n/message';

/** An admin's request to deactivate a staff member and hand their work and posts to someone. */
export interface StaffDeactivation {
  staffId: string;
  /** Who takes over the leaver's work and posts. Exactly one of `successorId` and `returnToUnitId`. */
  successorId?: string | undefined;
  /** A unit whose duty officer takes over the leaver's work and posts. */
  returnToUnitId?: string | undefined;
  /** The admin who asked, for the audit trail. */
  actorId: string;
  reason?: string | undefined;
}

/** Why a directory change is refused, naming the request field and, in `values`, the units or staff concerned. */
export interface DirectoryProblem {
  field: string;
  key: FieldKey;
  values?: MessageValues | undefined;
}

/** The outcome of a deactivation. */
export interface DeactivationResult {
  /** Directory version after the change (unchanged when the staff member was already inactive). */
  version: number;
  /** The staff member who took over: the successor, or the duty officer of `returnToUnitId`. */
  successorId: string;
  /** True when an earlier attempt had already deactivated them: a resumed hand-over goes on. */
  alreadyInactive: boolean;
}

/** The directory as the hand-over sees it. */
export interface DirectoryForHandOver {
  /** Problems that would make `deactivateStaff` refuse the change; empty when it may go ahead. */
  checkDeactivation(change: StaffDeactivation): Promise<DirectoryProblem[]>;
  /**
   * Marks the staff member inactive (their sign-in and tokens stop working) and moves their
   * duty-officer posts to the successor, in one audited change. Idempotent: a second call for an
   * inactive member changes nothing and answers `alreadyInactive`.
   *
   * @throws DirectoryRefusalError (src/directory/directory-refusal.ts) carrying the problems, when the change is refused.
   */
  deactivateStaff(change: StaffDeactivation): Promise<DeactivationResult>;
}
