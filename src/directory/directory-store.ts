/**
 * The directory in the records store (SQLite or PostgreSQL): read a snapshot with its version,
 * and apply one change at a time — in one transaction with its audit rows and a version bump, or
 * not at all when it would break a directory rule. It implements the hand-over's port
 * (`DirectoryForHandOver`), so deactivating a leaver is one more change of the same kind.
 *
 * Writers are serialised by bumping the version row first: on PostgreSQL that row lock queues
 * concurrent changes, on SQLite the write lock is taken at once (with the store's busy timeout)
 * instead of on a later statement, where a deferred transaction could fail to upgrade.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Staff, Unit } from '../domain/org-types';
import { checkDirectoryTree, type DirectoryIssue } from '../domain/directory-rules';
import type { Level, Locale, Role } from '../domain/vocabulary';
import type { RecordsDatabase } from '../records/schema';
import type { RecordsStore } from '../records/store';
import { planDeactivation, type ChangePlanner, type DeactivationPlan, type DirectoryChangeKind } from './directory-changes';
import { DirectoryPreconditionError } from './directory-errors';
import { problemsOf } from './directory-problems';
import { DirectoryRefusalError } from './directory-refusal';
import { diffTrees, type DirectoryEntryKind, type DirectorySnapshot, type DirectoryTree, type EntryChange } from './directory-tree';
import type { DeactivationResult, DirectoryForHandOver, DirectoryProblem, StaffDeactivation } from './hand-over-port';

/** Who made a change and why, and the revision the caller last read of the entry it changes (If-Match). */
export interface ChangeOptions {
  actorId: string;
  reason?: string | undefined;
  ifMatch?: number | undefined;
}

/** What a change did: the version after it, and the entries it added or altered (none: nothing changed, no version bump). */
export interface AppliedChange {
  version: number;
  change: DirectoryChangeKind;
  entries: EntryChange[];
}

/** One audit row: who changed which entry, when, from what to what. */
export interface DirectoryAuditEntry {
  version: number;
  seq: number;
  at: string;
  actorId: string;
  change: string;
  target: { kind: DirectoryEntryKind; id: string };
  before: Unit | Staff | null;
  after: Unit | Staff | null;
  reason?: string | undefined;
}

/** Which audit rows to read, newest first. */
export interface AuditQuery {
  kind?: DirectoryEntryKind | undefined;
  id?: string | undefined;
  /** Only changes older than this version. */
  beforeVersion?: number | undefined;
  /** Only rows after this one in the log's order (newest version first, a version's rows in order): the next page. */
  after?: { version: number; seq: number } | undefined;
  limit?: number | undefined;
}

export interface DirectoryStoreOptions {
  now?: () => Date;
  /** Called after each change that bumped the version, so this process sees it at once. */
  onChange?: (version: number) => unknown;
}

type Db = Kysely<RecordsDatabase> | Transaction<RecordsDatabase>;

/** Thrown inside a write's transaction when the change alters nothing: rolls the version bump back. */
class Unchanged extends Error {
  constructor(
    readonly version: number,
    readonly change: DirectoryChangeKind,
  ) {
    super('directory change alters nothing');
  }
}

const parse = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));
const issueKey = (issue: DirectoryIssue) => `${issue.rule}\u0000${JSON.stringify(issue.values)}`;

/** Reads the whole directory with its version (inside the caller's transaction, for a consistent view). */
async function readSnapshot(db: Db): Promise<DirectorySnapshot & { positions: { units: number; staff: number } }> {
  const [versionRow, unitRows, staffRows, postRows] = await Promise.all([
    db.selectFrom('directory_version').select('version').where('id', '=', 1).executeTakeFirst(),
    db.selectFrom('directory_units').selectAll().orderBy('position').orderBy('id').execute(),
    db.selectFrom('directory_staff').selectAll().orderBy('position').orderBy('id').execute(),
    db.selectFrom('directory_posts').selectAll().orderBy('staff_id').orderBy('position').execute(),
  ]);
  const postsBy = new Map<string, { unit: string; role?: Role }[]>();
  for (const row of postRows) {
    const posts = postsBy.get(row.staff_id) ?? [];
    posts.push({ unit: row.unit_id, ...(row.role === null ? {} : { role: row.role as Role }) });
    postsBy.set(row.staff_id, posts);
  }
  const units: Unit[] = unitRows.map((row) => {
    const bounds = parse<NonNullable<Unit['bounds']>>(row.bounds);
    return {
      id: row.id,
      level: row.level as Level,
      ...(row.parent_id === null ? {} : { parent: row.parent_id }),
      name: JSON.parse(row.name) as Unit['name'],
      dutyOfficer: row.duty_officer_id,
      addresses: JSON.parse(row.addresses) as string[],
      ...(bounds === null ? {} : { bounds }),
    };
  });
  const staff: Staff[] = staffRows.map((row) => {
    const posts = postsBy.get(row.id);
    return {
      id: row.id,
      name: row.name,
      email: row.email,
      ...(row.phone === null ? {} : { phone: row.phone }),
      role: row.role as Role,
      unit: row.unit_id,
      ...(posts ? { posts } : {}),
      ...(row.active === 0 ? { active: false } : {}),
      locale: row.locale as Locale,
    };
  });
  return {
    version: versionRow?.version ?? 0,
    units,
    staff,
    revisions: {
      units: new Map(unitRows.map((row) => [row.id, row.changed_version])),
      staff: new Map(staffRows.map((row) => [row.id, row.changed_version])),
    },
    positions: {
      units: unitRows.reduce((max, row) => Math.max(max, row.position), -1),
      staff: staffRows.reduce((max, row) => Math.max(max, row.position), -1),
    },
  };
}

/** Writes the changed entries at `version`; new ones go after the last. */
async function writeEntries(
  trx: Transaction<RecordsDatabase>,
  entries: readonly EntryChange[],
  version: number,
  last: { units: number; staff: number },
): Promise<void> {
  let unitPosition = last.units;
  let staffPosition = last.staff;
  for (const entry of entries) {
    if (entry.kind === 'unit') {
      const unit = entry.after as Unit;
      const columns = {
        level: unit.level,
        parent_id: unit.parent ?? null,
        name: JSON.stringify(unit.name),
        duty_officer_id: unit.dutyOfficer,
        addresses: JSON.stringify(unit.addresses),
        bounds: unit.bounds === undefined ? null : JSON.stringify(unit.bounds),
        changed_version: version,
      };
      await trx
        .insertInto('directory_units')
        .values({ id: unit.id, position: ++unitPosition, ...columns })
        .onConflict((conflict) => conflict.column('id').doUpdateSet(columns))
        .execute();
      continue;
    }
    const person = entry.after as Staff;
    const columns = {
      name: person.name,
      email: person.email,
      phone: person.phone ?? null,
      role: person.role,
      unit_id: person.unit,
      locale: person.locale,
      active: person.active === false ? 0 : 1,
      changed_version: version,
    };
    await trx
      .insertInto('directory_staff')
      .values({ id: person.id, position: ++staffPosition, ...columns })
      .onConflict((conflict) => conflict.column('id').doUpdateSet(columns))
      .execute();
    await trx.deleteFrom('directory_posts').where('staff_id', '=', person.id).execute();
    const posts = person.posts ?? [];
    if (posts.length > 0) {
      await trx
        .insertInto('directory_posts')
        .values(posts.map((post, position) => ({ staff_id: person.id, position, unit_id: post.unit, role: post.role ?? null })))
        .execute();
    }
  }
}

/** The records-store directory. Safe to share: every method is one read or one transaction. */
export class DirectoryStore implements DirectoryForHandOver {
  private readonly now: () => Date;

  constructor(
    private readonly records: RecordsStore,
    private readonly options: DirectoryStoreOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /** The current version: what each process polls (one indexed row). */
  async version(): Promise<number> {
    const row = await this.records.db.selectFrom('directory_version').select('version').where('id', '=', 1).executeTakeFirst();
    return row?.version ?? 0;
  }

  /** True when the store holds no directory yet (a fresh store: the config file is imported into it). */
  async isEmpty(): Promise<boolean> {
    const row = await this.records.db.selectFrom('directory_units').select('id').limit(1).executeTakeFirst();
    return row === undefined;
  }

  /** The whole directory at one version. */
  async snapshot(): Promise<DirectorySnapshot> {
    // REPEATABLE READ on PostgreSQL: every select of the snapshot sees the same commit. SQLite's
    // read transaction is a snapshot already (WAL).
    const { positions: _positions, ...snapshot } = await this.records.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute((trx) => readSnapshot(trx));
    return snapshot;
  }

  /**
   * Applies one change: its plan runs on the tree read inside the transaction, the result must
   * keep every directory rule the tree kept before, and the changed entries are written with one
   * audit row each and a new version. A change that alters nothing writes nothing.
   *
   * @throws DirectoryRefusalError when the result breaks a rule (or the plan refuses).
   * @throws DirectoryPreconditionError when `ifMatch` is not the target entry's revision.
   * @throws DirectoryNotFoundError when the plan names an entry that does not exist.
   */
  async apply(planner: ChangePlanner, options: ChangeOptions): Promise<AppliedChange> {
    const at = this.now().toISOString();
    let applied: AppliedChange;
    try {
      applied = await this.records.db.transaction().execute(async (trx) => {
        const bumped = await trx
          .updateTable('directory_version')
          .set((eb) => ({ version: eb('version', '+', 1), changed_at: at }))
          .where('id', '=', 1)
          .returning('version')
          .executeTakeFirstOrThrow();
        const current = await readSnapshot(trx);
        const plan = planner(current);
        if (options.ifMatch !== undefined && plan.target) {
          const revision = (plan.target.kind === 'unit' ? current.revisions.units : current.revisions.staff).get(plan.target.id) ?? 0;
          if (revision !== options.ifMatch) throw new DirectoryPreconditionError(plan.target.kind, plan.target.id, revision);
        }
        const problems = newProblems(current, plan.tree, plan);
        if (problems.length > 0) throw new DirectoryRefusalError(problems);
        const entries = diffTrees(current, plan.tree);
        if (entries.length === 0) throw new Unchanged(bumped.version - 1, plan.change);
        await writeEntries(trx, entries, bumped.version, current.positions);
        await trx
          .insertInto('directory_audit')
          .values(
            entries.map((entry, seq) => ({
              version: bumped.version,
              seq,
              at,
              actor_id: options.actorId,
              change: plan.change,
              target_kind: entry.kind,
              target_id: entry.id,
              before: entry.before === undefined ? null : JSON.stringify(entry.before),
              after: JSON.stringify(entry.after),
              reason: options.reason ?? null,
            })),
          )
          .execute();
        return { version: bumped.version, change: plan.change, entries };
      });
    } catch (error) {
      if (error instanceof Unchanged) return { version: error.version, change: error.change, entries: [] };
      throw error;
    }
    await this.options.onChange?.(applied.version);
    return applied;
  }

  /** Audit rows, newest change first. */
  async auditLog(query: AuditQuery = {}): Promise<DirectoryAuditEntry[]> {
    let select = this.records.db.selectFrom('directory_audit').selectAll();
    if (query.kind !== undefined) select = select.where('target_kind', '=', query.kind);
    if (query.id !== undefined) select = select.where('target_id', '=', query.id);
    if (query.beforeVersion !== undefined) select = select.where('version', '<', query.beforeVersion);
    const after = query.after;
    if (after !== undefined)
      select = select.where((eb) => eb.or([eb('version', '<', after.version), eb.and([eb('version', '=', after.version), eb('seq', '>', after.seq)])]));
    const rows = await select
      .orderBy('version', 'desc')
      .orderBy('seq')
      .limit(query.limit ?? 100)
      .execute();
    return rows.map((row) => ({
      version: row.version,
      seq: row.seq,
      at: row.at,
      actorId: row.actor_id,
      change: row.change,
      target: { kind: row.target_kind as DirectoryEntryKind, id: row.target_id },
      before: parse<Unit | Staff>(row.before),
      after: parse<Unit | Staff>(row.after),
      ...(row.reason === null ? {} : { reason: row.reason }),
    }));
  }

  async checkDeactivation(change: StaffDeactivation): Promise<DirectoryProblem[]> {
    const current = await this.snapshot();
    try {
      const plan = planDeactivation(current, change);
      return plan.alreadyInactive ? [] : newProblems(current, plan.tree, plan);
    } catch (error) {
      if (error instanceof DirectoryRefusalError) return [...error.problems];
      throw error;
    }
  }

  async deactivateStaff(change: StaffDeactivation): Promise<DeactivationResult> {
    let plan: DeactivationPlan | undefined;
    const applied = await this.apply(
      (tree) => {
        plan = planDeactivation(tree, change);
        return plan;
      },
      { actorId: change.actorId, reason: change.reason },
    );
    return { version: applied.version, successorId: plan!.successorId, alreadyInactive: plan!.alreadyInactive };
  }
}

/** Problems of `next` that `current` did not have: a change is refused only for what it breaks. */
function newProblems(current: DirectoryTree, next: DirectoryTree, plan: Pick<DeactivationPlan, 'focus'>): DirectoryProblem[] {
  const before = new Set(checkDirectoryTree(current.units, current.staff).map(issueKey));
  const issues = checkDirectoryTree(next.units, next.staff).filter((issue) => !before.has(issueKey(issue)));
  return problemsOf(issues, plan.focus);
}
