/**
 * The pure rules of mediation: the input built from a dispute case, who may take which step at
 * which stage, the timers of each stage, the statutory end of the judicial window, and the
 * closing referral record.
 */
import { translator } from '../../src/i18n';
import type { Actor } from '../../src/domain/case-model';
import {
  FINAL_MEDIATION_STAGES,
  mediationIdForCase,
  mediationInputFor,
  type MediationInput,
  type MediationStage,
  type MediationState,
  type MediationTimelineEntry,
} from '../../src/domain/mediation-model';
import { checkMediationAction, legalPeriodEnd, mediationTimers, referralRecordOf, type MediationAction } from '../../src/domain/mediation-rules';
import { caseInputFor, demoConfig, demoGrid, demoOrg } from '../helpers/fixtures';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-03-02T02:00:00.000Z'); // Monday 10:00 in Shanghai

const staff = (id: string): Actor => {
  const person = demoOrg.staff(id)!;
  return { kind: 'staff', id: person.id, role: person.role, unitId: person.unit };
};
const mediatorRef = (id: string) => {
  const person = demoOrg.staff(id)!;
  return { id: person.id, role: person.role, unitId: person.unit };
};

// The demo grid santang-1 sits in 三堂村 (santang) → 长兴岛街道 (changxingdao) → 长兴岛经济区 (changxing).
const COMMUNITY_SUPERVISOR = 'qu-guilan';
const COMMUNITY_MEDIATOR = 'song-lixin';
const STREET_MEDIATOR = 'jiang-jie';
const OTHER_COMMUNITY_MEDIATOR = 'chu-hongmei';
const GRID_WORKER = 'sui-lei';

const parties = [
  { name: '张三', role: 'applicant' as const, email: 'zhangsan@example.com' },
  { name: '李四', role: 'respondent' as const },
];

function input(): MediationInput {
  const dispute = caseInputFor({ submittedAtMs: T0, category: 'neighbour_dispute' });
  return mediationInputFor(demoConfig, dispute, parties, { requestedBy: staff(COMMUNITY_SUPERVISOR), now: new Date(T0) });
}

/** A mediation at `stage` in the community, as the workflow would hold it. */
function stateAt(stage: MediationStage, overrides: Partial<MediationState> = {}): MediationState {
  const built = input();
  const community = built.ladder[0]!;
  const opened: MediationTimelineEntry = {
    seq: 1,
    at: new Date(T0).toISOString(),
    type: 'opened',
    actor: built.requestedBy,
    stage,
    level: community.level,
    unitId: community.unitId,
  };
  return {
    id: built.mediationId,
    caseId: built.caseId,
    category: built.category,
    priority: built.priority,
    description: built.description,
    locale: built.locale,
    stage,
    level: community.level,
    unitId: community.unitId,
    ladder: built.ladder,
    parties: built.parties.map((party) => ({ ...party })),
    requestedBy: built.requestedBy,
    partyIntegrationId: built.partyIntegrationId,
    startedAt: built.startedAt,
    stageSeq: 1,
    dueAt: new Date(T0 + 3 * DAY).toISOString(),
    overdue: false,
    escalations: 0,
    reopens: 0,
    sessions: [],
    timeline: [opened],
    ...overrides,
  };
}

const inSessions = (overrides: Partial<MediationState> = {}) =>
  stateAt('sessions', {
    mediatorId: COMMUNITY_MEDIATOR,
    round: { startedAt: new Date(T0).toISOString(), endsBy: new Date(T0 + 30 * DAY).toISOString(), extended: false, sessionsHeld: 0, sessionLimit: 3 },
    ...overrides,
  });

/** The refusal with its English wording as `reason`, so the tests read like the rules. */
const check = (state: MediationState, action: MediationAction, actor: Actor, nowMs = T0) => {
  const refusal = checkMediationAction(state, { action, actor }, nowMs);
  return refusal && { ...refusal, reason: translator('en')(refusal.key, refusal.values) };
};

describe('mediationInputFor', () => {
  test('starts at the community committee with each rung’s mediators, the parties numbered and the policy in milliseconds', () => {
    const built = input();
    expect(built.ladder.map((rung) => rung.unitId)).toEqual(['santang', 'changxingdao', 'changxing']);
    expect(built.ladder.map((rung) => rung.mediatorIds)).toEqual([['song-lixin'], ['jiang-jie'], ['zhang-ming']]);
    expect(built.parties.map((party) => [party.id, party.name])).toEqual([
      ['p1', '张三'],
      ['p2', '李四'],
    ]);
    // The fixture's case came in through the 12345 hotline: that integration speaks for the parties.
    expect(built.partyIntegrationId).toBe('hotline-12345');
    expect(built.mediationId).toBe(mediationIdForCase(built.caseId));
    expect(built.startedAt).toBe(new Date(T0).toISOString());
    expect(built.plan).toMatchObject({
      consentWithinMs: 3 * DAY,
      reminderLeadMs: DAY,
      assignWithinMs: 3 * DAY,
      sessionLimit: 3,
      maxDurationMs: 30 * DAY,
      extensionMs: 15 * DAY,
      signWithinMs: 7 * DAY,
      judicialWindowMs: 30 * DAY,
      judicialReminderLeadMs: 3 * DAY,
      timeZone: 'Asia/Shanghai',
    });
  });

  test('refuses a dispute with a single party and a ladder without a community', () => {
    const dispute = caseInputFor({ submittedAtMs: T0 });
    const options = { requestedBy: staff(COMMUNITY_SUPERVISOR), now: new Date(T0) };
    expect(() => mediationInputFor(demoConfig, dispute, parties.slice(0, 1), options)).toThrow(/at least 2 parties/);
    const streetOnly = { ...dispute, ladder: demoOrg.ladder(demoGrid.id).filter((rung) => rung.level === 'street' || rung.level === 'district') };
    expect(() => mediationInputFor(demoConfig, streetOnly, parties, options)).toThrow(/no community/);
  });

  test('derives the mediation id from the case id, with a suffix for later attempts', () => {
    expect(mediationIdForCase('c-abcdefgh23456789')).toBe('m-abcdefgh23456789');
    expect(mediationIdForCase('c-abcdefgh23456789', 2)).toBe('m-abcdefgh23456789-2');
    expect(mediationIdForCase('legacy')).toBe('m-legacy');
  });
});

describe('checkMediationAction', () => {
  test('nothing is possible once the mediation is final', () => {
    for (const stage of FINAL_MEDIATION_STAGES) {
      expect(check(stateAt(stage), { type: 'note', note: 'x' }, staff(COMMUNITY_SUPERVISOR))).toMatchObject({ code: 'conflict' });
    }
  });

  test('consent is recorded by staff of the ladder or the parties’ integration, once per party', () => {
    const state = stateAt('consent');
    const consent: MediationAction = { type: 'consent', partyId: 'p1', given: true };
    expect(check(state, consent, staff(COMMUNITY_SUPERVISOR))).toBeUndefined();
    expect(check(state, consent, { kind: 'integration', id: 'hotline-12345' })).toBeUndefined();
    expect(check(state, consent, { kind: 'integration', id: 'wechat-miniapp' })).toMatchObject({ code: 'forbidden' });
    // The grid worker's unit is below the committees: not in scope.
    expect(check(state, consent, staff(GRID_WORKER))).toMatchObject({ code: 'forbidden' });
    expect(check(state, { ...consent, partyId: 'p9' }, staff(COMMUNITY_SUPERVISOR))).toMatchObject({ code: 'conflict', reason: expect.stringContaining('p9') });
    state.parties[0]!.consent = { given: true, at: new Date(T0).toISOString(), actor: staff(COMMUNITY_SUPERVISOR) };
    expect(check(state, consent, staff(COMMUNITY_SUPERVISOR))).toMatchObject({ code: 'conflict', reason: expect.stringContaining('already answered') });
    expect(check(state, { type: 'schedule_session', at: new Date(T0 + DAY).toISOString(), place: '村委会' }, staff(COMMUNITY_SUPERVISOR))).toMatchObject({
      code: 'conflict',
    });
  });

  test('only a mediator of the committee now holding the dispute can be assigned', () => {
    const state = stateAt('assignment');
    const assign = (id: string): MediationAction => ({ type: 'assign_mediator', mediator: mediatorRef(id) });
    expect(check(state, assign(COMMUNITY_MEDIATOR), staff(COMMUNITY_SUPERVISOR))).toBeUndefined();
    // Committees share out their own work.
    expect(check(state, assign(COMMUNITY_MEDIATOR), staff(COMMUNITY_MEDIATOR))).toBeUndefined();
    expect(check(state, assign(STREET_MEDIATOR), staff(COMMUNITY_SUPERVISOR))).toMatchObject({
      code: 'conflict',
      reason: expect.stringContaining('not a mediator of the committee at santang'),
    });
    expect(check(state, assign(OTHER_COMMUNITY_MEDIATOR), staff(COMMUNITY_SUPERVISOR))).toMatchObject({ code: 'conflict' });
    expect(check(state, assign(COMMUNITY_SUPERVISOR), staff(COMMUNITY_SUPERVISOR))).toMatchObject({ code: 'conflict' });
    expect(check(state, assign(COMMUNITY_MEDIATOR), staff(GRID_WORKER))).toMatchObject({ code: 'forbidden' });
    // Escalated to the street: now the street committee's mediators, not the community's.
    const atStreet = stateAt('assignment', { level: 'street', unitId: 'changxingdao' });
    expect(check(atStreet, assign(STREET_MEDIATOR), staff('yu-min'))).toBeUndefined();
    expect(check(atStreet, assign(COMMUNITY_MEDIATOR), staff('yu-min'))).toMatchObject({ code: 'conflict' });
  });

  test('sessions: in the future, within the time limit, one at a time, up to the limit', () => {
    const mediator = staff(COMMUNITY_MEDIATOR);
    const schedule = (atMs: number): MediationAction => ({ type: 'schedule_session', at: new Date(atMs).toISOString(), place: '村委会调解室' });
    expect(check(inSessions(), schedule(T0 + DAY), mediator)).toBeUndefined();
    expect(check(inSessions(), schedule(T0 + DAY), staff(STREET_MEDIATOR))).toMatchObject({ code: 'forbidden' });
    expect(check(inSessions(), schedule(T0 - HOUR), mediator)).toMatchObject({ code: 'conflict', reason: expect.stringContaining('future') });
    expect(check(inSessions(), schedule(T0 + 31 * DAY), mediator)).toMatchObject({ code: 'conflict', reason: expect.stringContaining('extend it once') });
    const session = {
      no: 1,
      level: 'community' as const,
      unitId: 'santang',
      mediatorId: COMMUNITY_MEDIATOR,
      at: new Date(T0 + DAY).toISOString(),
      place: '村委会',
      scheduledAt: new Date(T0).toISOString(),
      scheduledBy: mediator,
    };
    expect(check(inSessions({ sessions: [session] }), schedule(T0 + 2 * DAY), mediator)).toMatchObject({
      code: 'conflict',
      reason: expect.stringContaining('outcome'),
    });
    const exhausted = inSessions();
    exhausted.round!.sessionsHeld = 3;
    expect(check(exhausted, schedule(T0 + DAY), mediator)).toMatchObject({ code: 'conflict', reason: expect.stringContaining('session limit') });
  });

  test('an outcome is recorded once the session took place; an agreement carries its terms and a future deadline', () => {
    const mediator = staff(COMMUNITY_MEDIATOR);
    const session = {
      no: 1,
      level: 'community' as const,
      unitId: 'santang',
      mediatorId: COMMUNITY_MEDIATOR,
      at: new Date(T0 + DAY).toISOString(),
      place: '村委会',
      scheduledAt: new Date(T0).toISOString(),
      scheduledBy: mediator,
    };
    const state = inSessions({ sessions: [session] });
    const adjourned: MediationAction = { type: 'record_outcome', outcome: 'adjourned' };
    expect(check(state, adjourned, mediator, T0)).toMatchObject({ code: 'conflict', reason: expect.stringContaining('not taken place') });
    expect(check(state, adjourned, mediator, T0 + DAY)).toBeUndefined();
    expect(check(state, { type: 'record_outcome', outcome: 'agreement' }, mediator, T0 + DAY)).toMatchObject({ code: 'conflict' });
    const agreement = { terms: '李四赔偿张三 2000 元', performanceDeadline: new Date(T0 + 10 * DAY).toISOString(), documentRef: 'TJ-2026-001' };
    expect(check(state, { type: 'record_outcome', outcome: 'agreement', agreement }, mediator, T0 + DAY)).toBeUndefined();
    expect(
      check(
        state,
        { type: 'record_outcome', outcome: 'agreement', agreement: { ...agreement, performanceDeadline: new Date(T0).toISOString() } },
        mediator,
        T0 + DAY,
      ),
    ).toMatchObject({ code: 'conflict' });
    expect(check(inSessions(), adjourned, mediator)).toMatchObject({ code: 'conflict', reason: expect.stringContaining('No session') });
  });

  test('a supervisor extends the time limit once; a mediator cannot', () => {
    const extend: MediationAction = { type: 'extend', reason: '当事人外出务工' };
    expect(check(inSessions(), extend, staff(COMMUNITY_MEDIATOR))).toMatchObject({ code: 'forbidden' });
    expect(check(inSessions(), extend, staff(COMMUNITY_SUPERVISOR))).toBeUndefined();
    // Supervisors above the committee supervise it too; admins anywhere.
    expect(check(inSessions(), extend, staff('yu-min'))).toBeUndefined();
    expect(check(inSessions(), extend, { kind: 'staff', id: 'root', role: 'admin', unitId: 'elsewhere' })).toBeUndefined();
    expect(check(inSessions(), extend, staff('cong-haiyan'))).toMatchObject({ code: 'forbidden' });
    const extended = inSessions();
    extended.round!.extended = true;
    expect(check(extended, extend, staff(COMMUNITY_SUPERVISOR))).toMatchObject({ code: 'conflict', reason: expect.stringContaining('once') });
  });

  test('escalation stops at the district committee', () => {
    const escalate: MediationAction = { type: 'escalate', reason: '需街道协调' };
    expect(check(inSessions(), escalate, staff(COMMUNITY_MEDIATOR))).toBeUndefined();
    expect(check(inSessions({ level: 'district', unitId: 'changxing', mediatorId: 'zhang-ming' }), escalate, staff('zhang-ming'))).toMatchObject({
      code: 'conflict',
      reason: expect.stringContaining('highest committee'),
    });
    expect(check(stateAt('performance', { mediatorId: COMMUNITY_MEDIATOR }), escalate, staff(COMMUNITY_MEDIATOR))).toMatchObject({ code: 'conflict' });
  });

  test('follow-up: honoured only from the performance deadline; a breach names its next step', () => {
    const mediator = staff(COMMUNITY_MEDIATOR);
    const deadline = T0 + 10 * DAY;
    const state = stateAt('performance', {
      mediatorId: COMMUNITY_MEDIATOR,
      agreement: {
        terms: 't',
        performanceDeadline: new Date(deadline).toISOString(),
        documentRef: 'TJ-1',
        reachedAt: new Date(T0).toISOString(),
        sessionNo: 1,
        signatures: [],
      },
    });
    expect(check(state, { type: 'follow_up', honoured: true }, mediator, deadline - HOUR)).toMatchObject({
      code: 'conflict',
      reason: expect.stringContaining('from its deadline'),
    });
    expect(check(state, { type: 'follow_up', honoured: true }, mediator, deadline)).toBeUndefined();
    expect(check(state, { type: 'follow_up', honoured: false }, mediator, T0)).toMatchObject({
      code: 'conflict',
      reason: expect.stringContaining('reopen or refer'),
    });
    expect(check(state, { type: 'follow_up', honoured: false, next: 'reopen' }, mediator, T0)).toBeUndefined();
    expect(check(state, { type: 'follow_up', honoured: false, next: 'refer' }, mediator, T0)).toMatchObject({ code: 'conflict' });
    const referral = { to: 'court' as const, body: '大连市金州区人民法院', reason: '拒不履行' };
    expect(check(state, { type: 'follow_up', honoured: false, next: 'refer', referral }, mediator, T0)).toBeUndefined();
    // A party may withdraw at any stage, through staff.
    expect(check(state, { type: 'withdraw', partyId: 'p2' }, staff(COMMUNITY_SUPERVISOR))).toBeUndefined();
    expect(check(state, { type: 'judicial_confirmation', documentRef: 'SQ-1' }, mediator)).toMatchObject({
      code: 'conflict',
      reason: expect.stringContaining('window'),
    });
  });
});

describe('mediationTimers', () => {
  const plan = input().plan;

  test('consent: a reminder a day before the deadline, then the deadline', () => {
    const timers = mediationTimers(stateAt('consent'), plan);
    expect(timers.map((timer) => [timer.kind, timer.atMs - T0])).toEqual([
      ['consent_reminder', 2 * DAY],
      ['consent_deadline', 3 * DAY],
    ]);
    expect(new Set(timers.map((timer) => timer.key)).size).toBe(2);
    // A lead as long as the window would remind before anybody was asked: left out.
    expect(mediationTimers(stateAt('consent'), { ...plan, reminderLeadMs: 3 * DAY }).map((timer) => timer.kind)).toEqual(['consent_deadline']);
  });

  test('sessions: the reminder a day before a pending session, and the time limit', () => {
    const session = {
      no: 1,
      level: 'community' as const,
      unitId: 'santang',
      mediatorId: COMMUNITY_MEDIATOR,
      at: new Date(T0 + 5 * DAY).toISOString(),
      place: '村委会',
      scheduledAt: new Date(T0).toISOString(),
      scheduledBy: staff(COMMUNITY_MEDIATOR),
    };
    const timers = mediationTimers(inSessions({ sessions: [session] }), plan);
    expect(timers.map((timer) => [timer.kind, timer.atMs - T0])).toEqual([
      ['session_reminder', 4 * DAY],
      ['duration_limit', 30 * DAY],
    ]);
    // Scheduled for within the day: the scheduling notice is the reminder.
    const soon = { ...session, at: new Date(T0 + 2 * HOUR).toISOString() };
    expect(mediationTimers(inSessions({ sessions: [soon] }), plan).map((timer) => timer.kind)).toEqual(['duration_limit']);
  });

  test('performance: judicial reminder and close, and the follow-up at the performance deadline', () => {
    const state = stateAt('performance', {
      stageSeq: 7,
      agreement: {
        terms: 't',
        performanceDeadline: new Date(T0 + 40 * DAY).toISOString(),
        documentRef: 'TJ-1',
        reachedAt: new Date(T0).toISOString(),
        sessionNo: 1,
        signatures: [],
        signedAt: new Date(T0).toISOString(),
        judicialWindow: { opensAt: new Date(T0).toISOString(), closesAt: new Date(T0 + 30 * DAY).toISOString() },
      },
    });
    const timers = mediationTimers(state, plan);
    expect(timers.map((timer) => [timer.kind, timer.atMs - T0])).toEqual([
      ['judicial_reminder', 27 * DAY],
      ['judicial_window_closed', 30 * DAY],
      ['follow_up_due', 40 * DAY],
    ]);
    expect(timers.every((timer) => timer.key.includes(':7:'))).toBe(true);
  });

  test('final and failed stages run no timer', () => {
    expect(mediationTimers(stateAt('failed', { dueAt: undefined }), plan)).toEqual([]);
    expect(mediationTimers(stateAt('fulfilled'), plan)).toEqual([]);
  });
});

describe('legalPeriodEnd', () => {
  const zone = 'Asia/Shanghai';
  const calendar = demoConfig.calendar;

  test('thirty days ending on a working day end exactly thirty days later', () => {
    // 2026-03-02 + 30 d = 2026-04-01, a Wednesday.
    expect(new Date(legalPeriodEnd(T0, 30 * DAY, calendar, zone)).toISOString()).toBe('2026-04-01T02:00:00.000Z');
  });

  test('a period ending on a weekend or a public holiday ends on the next working day, same time', () => {
    // 2026-03-09 (Mon) + 30 d = 2026-04-08 (Wed); from Friday 2026-03-06, 2026-04-05 is Sunday and Qingming (04-04..06).
    const friday = Date.parse('2026-03-06T02:00:00.000Z');
    expect(new Date(legalPeriodEnd(friday, 30 * DAY, calendar, zone)).toISOString()).toBe('2026-04-07T02:00:00.000Z');
    // From 2026-09-01 + 30 d = 2026-10-01, National Day: the holidays run to 10-07.
    const september = Date.parse('2026-09-01T02:00:00.000Z');
    expect(new Date(legalPeriodEnd(september, 30 * DAY, calendar, zone)).toISOString()).toBe('2026-10-08T02:00:00.000Z');
    // A make-up working Saturday (2026-10-10) counts as a working day.
    const tenth = Date.parse('2026-09-10T02:00:00.000Z');
    expect(new Date(legalPeriodEnd(tenth, 30 * DAY, calendar, zone)).toISOString()).toBe('2026-10-10T02:00:00.000Z');
  });
});

describe('referralRecordOf', () => {
  test('lists every step with its date and document, and the documents in order', () => {
    const state = inSessions();
    const entry = (seq: number, type: string, documentRef?: string): MediationTimelineEntry => ({
      seq,
      at: new Date(T0 + seq * HOUR).toISOString(),
      type,
      actor: staff(COMMUNITY_MEDIATOR),
      stage: 'sessions',
      level: 'community',
      unitId: 'santang',
      ...(documentRef ? { documentRef } : {}),
    });
    state.timeline.push(
      entry(2, 'session_held', 'BL-1'),
      entry(3, 'session_held', 'BL-2'),
      entry(4, 'note'),
      entry(5, 'referred', 'GZ-1'),
      entry(6, 'note', 'BL-1'),
    );
    const record = referralRecordOf(state, {
      outcome: 'referred',
      to: 'court',
      body: '大连市金州区人民法院',
      reason: '调解不成',
      at: state.timeline.at(-1)!.at,
      documentRef: 'GZ-1',
    });
    expect(record).toMatchObject({
      outcome: 'referred',
      to: 'court',
      body: '大连市金州区人民法院',
      reason: '调解不成',
      level: 'community',
      unitId: 'santang',
      documentRef: 'GZ-1',
    });
    expect(record.steps.map((step) => [step.seq, step.type, step.documentRef])).toEqual([
      [1, 'opened', undefined],
      [2, 'session_held', 'BL-1'],
      [3, 'session_held', 'BL-2'],
      [4, 'note', undefined],
      [5, 'referred', 'GZ-1'],
      [6, 'note', 'BL-1'],
    ]);
    expect(record.steps[1]!.at).toBe(new Date(T0 + 2 * HOUR).toISOString());
    expect(record.documents).toEqual(['BL-1', 'BL-2', 'GZ-1']);
  });

  test('a declined mediation keeps the note on other remedies and names no target', () => {
    const record = referralRecordOf(stateAt('declined'), {
      outcome: 'declined',
      reason: '被申请人不同意调解',
      at: new Date(T0).toISOString(),
      note: '可向人民法院起诉',
    });
    expect(record.to).toBeUndefined();
    expect(record).toMatchObject({ outcome: 'declined', note: '可向人民法院起诉', documents: [] });
  });
});
