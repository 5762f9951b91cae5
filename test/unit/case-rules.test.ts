/**
 * The rules of a case's life (checkAction), as a table: every status × every action × every kind
 * of actor, each answered "allowed", "conflict" (wrong status, 409) or "forbidden" (wrong actor, 403).
 *
 * The case sits on grid santang-1 of the demo city: ladder santang-1 → santang → changxingdao →
 * changxing, assigned to the grid worker sui-lei, submitted by the 12345 hotline integration.
 */
import { translator } from '../../src/i18n';
import { CASE_STATUSES, type Actor, type CaseState, type CaseStatus } from '../../src/domain/case-model';
import { checkAction, type CaseAction, type CaseActionType, type Refusal } from '../../src/domain/case-rules';

const NOW = Date.parse('2026-03-16T02:00:00.000Z');
const HOUR = 3_600_000;

function caseState(overrides: Partial<CaseState> = {}): CaseState {
  return {
    id: 'case-1',
    status: 'assigned',
    category: 'road_repair',
    priority: 'normal',
    description: '路灯坏了',
    locale: 'zh-CN',
    submittedBy: { kind: 'integration', id: 'hotline-12345' },
    submittedAt: new Date(NOW - HOUR).toISOString(),
    level: 'grid',
    unitId: 'santang-1',
    gridId: 'santang-1',
    ladder: [
      { unitId: 'santang-1', level: 'grid', dutyOfficerId: 'sui-lei' },
      { unitId: 'santang', level: 'community', dutyOfficerId: 'qu-guilan' },
      { unitId: 'changxingdao', level: 'street', dutyOfficerId: 'sun-zhenhua' },
      { unitId: 'changxing', level: 'district', dutyOfficerId: 'wang-fang' },
    ],
    assigneeId: 'sui-lei',
    dueAt: new Date(NOW + HOUR).toISOString(),
    overdue: false,
    escalations: 0,
    reopens: 0,
    timeline: [],
    ...overrides,
  };
}

const ACTORS = {
  assignee: { kind: 'staff', id: 'sui-lei', role: 'grid_worker', unitId: 'santang-1' },
  supervisorInLadder: { kind: 'staff', id: 'qu-guilan', role: 'supervisor', unitId: 'santang' },
  supervisorOutsideLadder: { kind: 'staff', id: 'cong-haiyan', role: 'supervisor', unitId: 'bachagou' },
  admin: { kind: 'staff', id: 'liu-guoqing', role: 'admin', unitId: 'changxing' },
  otherGridWorker: { kind: 'staff', id: 'chi-yong', role: 'grid_worker', unitId: 'santang-2' },
  resident: { kind: 'resident' },
  submittingIntegration: { kind: 'integration', id: 'hotline-12345' },
  otherIntegration: { kind: 'integration', id: 'wechat-miniapp' },
} satisfies Record<string, Actor>;
type ActorName = keyof typeof ACTORS;
const ACTOR_NAMES = Object.keys(ACTORS) as ActorName[];

/** A valid instance of each action: a different assignee, a deadline in the future. */
const ACTIONS: Record<CaseActionType, CaseAction> = {
  acknowledge: { type: 'acknowledge' },
  start: { type: 'start' },
  note: { type: 'note', note: '已联系物业' },
  request_info: { type: 'request_info', note: '请提供具体楼号' },
  info_provided: { type: 'info_provided', note: '3号楼' },
  resolve: { type: 'resolve', note: '已修复' },
  escalate: { type: 'escalate', reason: '需要社区协调' },
  reassign: { type: 'reassign', assigneeId: 'chi-yong', reason: '就近处理' },
  move_deadline: { type: 'move_deadline', dueAt: new Date(NOW + 24 * HOUR).toISOString(), reason: '等待配件' },
  cancel: { type: 'cancel', reason: '重复提交' },
  feedback: { type: 'feedback', satisfied: true, rating: 5 },
  // The workflow starts the child from this input; the rules only look at the type.
  start_mediation: { type: 'start_mediation', mediation: {} as never, note: '双方同意调解' },
};

/**
 * The rules as the lifecycle describes them (report → assign → acknowledge → handle → resolve →
 * confirm or reopen → close): in which statuses each action makes sense, and who may take it.
 */
const EXPECTED: Record<CaseActionType, { statuses: CaseStatus[]; actors: ActorName[] }> = {
  acknowledge: { statuses: ['assigned'], actors: ['assignee'] },
  start: { statuses: ['acknowledged'], actors: ['assignee'] },
  note: {
    statuses: ['assigned', 'acknowledged', 'in_progress', 'waiting_info', 'resolved', 'in_mediation'],
    actors: ['assignee', 'supervisorInLadder', 'admin'],
  },
  request_info: { statuses: ['acknowledged', 'in_progress'], actors: ['assignee'] },
  info_provided: { statuses: ['waiting_info'], actors: ['assignee', 'resident', 'submittingIntegration'] },
  resolve: { statuses: ['acknowledged', 'in_progress'], actors: ['assignee'] },
  escalate: {
    statuses: ['assigned', 'acknowledged', 'in_progress', 'waiting_info'],
    actors: ['assignee', 'supervisorInLadder', 'admin'],
  },
  reassign: { statuses: ['assigned', 'acknowledged', 'in_progress', 'waiting_info'], actors: ['supervisorInLadder', 'admin'] },
  move_deadline: { statuses: ['assigned', 'acknowledged', 'in_progress'], actors: ['supervisorInLadder', 'admin'] },
  cancel: {
    statuses: ['assigned', 'acknowledged', 'in_progress', 'waiting_info'],
    actors: ['resident', 'submittingIntegration', 'supervisorInLadder', 'admin'],
  },
  feedback: { statuses: ['resolved'], actors: ['resident', 'submittingIntegration'] },
  start_mediation: {
    statuses: ['assigned', 'acknowledged', 'in_progress', 'waiting_info'],
    actors: ['assignee', 'supervisorInLadder', 'admin'],
  },
};

type Verdict = 'allowed' | 'conflict' | 'forbidden';

/** A refusal as the English catalog words it. */
function said(refusal: Refusal | undefined): string {
  return refusal ? translator('en')(refusal.key, refusal.values) : '';
}

function verdict(state: CaseState, action: CaseAction, actor: Actor, nowMs = NOW): Verdict {
  return checkAction(state, { action, actor }, nowMs)?.code ?? 'allowed';
}

/** A final case refuses everything as a conflict; otherwise the wrong actor is told first, then the wrong status. */
function expectedVerdict(status: CaseStatus, type: CaseActionType, actor: ActorName): Verdict {
  if (status === 'closed' || status === 'cancelled') return 'conflict';
  if (!EXPECTED[type].actors.includes(actor)) return 'forbidden';
  if (!EXPECTED[type].statuses.includes(status)) return 'conflict';
  return 'allowed';
}

describe('checkAction table: status × action × actor', () => {
  const rows = (Object.keys(ACTIONS) as CaseActionType[]).flatMap((type) => ACTOR_NAMES.map((actor) => [type, actor] as const));

  it.each(rows)('%s by %s', (type, actorName) => {
    const actual = Object.fromEntries(CASE_STATUSES.map((status) => [status, verdict(caseState({ status }), ACTIONS[type], ACTORS[actorName])]));
    const expected = Object.fromEntries(CASE_STATUSES.map((status) => [status, expectedVerdict(status, type, actorName)]));
    expect(actual).toEqual(expected);
  });

  it('covers every status of the model and allows each action somewhere', () => {
    expect(CASE_STATUSES).toEqual(['assigned', 'acknowledged', 'in_progress', 'waiting_info', 'resolved', 'in_mediation', 'closed', 'cancelled']);
    for (const type of Object.keys(ACTIONS) as CaseActionType[]) {
      const somewhere = CASE_STATUSES.some((status) => ACTOR_NAMES.some((actor) => verdict(caseState({ status }), ACTIONS[type], ACTORS[actor]) === 'allowed'));
      expect({ type, somewhere }).toEqual({ type, somewhere: true });
    }
  });
});

describe('checkAction specifics', () => {
  it.each(['closed', 'cancelled'] as const)('refuses everything on a %s case, naming the status', (status) => {
    for (const action of Object.values(ACTIONS)) {
      const refusal = checkAction(caseState({ status }), { action, actor: ACTORS.admin }, NOW);
      expect(refusal).toEqual({ code: 'conflict', key: 'refusal.caseFinal', values: { status } });
      expect(said(refusal)).toContain(status);
    }
  });

  it('explains a forbidden action by who may take it', () => {
    const refusal = checkAction(caseState(), { action: ACTIONS.acknowledge, actor: ACTORS.admin }, NOW);
    expect(refusal?.code).toBe('forbidden');
    expect(said(refusal)).toBe('Only the current assignee may acknowledge');
  });

  it('refuses to escalate a case already at the top of the ladder, even for an admin', () => {
    const atTop = caseState({ status: 'in_progress', level: 'district', unitId: 'changxing', assigneeId: 'wang-fang', escalations: 3 });
    const byAssignee: Actor = { kind: 'staff', id: 'wang-fang', role: 'officer', unitId: 'changxing' };
    for (const actor of [byAssignee, ACTORS.admin]) {
      const refusal = checkAction(atTop, { action: ACTIONS.escalate, actor }, NOW);
      expect(refusal?.code).toBe('conflict');
      expect(said(refusal)).toMatch(/top of the ladder/);
    }
    // One rung below the top, escalation is still possible.
    const atStreet = caseState({ level: 'street', unitId: 'changxingdao', assigneeId: 'sun-zhenhua', escalations: 2 });
    expect(verdict(atStreet, ACTIONS.escalate, ACTORS.admin)).toBe('allowed');
  });

  it('refuses to reassign a case to the person who already has it', () => {
    const refusal = checkAction(caseState(), { action: { type: 'reassign', assigneeId: 'sui-lei' }, actor: ACTORS.supervisorInLadder }, NOW);
    expect(refusal?.code).toBe('conflict');
    expect(said(refusal)).toMatch(/already assigned/);
  });

  it.each([
    ['an hour ago', new Date(NOW - HOUR).toISOString(), 'conflict'],
    ['exactly now', new Date(NOW).toISOString(), 'conflict'],
    ['not a date', 'next tuesday', 'conflict'],
    ['a second from now', new Date(NOW + 1000).toISOString(), 'allowed'],
  ] as const)('judges a moved deadline %s as %s', (_label, dueAt, expected) => {
    expect(verdict(caseState(), { type: 'move_deadline', dueAt, reason: '等待配件' }, ACTORS.supervisorInLadder)).toBe(expected);
  });

  it('lets only the integration that submitted the case speak for the reporter', () => {
    const resolved = caseState({ status: 'resolved' });
    expect(verdict(resolved, ACTIONS.feedback, ACTORS.otherIntegration)).toBe('forbidden');
    expect(verdict(resolved, ACTIONS.feedback, ACTORS.submittingIntegration)).toBe('allowed');
    // A case submitted by staff has no submitting integration: no integration may confirm it.
    const byStaff = caseState({ status: 'resolved', submittedBy: ACTORS.admin });
    expect(verdict(byStaff, ACTIONS.feedback, ACTORS.submittingIntegration)).toBe('forbidden');
    expect(verdict(byStaff, ACTIONS.feedback, ACTORS.resident)).toBe('allowed');
  });

  it('after an escalation, moves the assignee rights to the new holder while the grid worker may still add notes', () => {
    const escalated = caseState({ status: 'acknowledged', level: 'community', unitId: 'santang', assigneeId: 'qu-guilan', escalations: 1 });
    const formerAssignee = ACTORS.assignee;
    expect(verdict(escalated, ACTIONS.resolve, formerAssignee)).toBe('forbidden');
    expect(verdict(escalated, ACTIONS.note, formerAssignee)).toBe('allowed');
    expect(verdict(escalated, ACTIONS.resolve, ACTORS.supervisorInLadder)).toBe('allowed');
  });

  it('lets an officer on the ladder add notes but neither reassign nor move the deadline', () => {
    const streetOfficer: Actor = { kind: 'staff', id: 'sun-zhenhua', role: 'officer', unitId: 'changxingdao' };
    expect(verdict(caseState(), ACTIONS.note, streetOfficer)).toBe('allowed');
    expect(verdict(caseState(), ACTIONS.reassign, streetOfficer)).toBe('forbidden');
    expect(verdict(caseState(), ACTIONS.move_deadline, streetOfficer)).toBe('forbidden');
  });
});
