/**
 * Saved histories of every workflow type replay against the current workflow code. A change that
 * would break executions already running in production fails here; guard it with patched().
 * New histories: `npx tsx test/replay/record-histories.ts` (keep the old files).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import * as workflows from '../../src/workflows';
import { bundleWorkflows, installQuietRuntime } from '../helpers/temporal';

const directory = path.join(__dirname, 'histories');
const files = readdirSync(directory)
  .filter((file) => file.endsWith('.json'))
  .sort();

interface SavedHistory {
  events: { workflowExecutionStartedEventAttributes?: { workflowType?: { name?: string } } }[];
}

function workflowTypeOf(file: string): string | undefined {
  const history = JSON.parse(readFileSync(path.join(directory, file), 'utf8')) as SavedHistory;
  return history.events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;
}

let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  installQuietRuntime();
  bundle = await bundleWorkflows();
});

test('every workflow type has at least one saved history', () => {
  const covered = new Set(files.map(workflowTypeOf));
  expect([...Object.keys(workflows)].filter((type) => !covered.has(type))).toEqual([]);
});

test.each(files)('%s replays against the current code', async (file) => {
  const history: unknown = JSON.parse(readFileSync(path.join(directory, file), 'utf8'));
  await expect(Worker.runReplayHistory({ workflowBundle: bundle }, history, file)).resolves.toBeUndefined();
});
