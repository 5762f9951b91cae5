/**
 * The mediation machine without a Temporal server: a neighbours' dispute from the demo grid
 * santang-1, mediated first by the 三堂村 committee (santang), then 长兴岛街道 (changxingdao), then
 * the district — consent, assignment, sessions, agreement, signatures and the judicial window,
 * follow-up, and every way it fails or ends.
 */
import type { Actor } from '../../src/domain/case-model';
import {
  isFinalMediation,
  liveFiredTimers,
  mediationIndexOf,
  mediationStep,
  nextMediationTimer,
  openMediation,
  type MediationContext,
  type MediationEffect,
  type MediationEvent,
  type MediationRun,
} from '../../src/domain/mediation-machine';
import { mediationInputFor, type MediationInput } from '../../src/domain/mediation-model';
import type { MediationAction } from '../../src/domain/mediation-rules';
import { caseInputFor, demoConfig, demoOrg } from '../helpers/fixtures';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-03-02T02:00:00.000Z'); // Monday 10:00 in Shanghai

const staff = (id: string): Actor => {
  const person = demoOrg.staff(id)!;
  return { kind: 'staff', id: person.id, role: person.role, unitId: person.unit };
};
const SUPERVISOR = staff('qu-guilan');
const MEDIATOR = { id: 'song-lixin', role: demoOrg.staff('song-lixin')!.role, unitId: demoOrg.staff('song-lixin')!.unit };

const input: MediationInput = mediationInputFor(
  demoConfig,
  caseInputFor({ submittedAtMs: T0, category: 'neighbour_dispute' }),
  [
    { name: '张三', role: 'applicant', email: 'zhangsan@example.com' },
    { name: '李四', role: 'respondent' },
  ],
  { requestedBy: SUPERVISOR, now: new Date(T0) },
);
const plan = input.plan;
const [applicant, respondent] = input.parties;
const iso = (ms: number) => new Date(ms).toISOString();
const standalone: MediationContext = { reportsToCase: false };

function fresh(): MediationRun {
  return { mediation: openMediation(input), fired: [], plan };
}
function play(steps: [MediationEvent, number][], from: MediationRun = fresh(), context: MediationContext = standalone) {
  let run = from;
  let last: MediationEffect[] = [];
  for (const [event, at] of steps) {
    const next = mediationStep(run, event, at, context);
    run = next.state;
    last = next.effects;
  }
  return { run, last };
}
const act = (action: MediationAction, actor: Actor = SUPERVISOR): MediationEvent => ({ type: 'action', request: { action, actor } });
const kinds = (effects: MediationEffect[]) =>
  effects.map((effect) =>
    effect.type === 'record' ? `record:${effect.entry.type}` : effect.type === 'notify' ? `notify:${effect.request.template}` : effect.type,
  );

/** Opened, both consented, mediator assigned at T0 + 1 day: the round runs. */
function inSessions() {
  return play([
    [{ type: 'open' }, T0],
    [act({ type: 'consent', partyId: applicant!.id, given: true }), T0 + HOUR],
    [act({ type: 'consent', partyId: respondent!.id, given: true }), T0 + 2 * HOUR],
    [act({ type: 'assign_mediator', mediator: MEDIATOR }), T0 + DAY],
  ]);
}

/** …then an agreement reached at T0 + 3 days. */
function withAgreement() {
  const { run } = inSessions();
  return play(
    [
      [act({ type: 'schedule_session', at: iso(T0 + 2 * DAY), place: '村委会' }), T0 + DAY],
      [
        act({ type: 'record_outcome', outcome: 'agreement', agreement: { terms: '拆除围墙', performanceDeadline: iso(T0 + 60 * DAY), documentRef: 'doc-1' } }),
        T0 + 3 * DAY,
      ],
    ],
    run,
  );
}

describe('consent', () => {
  it('opens at the community asking every party, the deadline from the request', () => {
    const { run, last } = play([[{ type: 'open' }, T0 + 5_000]]);
    expect(run.mediation).toMatchObject({ stage: 'consent', level: 'community', unitId: 'santang', dueAt: iso(T0 + plan.consentWithinMs), stageSeq: 1 });
    expect(kinds(last)).toEqual(['record:opened', 'index', 'notify:mediation_consent_requested']);
    expect(mediationIndexOf(run.mediation)).toMatchObject({ kind: 'mediation', status: 'consent', assigneeId: null, unitId: 'santang' });
  });

  it('reports to its case when it runs as one’s child, once per change', () => {
    const child: MediationContext = { reportsToCase: true };
    const opened = play([[{ type: 'open' }, T0]], fresh(), child);
    expect(opened.last.filter((effect) => effect.type === 'report')).toEqual([
      { type: 'report', progress: expect.objectContaining({ stage: 'consent', unitId: 'santang', final: false }) },
    ]);
    const again = mediationStep(opened.run, { type: 'resume' }, T0 + 1, child);
    expect(again.effects.map((effect) => effect.type)).toEqual(['index']);
  });

  it('all consent: awaits a mediator, the committee is told', () => {
    const { run, last } = play([
      [{ type: 'open' }, T0],
      [act({ type: 'consent', partyId: applicant!.id, given: true }), T0 + HOUR],
      [act({ type: 'consent', partyId: respondent!.id, given: true }), T0 + 2 * HOUR],
    ]);
    expect(run.mediation).toMatchObject({ stage: 'assignment', dueAt: iso(T0 + 2 * HOUR + plan.assignWithinMs) });
    expect(kinds(last)).toEqual(['record:consent_given', 'record:consent_complete', 'index', 'notify:mediation_awaiting_mediator']);
  });

  it('one refusal declines it, with a closing record', () => {
    const { run, last } = play([
      [{ type: 'open' }, T0],
      [act({ type: 'consent', partyId: respondent!.id, given: false, note: '不愿意', referralNote: '可向法院起诉' }), T0 + HOUR],
    ]);
    expect(run.mediation).toMatchObject({ stage: 'declined', closedAt: iso(T0 + HOUR), referral: { outcome: 'declined', reason: '不愿意' } });
    expect(isFinalMediation(run)).toBe(true);
    expect(kinds(last)).toContain('notify:mediation_declined');
  });

  it('reminds before the consent deadline, then escalates to the street when it passes', () => {
    const opened = play([[{ type: 'open' }, T0]]);
    expect(nextMediationTimer(opened.run)).toMatchObject({ kind: 'consent_reminder', atMs: T0 + plan.consentWithinMs - plan.reminderLeadMs });
    const reminded = play([[{ type: 'time' }, T0 + plan.consentWithinMs - plan.reminderLeadMs]], opened.run);
    expect(kinds(reminded.last)).toEqual(['record:consent_reminded', 'notify:mediation_consent_reminder', 'notify:mediation_consent_reminder']);
    const passed = play([[{ type: 'time' }, T0 + plan.consentWithinMs]], reminded.run);
    expect(passed.run.mediation).toMatchObject({ stage: 'consent', level: 'street', unitId: 'changxingdao', escalations: 1 });
    expect(kinds(passed.last)).toEqual(['record:escalated', 'index', 'notify:mediation_escalated', 'notify:mediation_consent_requested']);
    expect(liveFiredTimers(passed.run)).toEqual([]);
  });

  it('at the top, a passed deadline is flagged overdue instead', () => {
    let { run } = play([[{ type: 'open' }, T0]]);
    let at = T0;
    while (run.mediation.unitId !== run.mediation.ladder.at(-1)!.unitId) {
      at = Date.parse(run.mediation.dueAt!);
      run = play([[{ type: 'time' }, at]], run).run;
    }
    const top = play([[{ type: 'time' }, Date.parse(run.mediation.dueAt!)]], run);
    expect(top.run.mediation).toMatchObject({ overdue: true, level: 'district' });
    expect(kinds(top.last)).toContain('notify:mediation_overdue');
  });
});

describe('sessions', () => {
  it('assigning a mediator starts a round with its time limit', () => {
    const { run, last } = inSessions();
    expect(run.mediation).toMatchObject({
      stage: 'sessions',
      mediatorId: MEDIATOR.id,
      round: { sessionsHeld: 0, sessionLimit: plan.sessionLimit, endsBy: iso(T0 + DAY + plan.maxDurationMs) },
    });
    expect(kinds(last)).toEqual(['record:mediator_assigned', 'index', 'notify:mediation_mediator_assigned']);
    expect(mediationIndexOf(run.mediation).assigneeId).toBe(MEDIATOR.id);
  });

  it('a scheduled session is reminded of', () => {
    const { run } = inSessions();
    const scheduled = play([[act({ type: 'schedule_session', at: iso(T0 + 5 * DAY), place: '村委会' }), T0 + DAY]], run);
    expect(nextMediationTimer(scheduled.run)).toMatchObject({ kind: 'session_reminder', atMs: T0 + 5 * DAY - plan.reminderLeadMs });
    const reminded = play([[{ type: 'time' }, T0 + 5 * DAY - plan.reminderLeadMs]], scheduled.run);
    expect(kinds(reminded.last)).toEqual(['record:session_reminded', 'notify:mediation_session_reminder', 'notify:mediation_session_reminder']);
  });

  it('no agreement at a session hands the dispute to the next committee, which needs a mediator', () => {
    const { run } = inSessions();
    const failed = play(
      [
        [act({ type: 'schedule_session', at: iso(T0 + 2 * DAY), place: '村委会' }), T0 + DAY],
        [act({ type: 'record_outcome', outcome: 'no_agreement' }), T0 + 2 * DAY],
      ],
      run,
    );
    expect(failed.run.mediation).toMatchObject({ stage: 'assignment', unitId: 'changxingdao', mediatorId: undefined, round: undefined });
    expect(failed.run.mediation.timeline.at(-1)).toMatchObject({ type: 'escalated', note: 'systemReason.noAgreementAtSession' });
  });

  it('the round’s time limit, extended once, then counts as a failure there', () => {
    const { run } = inSessions();
    const extended = play([[act({ type: 'extend', reason: '当事人出差' }), T0 + 2 * DAY]], run);
    expect(extended.run.mediation.round).toMatchObject({ extended: true, endsBy: iso(T0 + DAY + plan.maxDurationMs + plan.extensionMs) });
    const limit = play([[{ type: 'time' }, T0 + DAY + plan.maxDurationMs + plan.extensionMs]], extended.run);
    expect(limit.run.mediation).toMatchObject({ unitId: 'changxingdao' });
    expect(limit.run.mediation.timeline.at(-1)?.note).toBe('systemReason.timeLimitReached');
  });
});

describe('staff steps at any stage', () => {
  it('a new mediator mid-round takes over the pending session too', () => {
    const { run } = inSessions();
    const other = { id: 'chu-hongmei', role: demoOrg.staff('chu-hongmei')!.role, unitId: demoOrg.staff('chu-hongmei')!.unit };
    const changed = play(
      [
        [act({ type: 'schedule_session', at: iso(T0 + 5 * DAY), place: '村委会' }), T0 + DAY],
        [act({ type: 'assign_mediator', mediator: other, note: '回避' }), T0 + 2 * DAY],
      ],
      run,
    );
    expect(changed.run.mediation).toMatchObject({ stage: 'sessions', mediatorId: other.id });
    expect(changed.run.mediation.sessions.at(-1)?.mediatorId).toBe(other.id);
    expect(changed.run.mediation.timeline.at(-1)).toMatchObject({ type: 'mediator_assigned', details: { from: MEDIATOR.id, to: other.id } });
    expect(kinds(changed.last)).toEqual(['index', 'record:mediator_assigned', 'notify:mediation_mediator_assigned']);
  });

  it('a supervisor escalates at once, and the round there starts afresh', () => {
    const { run } = inSessions();
    const escalated = play([[act({ type: 'escalate', reason: '案情复杂' }), T0 + 2 * DAY]], run);
    expect(escalated.run.mediation).toMatchObject({ stage: 'assignment', unitId: 'changxingdao', escalations: 1, mediatorId: undefined });
    expect(escalated.run.mediation.timeline.at(-1)).toMatchObject({ type: 'escalated', actor: SUPERVISOR, note: '案情复杂' });
  });

  it('a note only records', () => {
    const { run } = inSessions();
    const noted = mediationStep(run, act({ type: 'note', note: '电话沟通' }), T0 + 2 * DAY, standalone);
    expect(kinds(noted.effects)).toEqual(['record:note']);
    expect(noted.state.mediation.stage).toBe('sessions');
  });
});

describe('agreement and after', () => {
  it('an agreement waits for signatures; all signed puts it in force with the judicial window', () => {
    const { run, last } = withAgreement();
    expect(run.mediation).toMatchObject({ stage: 'agreement', dueAt: iso(T0 + 3 * DAY + plan.signWithinMs) });
    expect(kinds(last)).toEqual(['index', 'record:session_held', 'record:agreement_reached', 'index']);
    const signed = play(
      [
        [act({ type: 'sign', partyId: applicant!.id }), T0 + 4 * DAY],
        [act({ type: 'sign', partyId: respondent!.id }), T0 + 4 * DAY + HOUR],
      ],
      run,
    );
    expect(signed.run.mediation.stage).toBe('performance');
    const window = signed.run.mediation.agreement!.judicialWindow!;
    expect(window.opensAt).toBe(iso(T0 + 4 * DAY + HOUR));
    expect(Date.parse(window.closesAt)).toBeGreaterThanOrEqual(T0 + 4 * DAY + HOUR + plan.judicialWindowMs);
    expect(kinds(signed.last)).toEqual([
      'index',
      'record:agreement_signed',
      'record:agreement_in_force',
      'index',
      'notify:mediation_agreement_signed',
      'notify:mediation_agreement_signed',
    ]);
  });

  it('late signatures flag it overdue', () => {
    const { run } = withAgreement();
    const late = play([[{ type: 'time' }, T0 + 3 * DAY + plan.signWithinMs]], run);
    expect(late.run.mediation.overdue).toBe(true);
    expect(kinds(late.last)).toEqual(['index', 'record:overdue', 'notify:mediation_overdue']);
  });

  function inForce() {
    const { run } = withAgreement();
    return play(
      [
        [act({ type: 'sign', partyId: applicant!.id }), T0 + 4 * DAY],
        [act({ type: 'sign', partyId: respondent!.id }), T0 + 4 * DAY],
      ],
      run,
    ).run;
  }

  it('reminds of the judicial window, records its close, and asks for follow-up at the performance deadline', () => {
    const run = inForce();
    const closesAt = Date.parse(run.mediation.agreement!.judicialWindow!.closesAt);
    const reminded = play([[{ type: 'time' }, closesAt - plan.judicialReminderLeadMs]], run);
    expect(kinds(reminded.last)).toEqual(['record:judicial_reminded', 'notify:mediation_judicial_reminder']);
    const closed = play([[{ type: 'time' }, closesAt]], reminded.run);
    expect(closed.run.mediation.timeline.at(-1)).toMatchObject({ type: 'judicial_window_closed', details: { confirmed: false } });
    const due = play([[{ type: 'time' }, T0 + 60 * DAY]], closed.run);
    expect(kinds(due.last)).toEqual(['record:follow_up_due', 'notify:mediation_follow_up_due']);
  });

  it('a confirmation within the window is recorded', () => {
    const { run } = play([[act({ type: 'judicial_confirmation', documentRef: 'court-1' }), T0 + 10 * DAY]], inForce());
    expect(run.mediation.agreement!.judicialWindow!.confirmation).toMatchObject({ documentRef: 'court-1' });
  });

  it('honoured: fulfilled and ended', () => {
    const { run, last } = play([[act({ type: 'follow_up', honoured: true }), T0 + 61 * DAY]], inForce());
    expect(run.mediation).toMatchObject({ stage: 'fulfilled', closedAt: iso(T0 + 61 * DAY) });
    expect(kinds(last)).toContain('notify:mediation_fulfilled');
  });

  it('breached: mediated again with a fresh round, or referred with the whole record', () => {
    const reopened = play([[act({ type: 'follow_up', honoured: false, next: 'reopen', note: '未履行' }), T0 + 61 * DAY]], inForce());
    expect(reopened.run.mediation).toMatchObject({
      stage: 'sessions',
      reopens: 1,
      agreement: undefined,
      round: { endsBy: iso(T0 + 61 * DAY + plan.maxDurationMs) },
    });
    const referral = { to: 'court' as const, body: '崇明区人民法院', reason: '多次违约' };
    const referred = play([[act({ type: 'follow_up', honoured: false, next: 'refer', referral }), T0 + 61 * DAY]], inForce());
    expect(referred.run.mediation).toMatchObject({ stage: 'referred', referral: { outcome: 'referred', to: 'court', body: '崇明区人民法院' } });
    expect(referred.run.mediation.referral!.steps.map((step) => step.type)).toContain('agreement_in_force');
  });

  it('a party withdraws: ended, a pending session cancelled', () => {
    const { run } = inSessions();
    const withdrawn = play(
      [
        [act({ type: 'schedule_session', at: iso(T0 + 5 * DAY), place: '村委会' }), T0 + DAY],
        [act({ type: 'withdraw', partyId: applicant!.id, reason: '已和解' }), T0 + 2 * DAY],
      ],
      run,
    );
    expect(withdrawn.run.mediation).toMatchObject({ stage: 'withdrawn' });
    expect(withdrawn.run.mediation.sessions.at(-1)).toMatchObject({ outcome: 'cancelled' });
    expect(nextMediationTimer(withdrawn.run)).toBeUndefined();
  });

  it('a newer calendar replaces the plan’s, and nothing else', () => {
    const run = fresh();
    const calendar = { ...plan.calendar, version: 'next' };
    const next = mediationStep(run, { type: 'calendar', calendar }, T0, standalone);
    expect(next.state.plan.calendar.version).toBe('next');
    expect(next.state.mediation).toBe(run.mediation);
    expect(next.effects).toEqual([]);
  });
});
