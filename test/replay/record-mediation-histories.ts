/**
 * Records histories of mediationWorkflow on a real dev server (with the custom search attributes),
 * for the replay tests:
 *   npx tsx test/replay/record-mediation-histories.ts
 * Deadlines are seconds long here so every timer path is taken in real time. Keep the old files
 * when recording new ones: they stand for mediations that may still be running in production.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import type { WorkingCalendar } from '../../src/config/schema';
import type { Actor } from '../../src/domain/case-model';
import { mediationInputFor, type MediationState } from '../../src/domain/mediation-model';
import type { MediationAction } from '../../src/domain/mediation-rules';
import { temporalCliPath } from '../../src/temporal/binaries';
import { mediationWorkflow } from '../../src/workflows/mediation';
import { getMediationQuery, mediationActionUpdate } from '../../src/workflows/mediation-definitions';
import { caseInputFor, demoConfig, demoGrid } from '../helpers/fixtures';
import { startStack } from '../helpers/stack';

/** Histories recorded after a change worth guarding get a prefix, so the older files stay: REPLAY_HISTORY_PREFIX=records- */
const prefix = process.env.REPLAY_HISTORY_PREFIX ?? '';

const SECOND = 1_000;
const directory = path.join(__dirname, 'histories');
const EVERY_DAY_WORKS: WorkingCalendar = { workingHours: [{ start: '09:00', end: '17:00' }], weekend: [], holidays: [], workingWeekends: [] };
const HOTLINE: Actor = { kind: 'integration', id: 'hotline-12345' };

type Handle = WorkflowHandle<typeof mediationWorkflow>;

async function main(): Promise<void> {
  const stack = await startStack({ config: demoConfig });
  const staff = (id: string): Actor => {
    const person = stack.org.staff(id)!;
    return { kind: 'staff', id: person.id, role: person.role, unitId: person.unit };
  };
  const mediator = (id: string) => {
    const person = stack.org.staff(id)!;
    return { id: person.id, role: person.role, unitId: person.unit };
  };
  const act = (handle: Handle, action: MediationAction, actor: Actor) => handle.executeUpdate(mediationActionUpdate, { args: [{ action, actor }] });
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const until = async (handle: Handle, check: (state: MediationState) => boolean, what: string) => {
    for (let i = 0; i < 300; i++) {
      if (check(await handle.query(getMediationQuery))) return;
      await pause(200);
    }
    throw new Error(`scenario did not reach ${what}`);
  };
  const has = (type: string) => (state: MediationState) => state.timeline.some((entry) => entry.type === type);
  const inSeconds = (seconds: number) => new Date(Date.now() + seconds * SECOND).toISOString();

  const start = async (name: string, historyLimit?: number): Promise<Handle> => {
    const dispute = caseInputFor({ submittedAtMs: Date.now(), gridId: demoGrid.id, category: 'neighbour_dispute' });
    const input = mediationInputFor(
      demoConfig,
      dispute,
      [
        { name: '张三', role: 'applicant', email: 'zhangsan@example.org' },
        { name: '李四', role: 'respondent', email: 'lisi@example.org', locale: 'en' },
      ],
      { requestedBy: staff('qu-guilan'), now: new Date() },
    );
    input.mediationId = `replay-mediation-${name}-${Date.now()}`;
    input.plan = {
      ...input.plan,
      consentWithinMs: 3 * SECOND,
      reminderLeadMs: SECOND,
      assignWithinMs: 60 * SECOND,
      maxDurationMs: 60 * SECOND,
      extensionMs: 30 * SECOND,
      signWithinMs: 60 * SECOND,
      judicialWindowMs: 3 * SECOND,
      judicialReminderLeadMs: SECOND,
      calendar: EVERY_DAY_WORKS,
    };
    await stack.client.workflow.start(mediationWorkflow, {
      args: [input, undefined, { historyLimit }],
      workflowId: input.mediationId,
      taskQueue: stack.taskQueue,
    });
    return stack.client.workflow.getHandle<typeof mediationWorkflow>(input.mediationId);
  };
  // The CLI writes the canonical proto3 JSON that Worker.runReplayHistory reads back.
  const save = async (name: string, handle: Handle, runId?: string) => {
    const args = ['workflow', 'show', '--address', stack.devServer.address, '--workflow-id', handle.workflowId, '--output', 'json'];
    const json = execFileSync(temporalCliPath(), runId ? [...args, '--run-id', runId] : args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    writeFileSync(path.join(directory, `mediation-${prefix}${name}.json`), json);
    process.stdout.write(`saved mediation-${prefix}${name}.json (${(JSON.parse(json) as { events: unknown[] }).events.length} events)\n`);
    await Promise.resolve();
  };
  const consentAll = async (handle: Handle, by: Actor) => {
    await act(handle, { type: 'consent', partyId: 'p1', given: true }, by);
    await act(handle, { type: 'consent', partyId: 'p2', given: true }, HOTLINE);
  };
  /** Schedules a session a second ahead (its reminder goes out at once), lets it pass, records it. */
  const session = async (handle: Handle, by: string, outcome: Extract<MediationAction, { type: 'record_outcome' }>) => {
    await act(handle, { type: 'schedule_session', at: inSeconds(1.5), place: '三堂村村委会调解室' }, staff(by));
    await pause(2 * SECOND);
    return act(handle, outcome, staff(by));
  };

  try {
    // 1. Consent, a reminded and adjourned session, an extension, agreement, signatures, the
    //    judicial window (reminder and close), follow-up, fulfilled.
    const fulfilled = await start('fulfilled');
    await consentAll(fulfilled, staff('qu-guilan'));
    await act(fulfilled, { type: 'assign_mediator', mediator: mediator('song-lixin') }, staff('qu-guilan'));
    await act(fulfilled, { type: 'schedule_session', at: inSeconds(2.5), place: '三堂村村委会调解室' }, staff('song-lixin'));
    await until(fulfilled, has('session_reminded'), 'the session reminder');
    await pause(2 * SECOND);
    await act(fulfilled, { type: 'record_outcome', outcome: 'adjourned', documentRef: 'BL-1' }, staff('song-lixin'));
    await act(fulfilled, { type: 'extend', reason: '当事人外出' }, staff('qu-guilan'));
    await session(fulfilled, 'song-lixin', {
      type: 'record_outcome',
      outcome: 'agreement',
      documentRef: 'BL-2',
      agreement: { terms: '李四修复漏水并赔偿张三 2000 元', performanceDeadline: inSeconds(6), documentRef: 'TJ-1' },
    });
    await act(fulfilled, { type: 'sign', partyId: 'p1' }, staff('song-lixin'));
    await act(fulfilled, { type: 'sign', partyId: 'p2' }, HOTLINE);
    await act(fulfilled, { type: 'judicial_confirmation', documentRef: 'SQ-1' }, staff('song-lixin'));
    await until(fulfilled, has('follow_up_due'), 'the follow-up');
    await until(fulfilled, has('judicial_window_closed'), 'the close of the judicial window');
    await act(fulfilled, { type: 'follow_up', honoured: true, documentRef: 'HF-1' }, staff('song-lixin'));
    await fulfilled.result();
    await save('fulfilled', fulfilled);

    // 2. No answer by the consent deadline: reminder, escalation to the street; then escalated by
    //    hand to the district, no agreement there, failed at the top, referred to court.
    const referred = await start('escalated-referred');
    await act(referred, { type: 'consent', partyId: 'p1', given: true }, staff('qu-guilan'));
    await until(referred, has('escalated'), 'the escalation to the street');
    await act(referred, { type: 'consent', partyId: 'p2', given: true }, staff('yu-min'));
    await act(referred, { type: 'assign_mediator', mediator: mediator('jiang-jie') }, staff('jiang-jie'));
    await act(referred, { type: 'escalate', reason: '需区级协调' }, staff('jiang-jie'));
    await act(referred, { type: 'assign_mediator', mediator: mediator('zhang-ming') }, staff('li-li'));
    await session(referred, 'zhang-ming', { type: 'record_outcome', outcome: 'no_agreement', documentRef: 'BL-3' });
    await act(referred, { type: 'refer', to: 'court', body: '大连市金州区人民法院', reason: '三级调解均未达成协议', documentRef: 'GZ-1' }, staff('li-li'));
    await referred.result();
    await save('escalated-referred', referred);

    // 3. Declined by a party.
    const declined = await start('declined');
    await act(declined, { type: 'consent', partyId: 'p2', given: false, note: '不愿调解', referralNote: '已告知可向人民法院起诉' }, HOTLINE);
    await declined.result();
    await save('declined', declined);

    // 4. An agreement breached at follow-up, reopened, then withdrawn.
    const breached = await start('breach-reopen-withdrawn');
    await consentAll(breached, staff('qu-guilan'));
    await act(breached, { type: 'assign_mediator', mediator: mediator('song-lixin') }, staff('qu-guilan'));
    await session(breached, 'song-lixin', {
      type: 'record_outcome',
      outcome: 'agreement',
      agreement: { terms: '李四每月 5 日前付款', performanceDeadline: inSeconds(3.5), documentRef: 'TJ-2' },
    });
    await act(breached, { type: 'sign', partyId: 'p1' }, staff('qu-guilan'));
    await act(breached, { type: 'sign', partyId: 'p2' }, staff('qu-guilan'));
    await until(breached, has('follow_up_due'), 'the follow-up');
    await act(breached, { type: 'follow_up', honoured: false, next: 'reopen', note: '未按期付款' }, staff('song-lixin'));
    await act(breached, { type: 'withdraw', partyId: 'p1', reason: '双方已自行和解' }, staff('qu-guilan'));
    await breached.result();
    await save('breach-reopen-withdrawn', breached);

    // 5. Continue-as-new after many notes (first run's history).
    const noted = await start('notes', 80);
    const firstRun = (await noted.describe()).runId;
    for (let i = 1; i <= 30; i++) await act(noted, { type: 'note', note: `走访记录${i}` }, staff('qu-guilan'));
    if ((await noted.describe()).runId === firstRun) throw new Error('the mediation did not continue-as-new');
    await save('continued-as-new', noted, firstRun);
    await noted.terminate('recorded');
  } finally {
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
