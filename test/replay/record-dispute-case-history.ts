/**
 * Records the history of a dispute case on a real dev server, for the replay tests:
 *   npx tsx test/replay/record-dispute-case-history.ts
 * The case is submitted over HTTP with its parties, starts its mediation as a child, follows its
 * stages by signal and closes when a party refuses — the opening-before-handlers path included.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { temporalCliPath } from '../../src/temporal/binaries';
import { demoConfig } from '../helpers/fixtures';
import { http, startStack, waitFor } from '../helpers/stack';

/** Histories recorded after a change worth guarding get a prefix, so the older files stay: REPLAY_HISTORY_PREFIX=records- */
const prefix = process.env.REPLAY_HISTORY_PREFIX ?? '';

async function main(): Promise<void> {
  const stack = await startStack({ config: demoConfig });
  try {
    const grid = demoConfig.units.find((unit) => unit.level === 'grid' && unit.addresses.length > 0)!;
    const supervisor = demoConfig.staff.find((person) => person.role === 'supervisor' && person.unit === grid.parent)!;
    const auth = { authorization: `Bearer ${stack.tokenFor(supervisor.id)}` };
    const created = await http(stack, 'POST', '/api/v1/cases', {
      headers: { 'x-api-key': stack.apiKeys['hotline-12345']! },
      body: {
        category: 'neighbour_dispute',
        description: '楼上漏水',
        address: grid.addresses[0],
        parties: [
          { name: '张三', role: 'applicant' },
          { name: '李四', role: 'respondent' },
        ],
      },
    });
    const caseId = created.body.id as string;
    const mediationId = await waitFor(
      async () => (await http(stack, 'GET', `/api/v1/cases/${caseId}`, { headers: auth })).body.mediation?.mediationId as string | undefined,
    );
    await http(stack, 'POST', `/api/v1/cases/${caseId}/actions`, { headers: auth, body: { type: 'note', note: '已通知双方' } });
    await http(stack, 'POST', `/api/v1/mediations/${mediationId}/actions`, { headers: auth, body: { type: 'consent', partyId: 'p1', given: true } });
    await http(stack, 'POST', `/api/v1/mediations/${mediationId}/actions`, {
      headers: auth,
      body: { type: 'consent', partyId: 'p2', given: false, note: '不同意' },
    });
    await stack.client.workflow.getHandle(caseId).result();
    const json = execFileSync(temporalCliPath(), ['workflow', 'show', '--address', stack.devServer.address, '--workflow-id', caseId, '--output', 'json'], {
      encoding: 'utf8',
    });
    writeFileSync(path.join(__dirname, 'histories', `case-${prefix}dispute-mediation-declined.json`), json);
    process.stdout.write(`saved case-${prefix}dispute-mediation-declined.json (${(JSON.parse(json) as { events: unknown[] }).events.length} events)\n`);
  } finally {
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
