/**
 * The live directory: each process reads one OrgTree kept at the store's newest version. A change
 * made in a process is in its tree before the change returns (so a leaver's token is refused at
 * once there); another process on the same store sees it within a poll; a store outage keeps the
 * last directory. And the readers of the directory — sign-in, the duty officer an escalation
 * asks for, mediation committees, seeded obligations — follow it.
 */
import type { NextFunction, Request, Response } from 'express';
import pino from 'pino';
import { createDirectoryActivities } from '../../src/activities/directory';
import { authenticate, signStaffToken } from '../../src/api/auth';
import { ProblemError } from '../../src/api/errors';
import { addStaff, editStaff, editUnit } from '../../src/directory/directory-changes';
import { DirectoryStore } from '../../src/directory/directory-store';
import { LiveDirectory } from '../../src/directory/live-directory';
import { openDirectory, type OpenedDirectory } from '../../src/directory/open-directory';
import { mediationInputFor } from '../../src/domain/mediation-model';
import { seededObligations } from '../../src/domain/obligation-model';
import { openRecordsStore, type RecordsStore } from '../../src/records/store';
import { eventually } from '../helpers/eventually';
import { tinyCityConfig } from '../helpers/fixtures';
import { openSqliteTestStore } from '../helpers/records';

const SECRET = 'test-secret-of-at-least-32-characters!!';
const city = tinyCityConfig(`
obligations:
  rules:
    - { id: street-leads-grids, obligee: { role: supervisor, level: street }, targetLevel: grid, period: P7D }
`);

/** What the auth middleware does with a staff token: the staff id let in, or the 401's catalog key. */
function signIn(directory: OpenedDirectory, staffId: string): string {
  const req = {
    get: (name: string) => (name.toLowerCase() === 'authorization' ? `Bearer ${signStaffToken(SECRET, staffId)}` : undefined),
  } as unknown as Request;
  let error: unknown;
  authenticate({ config: city, secret: SECRET, org: directory.org })(req, {} as Response, ((caught?: unknown) => (error = caught)) as NextFunction);
  if (error instanceof ProblemError) return `${error.status} ${error.detail.key}`;
  return req.principal?.kind === 'staff' ? req.principal.staff.id : 'none';
}

let records: RecordsStore;
let otherProcess: RecordsStore;
let here: OpenedDirectory;
let there: OpenedDirectory;

beforeAll(async () => {
  records = await openSqliteTestStore();
  // A second process: its own connection to the same file, its own directory.
  otherProcess = await openRecordsStore({ sqliteFile: records.location });
  here = await openDirectory({ records, config: city, pollMs: 60_000, logger: pino({ level: 'silent' }) });
  there = await openDirectory({ records: otherProcess, config: city, pollMs: 100, logger: pino({ level: 'silent' }) });
});

afterAll(async () => {
  here.stop();
  there.stop();
  await otherProcess.close();
  await records.close();
});

describe('start-up', () => {
  it('imports the config into the empty store once: the second process finds it there', () => {
    expect(here.imported).toBe(true);
    expect(there.imported).toBe(false);
    expect(here.org.version).toBe(1);
    expect(there.org.version).toBe(1);
    expect(there.org.dutyOfficer('g')?.id).toBe('g-worker');
  });
});

describe('a change', () => {
  it('is in the changing process’s tree before it returns, and in the other’s within a poll', async () => {
    const applied = await here.store.apply(
      addStaff({ id: 'g-new', name: '新网格员', email: 'g-new@example.org', role: 'grid_worker', unit: 'g', dutyOfficerOf: ['g'] }),
      { actorId: 'd-admin' },
    );
    expect(here.org.version).toBe(applied.version);
    expect(here.org.dutyOfficer('g')?.id).toBe('g-new');
    await eventually(() => expect(there.org.dutyOfficer('g')?.id).toBe('g-new'), 3_000);
    expect(there.org.version).toBe(applied.version);
    // The worker's look-up at an escalation reads the same tree.
    expect(await createDirectoryActivities(there.org).currentDutyOfficer('g')).toBe('g-new');
  });

  it('moves a grid: new ladders climb the new community', async () => {
    await here.store.apply(editUnit('g', { parent: 'c2' }), { actorId: 'd-admin' });
    expect(here.org.ladder('g').map((rung) => rung.unitId)).toEqual(['g', 'c2', 's', 'd']);
    await eventually(() => expect(there.org.lineageIds('g')).toEqual(['g', 'c2', 's', 'd']), 3_000);
  });

  it('refuses a leaver’s token at once where they were deactivated, and within a poll elsewhere', async () => {
    expect(signIn(here, 'g-worker')).toBe('g-worker');
    expect(signIn(there, 'g-worker')).toBe('g-worker');
    await here.store.deactivateStaff({ staffId: 'g-worker', successorId: 'g-new', actorId: 'd-admin' });
    expect(signIn(here, 'g-worker')).toBe('401 detail.directory.staffLeft');
    await eventually(() => expect(signIn(there, 'g-worker')).toBe('401 detail.directory.staffLeft'), 3_000);
    expect(signIn(here, 'nobody')).toBe('401 detail.tokenUnknownStaff');
    // Their name stays for old timelines; they receive nothing and supervise nothing.
    expect(here.org.person('g-worker')?.name).toBe('网格员');
    expect(here.org.staff('g-worker')).toBeUndefined();
  });

  it('keeps the last directory when the store cannot be read, and says so once', async () => {
    const warnings: unknown[] = [];
    const broken = await openRecordsStore({ sqliteFile: records.location });
    const live = await LiveDirectory.load(new DirectoryStore(broken), {
      pollMs: 50,
      logger: { info: () => undefined, warn: (...args: unknown[]) => warnings.push(args) },
    });
    const version = live.version;
    await broken.close();
    await expect(live.refresh()).rejects.toThrow();
    live.start();
    await eventually(() => expect(warnings).toHaveLength(1), 2_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    live.stop();
    expect(warnings).toHaveLength(1);
    expect(live.version).toBe(version);
    expect(live.org.dutyOfficer('g')?.id).toBe('g-new');
  });
});

describe('readers of the directory follow its posts', () => {
  it('takes a mediation committee from whoever holds a mediator post now', async () => {
    await here.store.apply(
      addStaff({ id: 'c2-med', name: '调解员', email: 'm@example.org', role: 'grid_worker', unit: 'g2', posts: [{ unit: 'c2', role: 'mediator' }] }),
      { actorId: 'd-admin' },
    );
    const dispute = {
      caseId: 'c-test',
      category: 'road_repair',
      priority: 'normal' as const,
      description: '纠纷',
      address: '测试路1号',
      locale: 'zh-CN' as const,
      ladder: here.org.ladder('g'),
      submittedBy: { kind: 'integration' as const, id: 'app' },
    };
    const parties = [
      { name: '甲', role: 'applicant' as const },
      { name: '乙', role: 'respondent' as const },
    ];
    const input = mediationInputFor(city, dispute, parties, { requestedBy: { kind: 'system' }, now: new Date(), org: here.org });
    expect(input.ladder.find((rung) => rung.unitId === 'c2')?.mediatorIds).toEqual(['c2-med']);
  });

  it('seeds street supervisors’ obligations over each street post, from the live tree', async () => {
    // The community secretary of c also sits on the street's leadership: a second post, one sign-in.
    await here.store.apply(editStaff('c-sec', { posts: [{ unit: 's' }] }), { actorId: 'd-admin' });
    const inputs = seededObligations(city, here.org, new Date());
    expect(inputs.map((input) => `${input.obligeeId}→${input.unitId}`).sort()).toEqual(['c-sec→g', 'c-sec→g2', 's-lead→g', 's-lead→g2']);
    // Their duty belongs to the street post: its supervisor is the district, not the street.
    expect(inputs.find((input) => input.obligeeId === 'c-sec')).toMatchObject({ obligeeUnitId: 's', supervisorUnitId: 'd' });
  });
});
