/**
 * Versioned migrations of the records store, applied in order at start (kysely's Migrator keeps
 * the applied names in `kysely_migration`). Written with the schema builder and portable types
 * only, so one list serves SQLite and PostgreSQL. Never edit a migration that has shipped: add one.
 */
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';

/** Migrations by name; names sort in the order they apply. */
export const RECORDS_MIGRATIONS: Record<string, Migration> = {
  '0001-events-and-current-state': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('record_events')
        .addColumn('workflow_id', 'text', (col) => col.notNull())
        .addColumn('seq', 'integer', (col) => col.notNull())
        .addColumn('kind', 'text', (col) => col.notNull())
        .addColumn('type', 'text', (col) => col.notNull())
        .addColumn('at', 'text', (col) => col.notNull())
        .addColumn('data', 'text', (col) => col.notNull())
        .addColumn('state', 'text')
        .addColumn('recorded_at', 'text', (col) => col.notNull())
        .addPrimaryKeyConstraint('record_events_pk', ['workflow_id', 'seq'])
        .execute();
      await db.schema.createIndex('record_events_kind_type_at').on('record_events').columns(['kind', 'type', 'at']).execute();

      await db.schema
        .createTable('case_records')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('status', 'text', (col) => col.notNull())
        .addColumn('category', 'text', (col) => col.notNull())
        .addColumn('priority', 'text', (col) => col.notNull())
        .addColumn('level', 'text', (col) => col.notNull())
        .addColumn('unit_id', 'text', (col) => col.notNull())
        .addColumn('grid_id', 'text', (col) => col.notNull())
        .addColumn('assignee_id', 'text', (col) => col.notNull())
        .addColumn('submitted_at', 'text', (col) => col.notNull())
        .addColumn('resolved_at', 'text')
        .addColumn('closed_at', 'text')
        .addColumn('within_deadline', 'integer')
        .addColumn('escalations', 'integer', (col) => col.notNull())
        .addColumn('reopens', 'integer', (col) => col.notNull())
        .addColumn('rating', 'integer')
        .addColumn('overdue', 'integer', (col) => col.notNull())
        .addColumn('last_seq', 'integer', (col) => col.notNull())
        .addColumn('state', 'text', (col) => col.notNull())
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .addColumn('redacted_at', 'text')
        .execute();
      await db.schema.createIndex('case_records_grid_submitted').on('case_records').columns(['grid_id', 'submitted_at']).execute();
      await db.schema.createIndex('case_records_closed').on('case_records').columns(['closed_at']).execute();

      await db.schema
        .createTable('mediation_records')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('case_id', 'text', (col) => col.notNull())
        .addColumn('stage', 'text', (col) => col.notNull())
        .addColumn('category', 'text', (col) => col.notNull())
        .addColumn('level', 'text', (col) => col.notNull())
        .addColumn('unit_id', 'text', (col) => col.notNull())
        .addColumn('community_id', 'text', (col) => col.notNull())
        .addColumn('started_at', 'text', (col) => col.notNull())
        .addColumn('closed_at', 'text')
        .addColumn('agreement', 'integer', (col) => col.notNull())
        .addColumn('breached', 'integer', (col) => col.notNull())
        .addColumn('escalations', 'integer', (col) => col.notNull())
        .addColumn('reopens', 'integer', (col) => col.notNull())
        .addColumn('last_seq', 'integer', (col) => col.notNull())
        .addColumn('state', 'text', (col) => col.notNull())
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .addColumn('redacted_at', 'text')
        .execute();
      await db.schema.createIndex('mediation_records_community_started').on('mediation_records').columns(['community_id', 'started_at']).execute();

      await db.schema
        .createTable('obligation_records')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('status', 'text', (col) => col.notNull())
        .addColumn('obligee_id', 'text', (col) => col.notNull())
        .addColumn('unit_id', 'text', (col) => col.notNull())
        .addColumn('period', 'text', (col) => col.notNull())
        .addColumn('times', 'integer', (col) => col.notNull())
        .addColumn('met_periods', 'integer', (col) => col.notNull())
        .addColumn('missed_periods', 'integer', (col) => col.notNull())
        .addColumn('ended_at', 'text')
        .addColumn('last_seq', 'integer', (col) => col.notNull())
        .addColumn('state', 'text', (col) => col.notNull())
        .addColumn('updated_at', 'text', (col) => col.notNull())
        .execute();
      await db.schema.createIndex('obligation_records_unit').on('obligation_records').columns(['unit_id']).execute();
    },
    async down(db: Kysely<unknown>) {
      for (const table of ['obligation_records', 'mediation_records', 'case_records', 'record_events']) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  },
  /**
   * The current deadline of each case, so the supervision summary can count what will breach
   * from the store instead of scanning Temporal visibility. Rows written before it fill in with
   * their next event (or `npm run records:rebuild`).
   */
  '0002-case-due-at': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('case_records').addColumn('due_at', 'text').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('case_records').dropColumn('due_at').execute();
    },
  },
  /**
   * The directory (issue 16): units, staff and their posts as data an admin changes without a
   * restart. One version row, bumped by every change, is what each process polls; the audit
   * keeps who changed what, when, before and after. `changed_version` on a row is the version of
   * its last change: the ETag an admin page sends back so two admins do not overwrite each other.
   */
  '0003-directory': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('directory_units')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('level', 'text', (col) => col.notNull())
        .addColumn('parent_id', 'text')
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('duty_officer_id', 'text', (col) => col.notNull())
        .addColumn('addresses', 'text', (col) => col.notNull())
        .addColumn('bounds', 'text')
        .addColumn('position', 'integer', (col) => col.notNull())
        .addColumn('changed_version', 'integer', (col) => col.notNull())
        .execute();
      await db.schema
        .createTable('directory_staff')
        .addColumn('id', 'text', (col) => col.primaryKey())
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('email', 'text', (col) => col.notNull())
        .addColumn('phone', 'text')
        .addColumn('role', 'text', (col) => col.notNull())
        .addColumn('unit_id', 'text', (col) => col.notNull())
        .addColumn('locale', 'text', (col) => col.notNull())
        .addColumn('active', 'integer', (col) => col.notNull())
        .addColumn('position', 'integer', (col) => col.notNull())
        .addColumn('changed_version', 'integer', (col) => col.notNull())
        .execute();
      // Posts beyond a staff member's own unit; a null role is "their own role", as in the config file.
      await db.schema
        .createTable('directory_posts')
        .addColumn('staff_id', 'text', (col) => col.notNull())
        .addColumn('position', 'integer', (col) => col.notNull())
        .addColumn('unit_id', 'text', (col) => col.notNull())
        .addColumn('role', 'text')
        .addPrimaryKeyConstraint('directory_posts_pk', ['staff_id', 'position'])
        .execute();
      await db.schema.createIndex('directory_posts_unit').on('directory_posts').columns(['unit_id']).execute();
      await db.schema
        .createTable('directory_version')
        .addColumn('id', 'integer', (col) => col.primaryKey())
        .addColumn('version', 'integer', (col) => col.notNull())
        .addColumn('changed_at', 'text')
        .execute();
      await sql`insert into directory_version (id, version, changed_at) values (1, 0, null)`.execute(db);
      await db.schema
        .createTable('directory_audit')
        .addColumn('version', 'integer', (col) => col.notNull())
        .addColumn('seq', 'integer', (col) => col.notNull())
        .addColumn('at', 'text', (col) => col.notNull())
        .addColumn('actor_id', 'text', (col) => col.notNull())
        .addColumn('change', 'text', (col) => col.notNull())
        .addColumn('target_kind', 'text', (col) => col.notNull())
        .addColumn('target_id', 'text', (col) => col.notNull())
        .addColumn('before', 'text')
        .addColumn('after', 'text')
        .addColumn('reason', 'text')
        .addPrimaryKeyConstraint('directory_audit_pk', ['version', 'seq'])
        .execute();
      await db.schema.createIndex('directory_audit_target').on('directory_audit').columns(['target_kind', 'target_id', 'version']).execute();
    },
    async down(db: Kysely<unknown>) {
      for (const table of ['directory_audit', 'directory_version', 'directory_posts', 'directory_staff', 'directory_units']) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  },
};

/** Serves the list above to kysely's Migrator (no migration files to find at run time). */
class InCodeMigrations implements MigrationProvider {
  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve(RECORDS_MIGRATIONS);
  }
}

/**
 * Applies every migration not yet applied; throws naming the one that failed. `schema` names the
 * PostgreSQL schema of a store that does not live in `public` (kysely looks for its own tables there).
 */
export async function migrateToLatest(db: Kysely<unknown>, schema?: string): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new InCodeMigrations(), ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((result) => result.status === 'Error');
  if (error !== undefined || failed) {
    throw new Error(`records store migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, { cause: error });
  }
  return (results ?? []).map((result) => result.migrationName);
}
