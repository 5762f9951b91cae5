/**
 * Why gridflow itself took a step — escalated a case, marked it overdue, closed it — recorded as
 * the step's note. The note is a catalog key (`systemReason.…`), not wording: e-mails and the
 * dashboard show it in the reader's language, and API clients get a stable code.
 */
export const SYSTEM_REASONS = {
  deadlinePassed: 'systemReason.deadlinePassed',
  noResidentAnswer: 'systemReason.noResidentAnswer',
  consentDeadline: 'systemReason.consentDeadline',
  assignmentDeadline: 'systemReason.assignmentDeadline',
  noAgreementAtSession: 'systemReason.noAgreementAtSession',
  sessionLimitReached: 'systemReason.sessionLimitReached',
  timeLimitReached: 'systemReason.timeLimitReached',
  signatureDeadline: 'systemReason.signatureDeadline',
  handOver: 'systemReason.handOver',
  handOverNoMediator: 'systemReason.handOverNoMediator',
} as const;

export type SystemReason = (typeof SYSTEM_REASONS)[keyof typeof SYSTEM_REASONS];

/** True when a note is a system reason to translate rather than text someone wrote. */
export function isSystemReason(note: string | undefined): note is SystemReason {
  return note !== undefined && Object.values<string>(SYSTEM_REASONS).includes(note);
}
