/**
 * The negative control of replay.test.ts: a saved history tampered the way a breaking code change
 * would look to replay (another activity, a timer fewer, a run that takes another path) must fail
 * with a nondeterminism error, so a green replay suite means the histories were really checked.
 * Every test replays the untampered history first, on the same replay worker, and it must pass.
 *
 * Not used as a tamper: a timer's duration or id. The SDK core does not compare either on replay
 * (both replay cleanly when changed), so a change that only moves a deadline is not a
 * nondeterminism; one that adds, drops or reorders a timer is.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { ReplayError, Worker, type ReplayResult, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { bundleWorkflows, installQuietRuntime } from '../helpers/temporal';

const directory = path.join(__dirname, 'histories');

/** A saved history as `historyToJSON` wrote it (what `historyFromJSON` reads): event ids are strings. */
interface HistoryEvent {
  eventId: string;
  eventType: string;
  [attributes: string]: unknown;
}
interface HistoryJson {
  events: HistoryEvent[];
}
interface Payload {
  metadata: { encoding?: string };
  data?: string;
}

/** A fresh copy from disk, so no tamper leaks into another test. */
function loadHistory(file: string): HistoryJson {
  return JSON.parse(readFileSync(path.join(directory, file), 'utf8')) as HistoryJson;
}

/** The event's `…EventAttributes` object. */
function attributesOf(event: HistoryEvent): Record<string, any> | undefined {
  const key = Object.keys(event).find((name) => name.endsWith('EventAttributes'));
  return key ? (event[key] as Record<string, any>) : undefined;
}

function workflowTypeOf(history: HistoryJson): string | undefined {
  return attributesOf(history.events[0]!)?.workflowType?.name as string | undefined;
}

type Tamper = (history: HistoryJson) => void;

/** The first scheduled activity of type `from` is scheduled as `to` instead (an activity renamed or swapped). */
function renameActivity(from: string, to: string): Tamper {
  return (history) => {
    const scheduled = history.events.find(
      (event) => event.eventType === 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED' && attributesOf(event)?.activityType?.name === from,
    );
    if (!scheduled) throw new Error(`no ${from} activity scheduled in this history`);
    attributesOf(scheduled)!.activityType.name = to;
  };
}

/**
 * Event ids numbered 1, 2, 3… again, and every reference to one (`scheduledEventId`,
 * `startedEventId`, `workflowTaskCompletedEventId`…) moved with it.
 */
function renumberEvents(events: HistoryEvent[]): HistoryEvent[] {
  const renumbered = new Map(events.map((event, index) => [event.eventId, String(index + 1)]));
  const moveReferences = (value: unknown): void => {
    if (!value || typeof value !== 'object') return;
    for (const [key, field] of Object.entries(value)) {
      if (key.endsWith('EventId') && typeof field === 'string') (value as Record<string, unknown>)[key] = renumbered.get(field) ?? field;
      else moveReferences(field);
    }
  };
  for (const event of events) {
    event.eventId = renumbered.get(event.eventId)!;
    moveReferences(attributesOf(event));
  }
  return events;
}

/** The timer's TimerStarted and its TimerFired or TimerCanceled are gone (the code stopped waiting there). */
function dropTimer(timerId: string): Tamper {
  return (history) => {
    const kept = history.events.filter((event) => attributesOf(event)?.timerId !== timerId);
    if (!history.events.some((event) => event.eventType === 'EVENT_TYPE_TIMER_STARTED' && attributesOf(event)?.timerId === timerId)) {
      throw new Error(`no timer ${timerId} started in this history`);
    }
    history.events = renumberEvents(kept);
  };
}

/** The workflow's argument `index` (input, carry-over, options) edited: the run takes another path. */
function editArgument(index: number, edit: (argument: any) => unknown): Tamper {
  return (history) => {
    const payload = attributesOf(history.events[0]!)?.input?.payloads?.[index] as Payload | undefined;
    if (Buffer.from(payload?.metadata.encoding ?? '', 'base64').toString() !== 'json/plain' || payload?.data === undefined) {
      throw new Error(`argument ${index} is not a JSON payload`);
    }
    const argument: unknown = JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8'));
    payload.data = Buffer.from(JSON.stringify(edit(argument)), 'utf8').toString('base64');
  };
}

interface NegativeControl {
  file: string;
  change: string;
  tamper: Tamper;
  /** What the nondeterminism names: the command the code issues against the event the history has. */
  detail: RegExp;
}

const activityMismatch = (history: string, code: string) =>
  new RegExp(`Activity type of scheduled event '${history}' does not match activity type of activity command '${code}'`);
/**
 * The code issues a command of `machine` where the history holds an event of another kind, at
 * `eventId` (of the tampered history): replay got exactly as far as the tamper.
 */
const commandMismatch = (machine: string, eventId: number, historyEvent: string) =>
  new RegExp(`${machine} machine does not handle this event: HistoryEvent\\(id: ${eventId}, ${historyEvent}\\)`);

const controls: NegativeControl[] = [
  {
    file: 'case-machine-steps-close.json',
    change: 'the assignment notification scheduled as another activity',
    tamper: renameActivity('notify', 'sendSms'),
    detail: activityMismatch('sendSms', 'notify'),
  },
  {
    file: 'case-machine-steps-close.json',
    change: 'the records batch scheduled as another activity',
    tamper: renameActivity('recordEvents', 'writeRecords'),
    detail: activityMismatch('writeRecords', 'recordEvents'),
  },
  {
    file: 'case-machine-steps-close.json',
    change: 'the first deadline timer dropped',
    tamper: dropTimer('1'),
    // Timer 1 was event 13; the records batch scheduled after it in the same task moved up to 13.
    detail: commandMismatch('Timer', 13, 'ActivityTaskScheduled'),
  },
  {
    file: 'case-machine-dispute-mediation-declined.json',
    change: 'the dispute submitted without its parties, so no mediation child starts',
    tamper: editArgument(0, ({ mediation: _mediation, ...input }) => input),
    detail: commandMismatch('Timer', 13, 'StartChildWorkflowExecutionInitiated'),
  },
  {
    file: 'mediation-machine-declined.json',
    change: "a party's consent request scheduled as another activity",
    tamper: renameActivity('notify', 'sendSms'),
    detail: activityMismatch('sendSms', 'notify'),
  },
  {
    file: 'mediation-machine-declined.json',
    change: 'the consent deadline timer dropped',
    tamper: dropTimer('1'),
    // Timer 1 was event 10; the records batch scheduled after it moved up to 10.
    detail: commandMismatch('Timer', 10, 'ActivityTaskScheduled'),
  },
  {
    file: 'mediation-machine-declined.json',
    change: 'a third party in the input, so one more consent request comes before the timer',
    tamper: editArgument(0, (input) => ({
      ...input,
      parties: [...input.parties, { id: 'p3', name: '王五', role: 'respondent', email: 'wangwu@example.org' }],
    })),
    detail: commandMismatch('Activity', 10, 'TimerStarted'),
  },
  {
    file: 'obligation-machine-period-1.json',
    change: 'the reminder scheduled as another activity',
    tamper: renameActivity('notify', 'sendSms'),
    detail: activityMismatch('sendSms', 'notify'),
  },
  {
    file: 'obligation-machine-period-1.json',
    change: 'the reminder timer dropped',
    tamper: dropTimer('1'),
    // Timer 1 (events 7 and 8) waited for the reminder; the reminder's notify, event 12, is now 10.
    detail: commandMismatch('Timer', 10, 'ActivityTaskScheduled'),
  },
  {
    file: 'obligation-machine-period-1.json',
    change: 'no reminder lead in the input, so the period waits for its end instead of reminding',
    tamper: editArgument(0, (input) => ({ ...input, reminderLeadMs: 0 })),
    detail: commandMismatch('Timer', 12, 'ActivityTaskScheduled'),
  },
  {
    file: 'obligation-machine-period-0.json',
    change: 'a monthly period in the input instead of a weekly one',
    tamper: editArgument(0, (input) => ({ ...input, period: 'P1M' })),
    detail: commandMismatch('Timer', 36, 'ActivityTaskScheduled'),
  },
  {
    file: 'hand-over-run-0.json',
    change: 'the open-work listing scheduled as another activity',
    tamper: renameActivity('listOpenWork', 'listWork'),
    detail: activityMismatch('listWork', 'listOpenWork'),
  },
  {
    file: 'calendar-rollout.json',
    change: 'the page of open work scheduled as another activity',
    tamper: renameActivity('openWorkPage', 'openPage'),
    detail: activityMismatch('openPage', 'openWorkPage'),
  },
  {
    file: 'records-redaction.json',
    change: 'the redaction scheduled as another activity',
    tamper: renameActivity('redactExpiredRecords', 'redact'),
    detail: activityMismatch('redact', 'redactExpiredRecords'),
  },
];

let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  installQuietRuntime();
  bundle = await bundleWorkflows();
});

/** Replays the histories one after another on one replay worker, returning each one's result. */
async function replayAll(histories: { workflowId: string; history: HistoryJson }[]): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle: bundle }, histories)) results.push(result);
  return results;
}

test('every workflow type with a saved history has a negative control', () => {
  const typesOf = (files: string[]) => new Set(files.map((file) => workflowTypeOf(loadHistory(file))));
  const saved = typesOf(readdirSync(directory).filter((file) => file.endsWith('.json')));
  const controlled = typesOf(controls.map(({ file }) => file));
  expect([...saved].filter((type) => !controlled.has(type))).toEqual([]);
});

test.each(controls)('$file with $change fails replay with a nondeterminism error', async ({ file, tamper, detail }) => {
  const untampered = loadHistory(file);
  const tampered = loadHistory(file);
  tamper(tampered);
  // Still a well-formed history of the same workflow: what fails below is replay, not the format.
  expect(JSON.stringify(tampered)).not.toEqual(JSON.stringify(untampered));
  expect(workflowTypeOf(tampered)).toBe(workflowTypeOf(untampered));
  expect(() => historyFromJSON(tampered)).not.toThrow();

  const [clean, broken, ...rest] = await replayAll([
    { workflowId: `${file} untampered`, history: untampered },
    { workflowId: `${file} tampered`, history: tampered },
  ]);
  expect(rest).toEqual([]);
  expect(clean?.error).toBeUndefined();
  const error = broken?.error;
  expect(error).toBeInstanceOf(DeterminismViolationError);
  expect(error).not.toBeInstanceOf(ReplayError);
  expect(error?.name).toBe('DeterminismViolationError');
  expect(error?.message).toMatch(/\[TMPRL1100\] Nondeterminism error/);
  expect(error?.message).toMatch(detail);
});
