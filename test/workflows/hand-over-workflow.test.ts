/**
 * handOverWorkflow on the real time-skipping test server, with the real case, mediation and
 * obligation workflows, the real hand-over activities over a real (in-memory SQLite) records store,
 * and an in-memory directory behind the hand-over port. A leaver's cases, mediation and obligation
 * go to the successor through each item's own workflow; a transient failure is retried, a closed
 * item is skipped with its reason, a resolved case waits for its resident, a mediation without a
 * mediator to take it waits for one, and a hand-over survives its worker going away.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createHandOverActivities, type HandOverActivities, type HandOverItemRequest } from '../../src/activities/hand-over';
import type { Staff } from '../../src/config/schema';
import type { Actor, CaseInput, CaseState } from '../../src/domain/case-model';
import type { CaseAction } from '../../src/domain/case-rules';
import type { HandOverInput, HandOverItem, HandOverProgress } from '../../src/domain/hand-over';
import { mediationInputFor, type MediationState } from '../../src/domain/mediation-model';
import type { MediationAction } from '../../src/domain/mediation-rules';
import type { NotificationRequest } from '../../src/domain/notification';
import { obligationInputFor } from '../../src/domain/obligation-model';
import { OrgTree } from '../../src/domain/org-tree';
import { SYSTEM_REASONS } from '../../src/domain/system-reasons';
import type { RecordBatch } from '../../src/records/events';
import { openWorkOf } from '../../src/records/open-work';
import { openRecordsStore, type RecordsStore } from '../../src/records/store';
import { writeBatch } from '../../src/records/writer';
import { caseWorkflow } from '../../src/workflows/case';
import { caseActionUpdate, getCaseQuery } from '../../src/workflows/case-definitions';
import { handOverWorkflow, type HandOverWorkflowOptions } from '../../src/workflows/hand-over';
import { getHandOverQuery } from '../../src/workflows/hand-over-definitions';
import { mediationWorkflow } from '../../src/workflows/mediation';
import { getMediationQuery, mediationActionUpdate } from '../../src/workflows/mediation-definitions';
import { obligationWorkflow } from '../../src/workflows/obligation';
import { getObligationQuery } from '../../src/workflows/obligation-definitions';
import { eventually } from '../helpers/eventually';
import { caseInputFor, demoConfig } from '../helpers/fixtures';
import { MemoryDirectory } from '../helpers/memory-directory';
import { bundleWorkflows, createTimeSkippingEnv, endWhenIdle, withTestWorker } from '../helpers/temporal';

const HOUR = 3_600_000;

// The demo grid santang-1 (三堂村): its community's only mediator leaves; a new mediator joins the committee.
const LEAVER = 'song-lixin';
const NEW_MEDIATOR = 'he-xin';
const SECRETARY = 'qu-guilan';
const GRID_WORKER = 'sui-lei';
const ADMIN = 'liu-guoqing';

const newMediator: Staff = { id: NEW_MEDIATOR, name: '何欣', email: 'he-xin@example.org', role: 'mediator', unit: 'santang', locale: 'zh-CN' };

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  [env, bundle] = await Promise.all([createTimeSkippingEnv(), bundleWorkflows()]);
});

afterAll(async () => {
  await env?.teardown();
});

/** Workflows started by the current test. */
const started: string[] = [];
afterEach(() => endWhenIdle(env.client, started));

/** The directory as the activities see it; a test may add staff to it mid-way (a mediator joining). */
function mutableOrg(staff: Staff[]) {
  const current = { org: new OrgTree(demoConfig.units, staff) };
  return {
    org: { staff: (id: string) => current.org.staff(id), staffWithPost: (unitId: string, role: Staff['role']) => current.org.staffWithPost(unitId, role) },
    add(person: Staff) {
      staff.push(person);
      current.org = new OrgTree(demoConfig.units, staff);
    },
    actor(id: string): Actor {
      const person = current.org.staff(id)!;
      return { kind: 'staff', id: person.id, role: person.role, unitId: person.unit };
    },
  };
}

interface Harness {
  store: RecordsStore;
  sent: NotificationRequest[];
  directory: MemoryDirectory;
  people: ReturnType<typeof mutableOrg>;
  activities: Record<string, (...args: never[]) => Promise<unknown>>;
  handOver: HandOverActivities;
}

async function harness(staff: Staff[]): Promise<Harness> {
  const store = await openRecordsStore({ sqliteFile: ':memory:' });
  const sent: NotificationRequest[] = [];
  const people = mutableOrg(staff);
  const directory = new MemoryDirectory(staff, demoConfig.units);
  const handOver = createHandOverActivities({ client: env.client, records: store, org: people.org, handOverDirectory: directory });
  const activities = {
    async notify(request: NotificationRequest) {
      sent.push(request);
      return Promise.resolve({ delivered: request.staffIds ?? [] });
    },
    async currentDutyOfficer(unitId: string) {
      return Promise.resolve(directory.dutyOfficerOf(unitId));
    },
    async recordEvents(batch: RecordBatch) {
      return { inserted: (await writeBatch(store, batch)).inserted };
    },
    ...handOver,
  };
  return { store, sent, directory, people, activities, handOver };
}

/** Deadlines far beyond anything these tests skip to, so no case escalates away from the leaver on its own. */
const slowPlan = {
  clock: 'calendar' as const,
  budgets: { grid: 2_000 * HOUR, community: 2_000 * HOUR, street: 2_000 * HOUR, district: 2_000 * HOUR },
  warnAt: [],
  confirmWithinMs: 2 * HOUR,
};
const noVisibility = { searchAttributes: false };

async function startCase(taskQueue: string, t0: number): Promise<CaseInput> {
  const input = caseInputFor({ submittedAtMs: t0, sla: slowPlan });
  started.push(input.caseId);
  await env.client.workflow.start(caseWorkflow, { args: [input, undefined, noVisibility], workflowId: input.caseId, taskQueue });
  return input;
}

const caseAct = (id: string, action: CaseAction, actor: Actor) =>
  env.client.workflow.getHandle(id).executeUpdate(caseActionUpdate, { args: [{ action, actor }] });
const mediationAct = (id: string, action: MediationAction, actor: Actor) =>
  env.client.workflow.getHandle(id).executeUpdate(mediationActionUpdate, { args: [{ action, actor }] });

/** `count` open cases on santang-1 that an admin has reassigned to the leaver. */
async function leaverCases(h: Harness, taskQueue: string, t0: number, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 0; index < count; index++) {
    const input = await startCase(taskQueue, t0);
    await caseAct(input.caseId, { type: 'reassign', assigneeId: LEAVER, reason: '调整分工' }, h.people.actor(ADMIN));
    ids.push(input.caseId);
  }
  return ids;
}

/** A dispute whose parties consented and whose mediator is the leaver (stage sessions). */
async function leaverMediation(h: Harness, taskQueue: string, t0: number): Promise<string> {
  const dispute = caseInputFor({ submittedAtMs: t0, category: 'neighbour_dispute' });
  const input = mediationInputFor(
    demoConfig,
    dispute,
    [
      { name: '张三', role: 'applicant' },
      { name: '李四', role: 'respondent' },
    ],
    { requestedBy: h.people.actor(SECRETARY), now: new Date(t0) },
  );
  started.push(input.mediationId);
  await env.client.workflow.start(mediationWorkflow, { args: [input, undefined, noVisibility], workflowId: input.mediationId, taskQueue });
  for (const partyId of ['p1', 'p2']) await mediationAct(input.mediationId, { type: 'consent', partyId, given: true }, h.people.actor(SECRETARY));
  const leaver = h.people.actor(LEAVER) as Extract<Actor, { kind: 'staff' }>;
  await mediationAct(
    input.mediationId,
    { type: 'assign_mediator', mediator: { id: leaver.id, role: leaver.role, unitId: leaver.unitId } },
    h.people.actor(SECRETARY),
  );
  return input.mediationId;
}

/** A weekly duty of the leaver to contact santang-1. */
async function leaverObligation(taskQueue: string, t0: number, org: OrgTree): Promise<string> {
  const input = obligationInputFor(demoConfig, org, { obligeeId: LEAVER, unitId: 'santang-1', period: 'P7D', times: 1 }, new Date(t0));
  input.obligationId = `${input.obligationId}-${started.length}`;
  started.push(input.obligationId);
  await env.client.workflow.start(obligationWorkflow, { args: [input, undefined, noVisibility], workflowId: input.obligationId, taskQueue });
  return input.obligationId;
}

/** Waits until the records store lists the leaver's work: the hand-over finds it there. */
async function untilListed(store: RecordsStore, counts: { case: number; mediation: number; obligation: number }): Promise<void> {
  const listed = async () => ({
    case: (await openWorkOf(store, { staffId: LEAVER, kind: 'case', limit: 100 })).items.length,
    mediation: (await openWorkOf(store, { staffId: LEAVER, kind: 'mediation', limit: 100 })).items.length,
    obligation: (await openWorkOf(store, { staffId: LEAVER, kind: 'obligation', limit: 100 })).items.length,
  });
  for (let attempt = 0; ; attempt++) {
    const now = await listed();
    if (now.case === counts.case && now.mediation === counts.mediation && now.obligation === counts.obligation) return;
    if (attempt > 100) expect(now).toEqual(counts);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function startHandOver(taskQueue: string, input: HandOverInput, options: HandOverWorkflowOptions) {
  const workflowId = `hand-over-${input.leaverId}-${Math.random().toString(36).slice(2, 10)}`;
  started.push(workflowId);
  return env.client.workflow.start(handOverWorkflow, { args: [input, undefined, options], workflowId, taskQueue });
}

const itemOf = (progress: HandOverProgress, id: string): HandOverItem | undefined => progress.items.find((item) => item.id === id);
const reassignments = (state: CaseState) => state.timeline.filter((entry) => entry.type === 'reassigned' && entry.note === SYSTEM_REASONS.handOver);

describe('handOverWorkflow', () => {
  test('hands cases, a mediation and an obligation to the successor; a transient failure is retried, closed items are skipped with their reason', async () => {
    const h = await harness([...demoConfig.staff, { ...newMediator }]);
    const outage = { on: true, failures: 0 };
    let flakyCase = '';
    let cancelledCase = '';
    const activities = {
      ...h.activities,
      // The store lags behind a case cancelled a moment ago: the listing still names it.
      async listOpenWork(request: Parameters<HandOverActivities['listOpenWork']>[0]) {
        const page = await h.handOver.listOpenWork(request);
        return request.kind === 'case' && request.after === undefined
          ? { ...page, items: [{ kind: 'case' as const, id: cancelledCase }, ...page.items] }
          : page;
      },
      // One case's workflow cannot be reached for a while: every attempt fails until the outage ends.
      async handOverItem(request: HandOverItemRequest) {
        if (request.item.id === flakyCase && outage.on) {
          outage.failures++;
          throw new Error('14 UNAVAILABLE: temporal frontend unreachable');
        }
        return h.handOver.handOverItem(request);
      },
    };
    await withTestWorker(env, { workflowBundle: bundle, activities, started }, async (taskQueue) => {
      const t0 = await env.currentTimeMs();
      const cases = await leaverCases(h, taskQueue, t0, 5);
      const [open1, open2, flaky, cancelled, resolved] = cases as [string, string, string, string, string];
      flakyCase = flaky;
      cancelledCase = cancelled;
      const mediationId = await leaverMediation(h, taskQueue, t0);
      const obligationId = await leaverObligation(taskQueue, t0, new OrgTree(demoConfig.units, demoConfig.staff));
      await caseAct(resolved, { type: 'acknowledge' }, h.people.actor(LEAVER));
      await caseAct(resolved, { type: 'resolve', note: '已修复' }, h.people.actor(LEAVER));
      await untilListed(h.store, { case: 5, mediation: 1, obligation: 1 });
      await caseAct(cancelled, { type: 'cancel', reason: '居民撤回' }, h.people.actor(ADMIN));

      const handle = await startHandOver(
        taskQueue,
        { leaverId: LEAVER, successorId: NEW_MEDIATOR, requestedBy: h.people.actor(ADMIN), reason: '调离' },
        { pageSize: 2, concurrency: 2, itemsPerRun: 3 },
      );

      // While the outage lasts the flaky case is failed, with why, and the others go on.
      const during = await waitForProgress(handle, (progress) => itemOf(progress, flaky)?.status === 'failed');
      expect(itemOf(during, flaky)).toMatchObject({ status: 'failed', attempts: 1, reason: expect.stringContaining('UNAVAILABLE') });
      expect(outage.failures).toBe(3);
      expect(h.directory.isActive(LEAVER)).toBe(false);
      outage.on = false;

      const done = await handle.result();
      expect(done).toMatchObject({ stage: 'completed', leaverId: LEAVER, successorId: NEW_MEDIATOR, alreadyInactive: false });
      expect(done.runs).toBeGreaterThan(1);
      expect(done.counts).toEqual({ pending: 0, handed: 5, skipped: 2, waiting: 0, failed: 0 });
      for (const id of [open1, open2, flaky]) expect(itemOf(done, id)).toMatchObject({ kind: 'case', status: 'handed', to: NEW_MEDIATOR });
      expect(itemOf(done, flaky)?.attempts).toBe(2);
      expect(itemOf(done, cancelled)).toMatchObject({ status: 'skipped', reason: 'closed', attempts: 1 });
      // The resolved case waited for its resident; the confirmation window ran out and it closed itself.
      expect(itemOf(done, resolved)).toMatchObject({ status: 'skipped', reason: 'closed', attempts: 2 });
      expect(itemOf(done, mediationId)).toMatchObject({ kind: 'mediation', status: 'handed', to: NEW_MEDIATOR });
      expect(itemOf(done, obligationId)).toMatchObject({ kind: 'obligation', status: 'handed', to: NEW_MEDIATOR });

      // Timelines, not the current holder: once nothing is left to run, the test server may skip to the cases' far deadlines.
      for (const id of [open1, open2, flaky]) {
        const state = await env.client.workflow.getHandle(id).query(getCaseQuery);
        expect(reassignments(state)).toHaveLength(1);
        expect(reassignments(state)[0]).toMatchObject({ actor: { kind: 'staff', id: ADMIN }, details: { from: LEAVER, to: NEW_MEDIATOR } });
      }
      const mediation: MediationState = await env.client.workflow.getHandle(mediationId).query(getMediationQuery);
      const assigned = mediation.timeline.filter((entry) => entry.type === 'mediator_assigned' && entry.note === SYSTEM_REASONS.handOver);
      expect(assigned).toHaveLength(1);
      expect(assigned[0]).toMatchObject({ actor: { kind: 'staff', id: ADMIN }, details: { from: LEAVER, to: NEW_MEDIATOR } });
      const obligation = await env.client.workflow.getHandle(obligationId).query(getObligationQuery);
      expect(obligation.obligeeId).toBe(NEW_MEDIATOR);
      expect(obligation.obligees.at(-1)?.staffId).toBe(NEW_MEDIATOR);

      await eventually(() => {
        const handOverTemplates = new Set(['case_reassigned', 'mediation_mediator_assigned', 'obligation_handed_over']);
        const toSuccessor = h.sent
          .filter((request) => request.staffIds?.includes(NEW_MEDIATOR) && handOverTemplates.has(request.template))
          .map((request) => request.template)
          .sort();
        expect(toSuccessor).toEqual(['case_reassigned', 'case_reassigned', 'case_reassigned', 'mediation_mediator_assigned', 'obligation_handed_over']);
      });
      expect(h.sent.find((request) => request.template === 'obligation_handed_over')).toMatchObject({
        obligation: { obligationId, obligeeId: NEW_MEDIATOR },
        extra: { reason: SYSTEM_REASONS.handOver },
      });
      // The successor now holds it all in the records store too; the leaver holds nothing open.
      await untilListed(h.store, { case: 0, mediation: 0, obligation: 0 });
    });
    await h.store.close();
  });

  test('a mediation nobody on its committee can take waits, says so on its timeline, and goes to the mediator who joins', async () => {
    const h = await harness([...demoConfig.staff]);
    await withTestWorker(env, { workflowBundle: bundle, activities: h.activities, started }, async (taskQueue) => {
      const t0 = await env.currentTimeMs();
      const mediationId = await leaverMediation(h, taskQueue, t0);
      const [caseId] = await leaverCases(h, taskQueue, t0, 1);
      await untilListed(h.store, { case: 1, mediation: 1, obligation: 0 });

      // The successor is the grid worker: fine for a case, but not a mediator of 三堂村's committee.
      const handle = await startHandOver(taskQueue, { leaverId: LEAVER, successorId: GRID_WORKER, requestedBy: h.people.actor(ADMIN) }, {});
      const waiting = await waitForProgress(handle, (progress) => progress.stage === 'waiting');
      expect(waiting.stage).toBe('waiting');
      expect(itemOf(waiting, mediationId)).toMatchObject({ status: 'waiting', reason: 'no_mediator', retryAt: expect.any(String) });
      const noted: MediationState = await env.client.workflow.getHandle(mediationId).query(getMediationQuery);
      expect(noted.mediatorId).toBe(LEAVER);
      expect(noted.timeline.filter((entry) => entry.type === 'note' && entry.note === SYSTEM_REASONS.handOverNoMediator)).toHaveLength(1);

      h.people.add({ ...newMediator });
      const done = await handle.result();
      expect(done.stage).toBe('completed');
      expect(itemOf(done, mediationId)).toMatchObject({ status: 'handed', to: NEW_MEDIATOR, attempts: 2 });
      expect(itemOf(done, caseId!)).toMatchObject({ status: 'handed', to: GRID_WORKER });
      const after: MediationState = await env.client.workflow.getHandle(mediationId).query(getMediationQuery);
      expect(
        after.timeline.filter((entry) => entry.type === 'mediator_assigned' && entry.note === SYSTEM_REASONS.handOver).map((entry) => entry.details),
      ).toEqual([{ from: LEAVER, to: NEW_MEDIATOR }]);
      expect(after.timeline.filter((entry) => entry.type === 'note' && entry.note === SYSTEM_REASONS.handOverNoMediator)).toHaveLength(1);
    });
    await h.store.close();
  });

  test('a hand-over resumes on another worker after its worker goes away, through a directory outage, and hands nothing twice', async () => {
    const h = await harness([...demoConfig.staff, { ...newMediator }]);
    h.directory.outages = 2;
    const handledBy = new Map<string, string>();
    let stop: () => void = () => undefined;
    const stopping = new Promise<void>((resolve) => (stop = resolve));
    const workerActivities = (name: string) => ({
      ...h.activities,
      async handOverItem(request: HandOverItemRequest) {
        // The first worker goes away after two items: the attempt in flight dies with it.
        if (name === 'first' && handledBy.size >= 2) {
          await stopping;
          throw new Error('worker process killed');
        }
        const result = await h.handOver.handOverItem(request);
        if (result.outcome.status === 'handed') handledBy.set(request.item.id, name);
        return result;
      },
    });
    const taskQueue = `hand-over-restart-${Date.now()}`;
    // No sticky cache: every workflow task replays the history, and none waits on the sticky queue of a worker that is gone.
    const first = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: bundle,
      activities: workerActivities('first'),
      maxCachedWorkflows: 0,
    });
    let cases: string[] = [];
    let handle: Awaited<ReturnType<typeof startHandOver>> | undefined;
    await first.runUntil(async () => {
      const t0 = await env.currentTimeMs();
      cases = await leaverCases(h, taskQueue, t0, 6);
      await untilListed(h.store, { case: 6, mediation: 0, obligation: 0 });
      handle = await startHandOver(
        taskQueue,
        { leaverId: LEAVER, successorId: NEW_MEDIATOR, requestedBy: h.people.actor(ADMIN) },
        { pageSize: 3, concurrency: 1 },
      );
      // Past the directory's retry backoff (5 s, then 10 s) without waiting for it in real time.
      await env.sleep(20_000);
      const midway = await waitForProgress(handle, (progress) => progress.counts.handed >= 2);
      expect(midway.counts.handed).toBe(2);
      stop();
    });

    const second = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: bundle,
      activities: workerActivities('second'),
      maxCachedWorkflows: 0,
    });
    await second.runUntil(async () => {
      const done = await handle!.result();
      expect(done.stage).toBe('completed');
      // An attempt cut off by the shutdown may have gone through unanswered: its retry finds the successor holding it.
      expect(done.counts.handed + done.counts.skipped).toBe(6);
      expect(done.items.every((item) => item.to === NEW_MEDIATOR && (item.status === 'handed' || item.reason === 'already_held'))).toBe(true);
      // The directory failed twice before it answered: the deactivation was retried, and made once.
      expect(h.directory.deactivations).toHaveLength(3);
      expect(done.directoryVersion).toBe(2);
      expect(new Set(handledBy.values())).toEqual(new Set(['first', 'second']));
      for (const id of cases) {
        const state = await env.client.workflow.getHandle(id).query(getCaseQuery);
        expect(reassignments(state)).toHaveLength(1);
        expect(reassignments(state)[0]?.details).toEqual({ from: LEAVER, to: NEW_MEDIATOR });
      }
      await endWhenIdle(env.client, started);
    });
    await h.store.close();
  });
});

/** Polls the hand-over's query (real time; the test server skips no time meanwhile) until `ready`. */
async function waitForProgress(
  handle: { query: (query: typeof getHandOverQuery) => Promise<HandOverProgress> },
  ready: (progress: HandOverProgress) => boolean,
  timeoutMs = 30_000,
): Promise<HandOverProgress> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const progress = await handle.query(getHandOverQuery).catch(() => undefined);
    if (progress && ready(progress)) return progress;
    if (Date.now() > deadline) throw new Error(`hand-over progress never got there: ${JSON.stringify(progress)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
