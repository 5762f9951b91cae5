/**
 * mediationWorkflow on the real time-skipping test server: a dispute from consent to a fulfilled
 * agreement through its 30-day judicial window, refusal, consent and duration deadlines, session
 * limits, escalation up the committees, breach and referral, withdrawal — weeks of statutory time
 * in seconds. Activities are recording fakes (the e-mail path is tested for real in integration).
 */
import { SYSTEM_REASONS } from '../../src/domain/system-reasons';
import { WithStartWorkflowOperation, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Activities } from '../../src/activities';
import type { WorkingCalendar } from '../../src/config/schema';
import type { Actor } from '../../src/domain/case-model';
import { mediationInputFor, type MediationInput, type MediationPartyInput, type MediationState } from '../../src/domain/mediation-model';
import type { MediationAction } from '../../src/domain/mediation-rules';
import type { NotificationRequest, NotificationTemplate } from '../../src/domain/notification';
import { mediationWorkflow } from '../../src/workflows/mediation';
import { getMediationQuery, MEDIATION_CONFLICT, MEDIATION_FORBIDDEN, mediationActionUpdate } from '../../src/workflows/mediation-definitions';
import { eventually } from '../helpers/eventually';
import { disputeCaseStandIn } from './fixtures/mediation-parent';
import { caseInputFor, demoConfig, demoOrg } from '../helpers/fixtures';
import { memoryRecordActivities } from '../helpers/records';
import { bundleWorkflows, createTimeSkippingEnv, endWhenIdle, withTestWorker } from '../helpers/temporal';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

// The demo grid santang-1: 三堂村 (santang) → 长兴岛街道 (changxingdao) → 长兴岛经济区 (changxing).
const SECRETARY = 'qu-guilan';
const COMMUNITY_MEDIATOR = 'song-lixin';
const STREET_LEADER = 'yu-min';
const STREET_MEDIATOR = 'jiang-jie';
const DISTRICT_LEADER = 'li-li';
const DISTRICT_MEDIATOR = 'zhang-ming';
const HOTLINE: Actor = { kind: 'integration', id: 'hotline-12345' };

/** No rest days, so statutory periods are plain arithmetic here (the unit tests cover rest days). */
const EVERY_DAY_WORKS: WorkingCalendar = { workingHours: [{ start: '09:00', end: '17:00' }], weekend: [], holidays: [], workingWeekends: [] };

const TWO_PARTIES: MediationPartyInput[] = [
  { name: '张三', role: 'applicant', email: 'zhangsan@example.com' },
  { name: '李四', role: 'respondent', email: 'lisi@example.com', locale: 'en' },
];

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
/** The workflows plus a stand-in parent case (see fixtures/mediation-parent.ts). */
let parentBundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  [env, bundle, parentBundle] = await Promise.all([
    createTimeSkippingEnv(),
    bundleWorkflows(),
    bundleWorkflowCode({ workflowsPath: require.resolve('./fixtures/mediation-parent'), logger: new DefaultLogger('WARN') }),
  ]);
});

afterAll(async () => {
  await env?.teardown();
});

/** Workflows started by the current test. */
const started: string[] = [];

/** Ends the current test's mediations while its worker still runs (see endWhenIdle). */
async function endStarted(): Promise<void> {
  await endWhenIdle(env.client, started);
}

/** A test that failed before its worker stopped still leaves nothing running. */
afterEach(endStarted);

function recordingActivities(options: { failMail?: boolean } = {}) {
  const sent: NotificationRequest[] = [];
  /** The outage can end, so retried notifications drain before the test's mediation ends. */
  const smtp = { down: options.failMail ?? false };
  const activities: Activities = {
    async notify(request) {
      if (smtp.down) throw new Error('SMTP server unreachable');
      sent.push(request);
      return Promise.resolve({ delivered: [] });
    },
    async currentDutyOfficer(unitId) {
      return Promise.resolve(demoOrg.dutyOfficer(unitId)?.id);
    },
    ...memoryRecordActivities(),
  };
  const of = (template: NotificationTemplate) => sent.filter((request) => request.template === template);
  return { sent, of, activities, smtp };
}

async function withWorker<T>(activities: Activities, fn: (taskQueue: string) => Promise<T>, workflowBundle = bundle): Promise<T> {
  return withTestWorker(env, { workflowBundle, activities, started }, fn);
}

function asStaff(id: string): Actor {
  const person = demoOrg.staff(id)!;
  return { kind: 'staff', id: person.id, role: person.role, unitId: person.unit };
}

function mediatorRef(id: string) {
  const person = demoOrg.staff(id)!;
  return { id: person.id, role: person.role, unitId: person.unit };
}

/** A neighbour dispute on the demo grid, as the API would build it at `t0`. */
function mediationInput(t0: number, parties: MediationPartyInput[] = TWO_PARTIES): MediationInput {
  const dispute = caseInputFor({ submittedAtMs: t0, category: 'neighbour_dispute' });
  const input = mediationInputFor(demoConfig, dispute, parties, { requestedBy: asStaff(SECRETARY), now: new Date(t0) });
  input.plan = { ...input.plan, calendar: EVERY_DAY_WORKS };
  return input;
}

type Handle = WorkflowHandle<typeof mediationWorkflow>;

async function start(taskQueue: string, input: MediationInput, historyLimit?: number): Promise<Handle> {
  started.push(input.mediationId);
  await env.client.workflow.start(mediationWorkflow, {
    args: [input, undefined, { searchAttributes: false, historyLimit }],
    workflowId: input.mediationId,
    taskQueue,
  });
  // Unbound to a run, so messages follow the mediation across continue-as-new.
  return env.client.workflow.getHandle<typeof mediationWorkflow>(input.mediationId);
}

async function act(handle: Handle, action: MediationAction, actor: Actor): Promise<MediationState> {
  return handle.executeUpdate(mediationActionUpdate, { args: [{ action, actor }] });
}

async function refusal(handle: Handle, action: MediationAction, actor: Actor): Promise<ApplicationFailure> {
  const error: unknown = await act(handle, action, actor).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (error as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

const query = (handle: Handle) => handle.query(getMediationQuery);
const types = (state: MediationState) => state.timeline.map((entry) => entry.type);
const entryOf = (state: MediationState, type: string) => state.timeline.find((entry) => entry.type === type);
const iso = (ms: number) => new Date(ms).toISOString();
/** Notifications run as concurrent activities: compare them in a stable order. */
const byMessageId = (requests: NotificationRequest[]) => [...requests].sort((a, b) => a.messageId.localeCompare(b.messageId));

function expectNear(actualIso: string | undefined, expectedMs: number, toleranceMs = 2_000): void {
  expect(actualIso).toBeDefined();
  expect(Math.abs(Date.parse(actualIso!) - expectedMs)).toBeLessThanOrEqual(toleranceMs);
}

/** Every party consents and the community secretary assigns the community's mediator. */
async function intoSessions(handle: Handle, parties = TWO_PARTIES.length): Promise<MediationState> {
  for (let index = 1; index <= parties; index++) await act(handle, { type: 'consent', partyId: `p${index}`, given: true }, asStaff(SECRETARY));
  return act(handle, { type: 'assign_mediator', mediator: mediatorRef(COMMUNITY_MEDIATOR) }, asStaff(SECRETARY));
}

/** Schedules a session `inMs` from now, lets it take place, and records `outcome`. */
async function holdSession(
  handle: Handle,
  mediator: string,
  outcome: Extract<MediationAction, { type: 'record_outcome' }>,
  inMs = DAY / 2,
): Promise<MediationState> {
  const at = (await env.currentTimeMs()) + inMs;
  await act(handle, { type: 'schedule_session', at: iso(at), place: '三堂村村委会调解室' }, asStaff(mediator));
  await env.sleep(inMs + MINUTE);
  return act(handle, outcome, asStaff(mediator));
}

/** An agreement reached now and due `performWithinMs` later, signed by both parties. */
async function signedAgreement(handle: Handle, documentRef: string, performWithinMs: number): Promise<MediationState> {
  const performanceDeadline = iso((await env.currentTimeMs()) + DAY / 2 + MINUTE + performWithinMs);
  await holdSession(handle, COMMUNITY_MEDIATOR, {
    type: 'record_outcome',
    outcome: 'agreement',
    documentRef: `BL-${documentRef}`,
    agreement: { terms: '李四修复漏水并赔偿张三 2000 元', performanceDeadline, documentRef },
  });
  await act(handle, { type: 'sign', partyId: 'p1' }, asStaff(COMMUNITY_MEDIATOR));
  return act(handle, { type: 'sign', partyId: 'p2' }, HOTLINE);
}

describe('mediationWorkflow', () => {
  test('happy path: consent, mediator, an adjourned and an agreed session, signatures, the 30-day judicial window, fulfilled', async () => {
    const { of, activities } = recordingActivities();
    await withWorker(activities, async (taskQueue) => {
      const t0 = await env.currentTimeMs();
      const input = mediationInput(t0);
      const id = input.mediationId;
      const handle = await start(taskQueue, input);

      let state = await query(handle);
      expect(state).toMatchObject({ stage: 'consent', level: 'community', unitId: 'santang', dueAt: iso(t0 + 3 * DAY), overdue: false });
      expect(state.parties.map((party) => [party.id, party.role])).toEqual([
        ['p1', 'applicant'],
        ['p2', 'respondent'],
      ]);
      await eventually(() =>
        expect(byMessageId(of('mediation_consent_requested')).map((r) => [r.messageId, r.resident?.email, r.resident?.locale, r.extra?.consentBy])).toEqual([
          [`${id}.1.mediation_consent_requested.p1`, 'zhangsan@example.com', 'zh-CN', iso(t0 + 3 * DAY)],
          [`${id}.1.mediation_consent_requested.p2`, 'lisi@example.com', 'en', iso(t0 + 3 * DAY)],
        ]),
      );

      // Consent per party: the secretary records one, the hotline integration the other.
      state = await act(handle, { type: 'consent', partyId: 'p1', given: true }, asStaff(SECRETARY));
      expect(state.stage).toBe('consent');
      state = await act(handle, { type: 'consent', partyId: 'p2', given: true, note: '电话答复同意' }, HOTLINE);
      const consentedAt = await env.currentTimeMs();
      expect(state.stage).toBe('assignment');
      expect(state.parties.map((party) => party.consent?.given)).toEqual([true, true]);
      expectNear(state.dueAt, consentedAt + 3 * DAY);
      await eventually(() => expect(of('mediation_awaiting_mediator')[0]).toMatchObject({ staffIds: [COMMUNITY_MEDIATOR], supervisorsOf: 'santang' }));

      state = await act(handle, { type: 'assign_mediator', mediator: mediatorRef(COMMUNITY_MEDIATOR) }, asStaff(SECRETARY));
      const assignedAt = await env.currentTimeMs();
      expect(state).toMatchObject({ stage: 'sessions', mediatorId: COMMUNITY_MEDIATOR, round: { sessionsHeld: 0, sessionLimit: 3, extended: false } });
      expectNear(state.round!.endsBy, assignedAt + 30 * DAY);
      expect(state.dueAt).toBe(state.round!.endsBy);

      // Session 1 in three days: parties and mediator are told, and reminded exactly a day before.
      const first = assignedAt + 3 * DAY;
      state = await act(handle, { type: 'schedule_session', at: iso(first), place: '三堂村村委会调解室' }, asStaff(COMMUNITY_MEDIATOR));
      const scheduledSeq = state.timeline.at(-1)!.seq;
      await eventually(() =>
        expect(
          of('mediation_session_scheduled')
            .map((r) => r.messageId)
            .sort(),
        ).toEqual(
          [
            `${id}.${scheduledSeq}.mediation_session_scheduled`,
            `${id}.${scheduledSeq}.mediation_session_scheduled.p1`,
            `${id}.${scheduledSeq}.mediation_session_scheduled.p2`,
          ].sort(),
        ),
      );
      await env.sleep(2 * DAY - MINUTE);
      expect(types(await query(handle))).not.toContain('session_reminded');
      await env.sleep(2 * MINUTE);
      state = await query(handle);
      expectNear(entryOf(state, 'session_reminded')?.at, first - DAY);
      await eventually(() => {
        const reminders = of('mediation_session_reminder');
        expect(reminders.map((r) => r.resident?.email ?? r.staffIds?.join())).toEqual(
          expect.arrayContaining(['zhangsan@example.com', 'lisi@example.com', COMMUNITY_MEDIATOR]),
        );
        expect(reminders[0]!.extra).toMatchObject({ sessionNo: 1, sessionAt: iso(first), place: '三堂村村委会调解室', mediationId: id });
      });

      // Too early to record the outcome; after the session it is adjourned to a second one.
      expect((await refusal(handle, { type: 'record_outcome', outcome: 'adjourned' }, asStaff(COMMUNITY_MEDIATOR))).type).toBe(MEDIATION_CONFLICT);
      await env.sleep(DAY);
      state = await act(
        handle,
        { type: 'record_outcome', outcome: 'adjourned', note: '双方同意补充证据后再调', documentRef: 'BL-1' },
        asStaff(COMMUNITY_MEDIATOR),
      );
      expect(state).toMatchObject({ stage: 'sessions', round: { sessionsHeld: 1 } });
      expect(state.sessions[0]).toMatchObject({ no: 1, outcome: 'adjourned', documentRef: 'BL-1' });

      state = await signedAgreement(handle, 'TJ-2026-001', 40 * DAY);
      expect(types(state).filter((type) => type === 'session_held')).toHaveLength(2);
      expect(state.stage).toBe('performance');
      const agreement = state.agreement!;
      expect(agreement.signatures.map((signature) => signature.partyId)).toEqual(['p1', 'p2']);
      const signedAt = Date.parse(agreement.signedAt!);
      const closesAt = Date.parse(agreement.judicialWindow!.closesAt);
      expect(closesAt - signedAt).toBe(30 * DAY);
      expect(state.dueAt).toBe(agreement.performanceDeadline);
      await eventually(() => {
        const told = of('mediation_agreement_signed');
        expect(told.map((r) => r.resident?.email ?? r.staffIds?.join()).sort()).toEqual(['lisi@example.com', COMMUNITY_MEDIATOR, 'zhangsan@example.com']);
        expect(told[0]!.extra).toMatchObject({ closesAt: iso(closesAt), performanceDeadline: agreement.performanceDeadline });
      });

      // The parties are reminded three days before the window closes, and its close is recorded.
      await env.sleep(closesAt - 3 * DAY - (await env.currentTimeMs()) - MINUTE);
      expect(types(await query(handle))).not.toContain('judicial_reminded');
      await env.sleep(2 * MINUTE);
      state = await query(handle);
      expectNear(entryOf(state, 'judicial_reminded')?.at, closesAt - 3 * DAY);
      await eventually(() =>
        expect(byMessageId(of('mediation_judicial_reminder')).map((r) => [r.resident?.email, r.extra?.closesAt])).toEqual([
          ['zhangsan@example.com', iso(closesAt)],
          ['lisi@example.com', iso(closesAt)],
        ]),
      );
      await env.sleep(3 * DAY);
      state = await query(handle);
      expectNear(entryOf(state, 'judicial_window_closed')?.at, closesAt);
      expect(entryOf(state, 'judicial_window_closed')?.details).toMatchObject({ confirmed: false });

      // Performance can only be confirmed from its deadline; then the mediator is asked to follow up.
      expect((await refusal(handle, { type: 'follow_up', honoured: true }, asStaff(COMMUNITY_MEDIATOR))).message).toBe('refusal.performanceNotDueYet');
      const deadline = Date.parse(agreement.performanceDeadline);
      await env.sleep(deadline - (await env.currentTimeMs()) + MINUTE);
      state = await query(handle);
      expectNear(entryOf(state, 'follow_up_due')?.at, deadline);
      await eventually(() =>
        expect(of('mediation_follow_up_due')[0]).toMatchObject({
          staffIds: [COMMUNITY_MEDIATOR],
          extra: { performanceDeadline: agreement.performanceDeadline },
        }),
      );

      state = await act(handle, { type: 'follow_up', honoured: true, note: '已赔偿并修复', documentRef: 'HF-1' }, asStaff(COMMUNITY_MEDIATOR));
      expect(state.stage).toBe('fulfilled');
      const result = await handle.result();
      expect(result.stage).toBe('fulfilled');
      expect(result.closedAt).toBeDefined();
      expect(types(result)).toEqual([
        'opened',
        'consent_given',
        'consent_given',
        'consent_complete',
        'mediator_assigned',
        'session_scheduled',
        'session_reminded',
        'session_held',
        'session_scheduled',
        'session_held',
        'agreement_reached',
        'agreement_signed',
        'agreement_signed',
        'agreement_in_force',
        'judicial_reminded',
        'judicial_window_closed',
        'follow_up_due',
        'fulfilled',
      ]);
      expect(result.timeline.every((entry) => entry.actor && entry.at)).toBe(true);
      expect(result.timeline.find((entry) => entry.type === 'consent_given' && entry.actor.kind === 'integration')?.details).toEqual({ partyId: 'p2' });
      await eventually(() => expect(of('mediation_fulfilled')).toHaveLength(3));
    });
  });

  test('a refusal ends the mediation as declined, with a referral note and the record of its steps', async () => {
    const { of, activities } = recordingActivities();
    await withWorker(activities, async (taskQueue) => {
      const input = mediationInput(await env.currentTimeMs());
      const handle = await start(taskQueue, input);
      await act(handle, { type: 'consent', partyId: 'p1', given: true }, asStaff(SECRETARY));
      const state = await act(handle, { type: 'consent', partyId: 'p2', given: false, note: '不愿调解', referralNote: '已告知可向人民法院起诉' }, HOTLINE);
      expect(state).toMatchObject({ stage: 'declined', parties: [{ consent: { given: true } }, { consent: { given: false, note: '不愿调解' } }] });
      expect(state.referral).toMatchObject({ outcome: 'declined', reason: '不愿调解', note: '已告知可向人民法院起诉', unitId: 'santang' });
      expect(state.referral!.to).toBeUndefined();
      expect(state.referral!.steps.map((step) => step.type)).toEqual(['opened', 'consent_given', 'consent_refused', 'declined']);
      const result = await handle.result();
      expect(result.stage).toBe('declined');
      await eventually(() => {
        const told = of('mediation_declined');
        expect(told.map((r) => r.resident?.email ?? r.staffIds?.join()).sort()).toEqual(['lisi@example.com', COMMUNITY_MEDIATOR, 'zhangsan@example.com']);
        expect(told[0]!.extra?.referralNote).toBe('已告知可向人民法院起诉');
      });
    });
  });

  test('no answer by the consent deadline: a reminder a day before, then the street committee takes over', async () => {
    const { of, activities } = recordingActivities();
    await withWorker(activities, async (taskQueue) => {
      const t0 = await env.currentTimeMs();
      const parties: MediationPartyInput[] = [...TWO_PARTIES, { name: '王五', role: 'third_party' }];
      const input = mediationInput(t0, parties);
      const id = input.mediationId;
      const handle = await start(taskQueue, input);
      await act(handle, { type: 'consent', partyId: 'p1', given: true }, asStaff(SECRETARY));

      await env.sleep(2 * DAY - MINUTE);
      expect(types(await query(handle))).not.toContain('consent_reminded');
      await env.sleep(2 * MINUTE);
      let state = await query(handle);
      const reminded = entryOf(state, 'consent_reminded')!;
      expectNear(reminded.at, t0 + 2 * DAY);
      // Only the party who has not answered and has an address (王五 has none), and the committee.
      await eventually(() =>
        expect(
          of('mediation_consent_reminder')
            .map((r) => r.messageId)
            .sort(),
        ).toEqual([`${id}.${reminded.seq}.mediation_consent_reminder`, `${id}.${reminded.seq}.mediation_consent_reminder.p2`].sort()),
      );
      expect(of('mediation_consent_reminder').find((r) => r.staffIds)?.staffIds).toEqual([COMMUNITY_MEDIATOR]);

      await env.sleep(DAY);
      state = await query(handle);
      const escalated = entryOf(state, 'escalated')!;
      expectNear(escalated.at, t0 + 3 * DAY);
      expect(state).toMatchObject({ stage: 'consent', level: 'street', unitId: 'changxingdao', escalations: 1 });
      expectNear(state.dueAt, t0 + 6 * DAY);
      expect(escalated.details).toMatchObject({ from: { level: 'community', unitId: 'santang' }, to: { level: 'street', unitId: 'changxingdao' } });
      // The consent already given carries over to the street committee.
      expect(state.parties.map((party) => party.consent?.given)).toEqual([true, undefined, undefined]);
      await eventually(() => {
        expect(of('mediation_escalated')[0]).toMatchObject({
          staffIds: [STREET_MEDIATOR],
          supervisorsOf: 'changxingdao',
          extra: { reason: SYSTEM_REASONS.consentDeadline },
        });
        expect(of('mediation_escalated')[0]!.timeline?.map((entry) => entry.type)).toContain('escalated');
        expect(
          of('mediation_consent_requested')
            .filter((r) => r.messageId.startsWith(`${id}.${escalated.seq}.`))
            .map((r) => r.resident?.email),
        ).toEqual(['lisi@example.com']);
      });

      await act(handle, { type: 'consent', partyId: 'p2', given: true }, asStaff(STREET_LEADER));
      state = await act(handle, { type: 'consent', partyId: 'p3', given: true }, asStaff(STREET_LEADER));
      expect(state).toMatchObject({ stage: 'assignment', level: 'street' });
      expect((await refusal(handle, { type: 'assign_mediator', mediator: mediatorRef(COMMUNITY_MEDIATOR) }, asStaff(STREET_LEADER))).type).toBe(
        MEDIATION_CONFLICT,
      );
      state = await act(handle, { type: 'assign_mediator', mediator: mediatorRef(STREET_MEDIATOR) }, asStaff(STREET_LEADER));
      expect(state).toMatchObject({ stage: 'sessions', mediatorId: STREET_MEDIATOR });
    });
  });

  test('adjourned sessions up to the limit, then the next committee takes over', async () => {
    const { of, activities } = recordingActivities();
    await withWorker(activities, async (taskQueue) => {
      const handle = await start(taskQueue, mediationInput(await env.currentTimeMs()));
      await intoSessions(handle);
      let state: MediationState | undefined;
      for (let session = 1; session <= 3; session++) {
        state = await holdSession(handle, COMMUNITY_MEDIATOR, { type: 'record_outcome', outcome: 'adjourned', documentRef: `BL-${session}` });
        if (session < 3) expect(state).toMatchObject({ stage: 'sessions', level: 'community', round: { sessionsHeld: session } });
      }
      expect(state).toMatchObject({ stage: 'assignment', level: 'street', unitId: 'changxingdao', escalations: 1 });
      expect(state!.mediatorId).toBeUndefined();
      expect(state!.round).toBeUndefined();
      expect(state!.sessions.map((session) => [session.no, session.outcome, session.documentRef])).toEqual([
        [1, 'adjourned', 'BL-1'],
        [2, 'adjourned', 'BL-2'],
        [3, 'adjourned', 'BL-3'],
      ]);
      expect(entryOf(state!, 'escalated')?.note).toBe(SYSTEM_REASONS.sessionLimitReached);
      await eventually(() => expect(of('mediation_escalated')[0]).toMatchObject({ staffIds: [STREET_MEDIATOR], supervisorsOf: 'changxingdao' }));
    });
  });

  test('the time limit runs from assignment; a supervisor extends it once; when it passes the next committee takes over', async () => {
    const { activities } = recordingActivities();
    await withWorker(activities, async (taskQueue) => {
      const handle = await start(taskQueue, mediationInput(await env.currentTimeMs()));
      let state = await intoSessions(handle);
      const endsBy = Date.parse(state.round!.endsBy);
      expect((await refusal(handle, { type: 'extend', reason: '当事人外出' }, asStaff(COMMUNITY_MEDIATOR))).type).toBe(MEDIATION_FORBIDDEN);
      state = await act(handle, { type: 'extend', reason: '当事人外出务工，春节后返乡' }, asStaff(SECRETARY));
      expect(state.round).toMatchObject({ extended: true, endsBy: iso(endsBy + 15 * DAY) });
      expect(state.dueAt).toBe(iso(endsBy + 15 * DAY));
      expect(entryOf(state, 'extended')?.details).toEqual({ from: iso(endsBy), to: iso(endsBy + 15 * DAY) });
      expect((await refusal(handle, { type: 'extend', reason: '再延' }, asStaff(SECRETARY))).message).toBe('refusal.alreadyExtended');
      const tooLate = await refusal(handle, { type: 'schedule_session', at: iso(endsBy + 16 * DAY), place: '村委会' }, asStaff(COMMUNITY_MEDIATOR));
      expect(tooLate.message).toBe('refusal.sessionAfterLimit');

      await env.sleep(endsBy + 15 * DAY - (await env.currentTimeMs()) - MINUTE);
      expect(await query(handle)).toMatchObject({ stage: 'sessions', level: 'community' });
      await env.sleep(2 * MINUTE);
      state = await query(handle);
      expect(state).toMatchObject({ stage: 'assignment', level: 'street' });
      const escalated = entryOf(state, 'escalated')!;
      expectNear(escalated.at, endsBy + 15 * DAY);
      expect(escalated.note).toBe(SYSTEM_REASONS.timeLimitReached);
    });
  });

  test('escalation up to the district committee; failing there awaits referral, which closes with the record of every step', async () => {
    const { of, activities } = recordingActivities();
    await withWorker(activities, async (taskQueue) => {
      const handle = await start(taskQueue, mediationInput(await env.currentTimeMs()));
      await intoSessions(handle);
      await holdSession(handle, COMMUNITY_MEDIATOR, { type: 'record_outcome', outcome: 'adjourned', documentRef: 'BL-1' });
      let state = await act(handle, { type: 'escalate', reason: '涉及宅基地确权，需街道协调' }, asStaff(COMMUNITY_MEDIATOR));
      expect(state).toMatchObject({ stage: 'assignment', level: 'street', unitId: 'changxingdao' });
      expect(state.mediatorId).toBeUndefined();
      // The community mediator no longer holds it.
      expect((await refusal(handle, { type: 'escalate', reason: 'x' }, asStaff(COMMUNITY_MEDIATOR))).type).toBe(MEDIATION_FORBIDDEN);
      await act(handle, { type: 'assign_mediator', mediator: mediatorRef(STREET_MEDIATOR) }, asStaff(STREET_MEDIATOR));
      state = await holdSession(handle, STREET_MEDIATOR, { type: 'record_outcome', outcome: 'no_agreement', note: '双方分歧较大', documentRef: 'BL-2' });
      // No agreement at the street: the district committee takes over on its own.
      expect(state).toMatchObject({ stage: 'assignment', level: 'district', unitId: 'changxing', escalations: 2 });
      await act(handle, { type: 'assign_mediator', mediator: mediatorRef(DISTRICT_MEDIATOR) }, asStaff(DISTRICT_LEADER));
      expect((await refusal(handle, { type: 'escalate', reason: 'x' }, asStaff(DISTRICT_MEDIATOR))).message).toBe('refusal.atHighestCommittee');

      // The district's month passes without agreement: nobody above, so it fails and supervisors are told.
      await env.sleep(30 * DAY + MINUTE);
      state = await query(handle);
      expect(state).toMatchObject({ stage: 'failed', level: 'district', overdue: true });
      await eventually(() => expect(of('mediation_overdue')[0]).toMatchObject({ staffIds: [DISTRICT_MEDIATOR], supervisorsOf: 'changxing' }));

      state = await act(
        handle,
        { type: 'refer', to: 'court', body: '大连市金州区人民法院', reason: '三级调解均未达成协议', documentRef: 'GZ-2026-07' },
        asStaff(DISTRICT_LEADER),
      );
      expect(state.stage).toBe('referred');
      const record = state.referral!;
      expect(record).toMatchObject({
        outcome: 'referred',
        to: 'court',
        body: '大连市金州区人民法院',
        reason: '三级调解均未达成协议',
        level: 'district',
        documentRef: 'GZ-2026-07',
      });
      expect(record.steps.map((step) => step.seq)).toEqual(state.timeline.map((entry) => entry.seq));
      expect(record.steps.filter((step) => step.type === 'escalated').map((step) => step.unitId)).toEqual(['changxingdao', 'changxing']);
      expect(record.steps.every((step) => typeof step.at === 'string' && step.actor)).toBe(true);
      expect(record.documents).toEqual(['BL-1', 'BL-2', 'GZ-2026-07']);
      await handle.result();
      await eventually(() => expect(of('mediation_referred').map((r) => r.extra?.referredTo)).toContain('大连市金州区人民法院'));
    });
  });

  test('a breach at follow-up reopens mediation; a second breach refers the dispute with its referral record', async () => {
    const { of, activities } = recordingActivities();
    await withWorker(activities, async (taskQueue) => {
      const handle = await start(taskQueue, mediationInput(await env.currentTimeMs()));
      await intoSessions(handle);
      let state = await signedAgreement(handle, 'TJ-1', 5 * DAY);
      const deadline = Date.parse(state.agreement!.performanceDeadline);
      await env.sleep(deadline - (await env.currentTimeMs()) + MINUTE);
      expectNear(entryOf(await query(handle), 'follow_up_due')?.at, deadline);

      state = await act(
        handle,
        { type: 'follow_up', honoured: false, next: 'reopen', note: '李四未按期赔偿', documentRef: 'HF-1' },
        asStaff(COMMUNITY_MEDIATOR),
      );
      const reopenedAt = await env.currentTimeMs();
      expect(state).toMatchObject({
        stage: 'sessions',
        level: 'community',
        mediatorId: COMMUNITY_MEDIATOR,
        reopens: 1,
        round: { sessionsHeld: 0, extended: false },
      });
      expect(state.agreement).toBeUndefined();
      expectNear(state.round!.endsBy, reopenedAt + 30 * DAY);
      expect(types(state).slice(-2)).toEqual(['breached', 'reopened']);
      await eventually(() =>
        expect(
          of('mediation_reopened')
            .map((r) => r.resident?.email ?? r.staffIds?.join())
            .sort(),
        ).toEqual(['lisi@example.com', COMMUNITY_MEDIATOR, 'zhangsan@example.com']),
      );

      state = await signedAgreement(handle, 'TJ-2', 5 * DAY);
      expect(state.stage).toBe('performance');
      // A breach may show before the deadline: referred at once.
      state = await act(
        handle,
        {
          type: 'follow_up',
          honoured: false,
          next: 'refer',
          note: '李四明确拒绝履行',
          referral: { to: 'court', body: '大连市金州区人民法院', reason: '调解协议未履行', documentRef: 'GZ-1' },
        },
        asStaff(COMMUNITY_MEDIATOR),
      );
      expect(state.stage).toBe('referred');
      expect(state.referral).toMatchObject({ outcome: 'referred', to: 'court', reason: '调解协议未履行' });
      expect(state.referral!.documents).toEqual(['BL-TJ-1', 'TJ-1', 'HF-1', 'BL-TJ-2', 'TJ-2', 'GZ-1']);
      expect(state.referral!.steps.map((step) => step.type).slice(-2)).toEqual(['breached', 'referred']);
      expect((await handle.result()).stage).toBe('referred');
    });
  });

  test('a party withdraws at any stage: the scheduled session is cancelled and the mediation ends cleanly', async () => {
    const { of, activities } = recordingActivities();
    await withWorker(activities, async (taskQueue) => {
      const handle = await start(taskQueue, mediationInput(await env.currentTimeMs()));
      await intoSessions(handle);
      await act(handle, { type: 'schedule_session', at: iso((await env.currentTimeMs()) + 2 * DAY), place: '村委会' }, asStaff(COMMUNITY_MEDIATOR));
      const state = await act(handle, { type: 'withdraw', partyId: 'p1', reason: '双方已自行和解' }, HOTLINE);
      expect(state).toMatchObject({ stage: 'withdrawn', sessions: [{ no: 1, outcome: 'cancelled' }] });
      expect(state.timeline.at(-1)).toMatchObject({ type: 'withdrawn', actor: HOTLINE, note: '双方已自行和解', details: { partyId: 'p1' } });
      expect(state.referral).toBeUndefined();
      expect((await handle.result()).stage).toBe('withdrawn');
      await eventually(() => expect(of('mediation_withdrawn')).toHaveLength(3));
    });
  });

  test('a step sent with the start is applied after the mediation opened', async () => {
    const { activities } = recordingActivities();
    await withWorker(activities, async (taskQueue) => {
      const input = mediationInput(await env.currentTimeMs());
      started.push(input.mediationId);
      const startWorkflowOperation = new WithStartWorkflowOperation(mediationWorkflow, {
        workflowId: input.mediationId,
        taskQueue,
        args: [input, undefined, { searchAttributes: false }],
        workflowIdConflictPolicy: 'FAIL',
      });
      const state = await env.client.workflow.executeUpdateWithStart(mediationActionUpdate, {
        args: [{ action: { type: 'consent', partyId: 'p1', given: true }, actor: HOTLINE }],
        startWorkflowOperation,
      });
      expect(types(state)).toEqual(['opened', 'consent_given']);
      expect(state.timeline.map((entry) => entry.seq)).toEqual([1, 2]);
    });
  });

  test('refuses wrong actors (403) and illegal steps (409) before they reach history', async () => {
    const { activities } = recordingActivities();
    await withWorker(activities, async (taskQueue) => {
      const handle = await start(taskQueue, mediationInput(await env.currentTimeMs()));
      expect((await refusal(handle, { type: 'consent', partyId: 'p1', given: true }, { kind: 'integration', id: 'wechat-miniapp' })).type).toBe(
        MEDIATION_FORBIDDEN,
      );
      expect((await refusal(handle, { type: 'consent', partyId: 'p1', given: true }, asStaff('sui-lei'))).type).toBe(MEDIATION_FORBIDDEN);
      expect((await refusal(handle, { type: 'consent', partyId: 'p7', given: true }, asStaff(SECRETARY))).type).toBe(MEDIATION_CONFLICT);
      expect((await refusal(handle, { type: 'assign_mediator', mediator: mediatorRef(COMMUNITY_MEDIATOR) }, asStaff(SECRETARY))).type).toBe(MEDIATION_CONFLICT);
      expect(types(await query(handle))).toEqual(['opened']);
    });
  });

  test('an SMTP outage never delays a deadline', async () => {
    const { of, activities, smtp } = recordingActivities({ failMail: true });
    await withWorker(activities, async (taskQueue) => {
      const t0 = await env.currentTimeMs();
      const handle = await start(taskQueue, mediationInput(t0));
      await env.sleep(3 * DAY + MINUTE);
      const state = await query(handle);
      expect(state.level).toBe('street');
      expectNear(entryOf(state, 'escalated')?.at, t0 + 3 * DAY);
      expect(of('mediation_escalated')).toEqual([]);
      // Once the server is back, the retries deliver what was held up (retries are at most 10 minutes apart).
      smtp.down = false;
      await env.sleep(11 * MINUTE);
      await eventually(() => expect(of('mediation_escalated')).toHaveLength(1));
    });
  });

  test('continues-as-new when its history grows, keeping its state and firing each timer once', async () => {
    const { of, activities } = recordingActivities();
    await withWorker(activities, async (taskQueue) => {
      const t0 = await env.currentTimeMs();
      const handle = await start(taskQueue, mediationInput(t0), 60);
      const firstRun = (await handle.describe()).runId;
      // The consent reminder fires in the first run; its past instant must not fire again in the next.
      await env.sleep(2 * DAY + MINUTE);
      for (let i = 1; i <= 25; i++) await act(handle, { type: 'note', note: `走访记录${i}` }, asStaff(SECRETARY));
      // The run continues-as-new once its last records are written, just after the note that filled it.
      await eventually(async () => expect((await handle.describe()).runId).not.toBe(firstRun));
      let state = await query(handle);
      expect(types(state).filter((type) => type === 'note')).toHaveLength(25);
      expect(types(state).filter((type) => type === 'consent_reminded')).toHaveLength(1);
      expect(state.stage).toBe('consent');
      // The deadline carried over still escalates on time.
      await env.sleep(DAY);
      state = await query(handle);
      expect(state).toMatchObject({ stage: 'consent', level: 'street' });
      expectNear(entryOf(state, 'escalated')?.at, t0 + 3 * DAY);
      expect(types(state).filter((type) => type === 'consent_reminded')).toHaveLength(1);
      await eventually(() => expect(of('mediation_consent_reminder').filter((r) => r.resident)).toHaveLength(2));
    });
  });

  test('as the child of its case, it reports every change of stage, committee and mediator to the case', async () => {
    const { activities } = recordingActivities();
    await withWorker(
      activities,
      async (taskQueue) => {
        const input = mediationInput(await env.currentTimeMs());
        started.push(input.caseId, input.mediationId);
        const parent = await env.client.workflow.start(disputeCaseStandIn, { args: [input], workflowId: input.caseId, taskQueue });
        const handle = env.client.workflow.getHandle<typeof mediationWorkflow>(input.mediationId);
        // The case starts its mediation in its first workflow task.
        for (let tries = 0; (await handle.describe().catch(() => undefined)) === undefined && tries < 100; tries++)
          await new Promise((resolve) => setTimeout(resolve, 50));
        await intoSessions(handle);
        await act(handle, { type: 'withdraw', partyId: 'p2', reason: '已和解' }, asStaff(SECRETARY));
        const reports = await parent.result();
        expect(reports.map((report) => [report.stage, report.level, report.mediatorId, report.final])).toEqual([
          ['consent', 'community', undefined, false],
          ['assignment', 'community', undefined, false],
          ['sessions', 'community', COMMUNITY_MEDIATOR, false],
          ['withdrawn', 'community', COMMUNITY_MEDIATOR, true],
        ]);
        expect(reports.every((report) => report.mediationId === input.mediationId && report.unitId === 'santang')).toBe(true);
      },
      parentBundle,
    );
  });
});
