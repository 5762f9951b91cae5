/**
 * The rules of a case's life: which action is legal in which status, and who may take it.
 * Pure, so the workflow's Update validators and the unit tests share one source of truth.
 */
import { actsIn, holdsRole } from './actor-posts';
import type { Actor, CaseState, CaseStatus } from './case-model';
import type { MediationInput } from './mediation-model';
import { FINAL_STATUSES } from './case-model';
import { conflict, forbidden, type Refusal } from './refusal';

/** Longest free text accepted in a note, reason or comment. */
export const MAX_NOTE_LENGTH = 2000;

/** What staff, residents and integrations can do to a case (`POST /cases/:id/actions`). */
export type CaseAction =
  | { type: 'acknowledge'; note?: string | undefined }
  | { type: 'start'; note?: string | undefined }
  | { type: 'note'; note: string }
  | { type: 'request_info'; note: string }
  | { type: 'info_provided'; note?: string | undefined }
  | { type: 'resolve'; note: string }
  | { type: 'escalate'; reason: string }
  | { type: 'reassign'; assigneeId: string; reason?: string | undefined }
  | { type: 'move_deadline'; dueAt: string; reason: string }
  | { type: 'cancel'; reason?: string | undefined }
  | { type: 'feedback'; satisfied: boolean; rating?: number | undefined; comment?: string | undefined }
  | { type: 'start_mediation'; mediation: MediationInput; note?: string | undefined };

export type CaseActionType = CaseAction['type'];

/** An action with the actor taking it, as the API hands it to the workflow. */
export interface ActionRequest {
  action: CaseAction;
  actor: Actor;
}

export type { Refusal };

/** Statuses in which the assignee is working the case (the SLA clock may be running). */
const WORKING: readonly CaseStatus[] = ['assigned', 'acknowledged', 'in_progress', 'waiting_info'];

/** Which statuses allow each action. */
const ALLOWED_IN: Record<CaseActionType, readonly CaseStatus[]> = {
  acknowledge: ['assigned'],
  start: ['acknowledged'],
  note: ['assigned', 'acknowledged', 'in_progress', 'waiting_info', 'resolved', 'in_mediation'],
  request_info: ['acknowledged', 'in_progress'],
  info_provided: ['waiting_info'],
  resolve: ['acknowledged', 'in_progress'],
  escalate: WORKING,
  reassign: WORKING,
  move_deadline: ['assigned', 'acknowledged', 'in_progress'],
  cancel: WORKING,
  feedback: ['resolved'],
  start_mediation: WORKING,
};

const isStaff = (actor: Actor): actor is Extract<Actor, { kind: 'staff' }> => actor.kind === 'staff';

/** Supervisors and admins with a post on the case's ladder supervise it (the ladder is the grid and its ancestors). */
function supervises(actor: Actor, state: CaseState): boolean {
  return isStaff(actor) && actsIn(actor, ladderUnits(state), ['supervisor', 'admin']);
}

const ladderUnits = (state: CaseState) => state.ladder.map((rung) => rung.unitId);

function isAssignee(actor: Actor, state: CaseState): boolean {
  return isStaff(actor) && actor.id === state.assigneeId;
}

/** The resident, or the integration that submitted the case on the resident's behalf. */
function speaksForReporter(actor: Actor, state: CaseState): boolean {
  if (actor.kind === 'resident') return true;
  const by = state.submittedBy;
  return actor.kind === 'integration' && by.kind === 'integration' && by.id === actor.id;
}

function inScope(actor: Actor, state: CaseState): boolean {
  return isStaff(actor) && (holdsRole(actor, ['admin']) || actsIn(actor, ladderUnits(state)) || isAssignee(actor, state));
}

/** Who may take each action, given the case. */
const ALLOWED_BY: Record<CaseActionType, (actor: Actor, state: CaseState) => boolean> = {
  acknowledge: isAssignee,
  start: isAssignee,
  note: inScope,
  request_info: isAssignee,
  info_provided: (actor, state) => speaksForReporter(actor, state) || isAssignee(actor, state),
  resolve: isAssignee,
  escalate: (actor, state) => isAssignee(actor, state) || supervises(actor, state),
  reassign: supervises,
  move_deadline: supervises,
  cancel: (actor, state) => speaksForReporter(actor, state) || supervises(actor, state),
  feedback: speaksForReporter,
  start_mediation: (actor, state) => isAssignee(actor, state) || supervises(actor, state),
};

/**
 * Checks an action against the case's status and the actor. Returns the refusal, or undefined
 * when the action may proceed. Field-level checks (lengths, formats, staff existence) are the
 * API's; this only judges what depends on the case's state.
 */
export function checkAction(state: CaseState, request: ActionRequest, nowMs: number): Refusal | undefined {
  const { action, actor } = request;
  if (FINAL_STATUSES.includes(state.status)) {
    return conflict('refusal.caseFinal', { status: state.status });
  }
  if (!ALLOWED_BY[action.type](actor, state)) return forbidden(`refusal.caseActor.${action.type}`);
  if (!ALLOWED_IN[action.type].includes(state.status)) {
    return conflict('refusal.caseWrongStatus', { action: action.type, status: state.status });
  }
  switch (action.type) {
    case 'escalate':
      return state.ladder[state.ladder.length - 1]?.unitId === state.unitId ? conflict('refusal.caseAtTop') : undefined;
    case 'reassign':
      return action.assigneeId === state.assigneeId ? conflict('refusal.caseSameAssignee') : undefined;
    case 'move_deadline': {
      const due = Date.parse(action.dueAt);
      return Number.isNaN(due) || due <= nowMs ? conflict('refusal.deadlineNotFuture') : undefined;
    }
    default:
      return undefined;
  }
}
