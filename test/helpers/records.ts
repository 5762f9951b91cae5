/**
 * Records stores for tests: a real SQLite store (in memory or in a temp file) and, when
 * TEST_DATABASE_URL / DATABASE_URL is set, a real PostgreSQL store in a schema of its own.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { RecordBatch } from '../../src/records/events';
import { openRecordsStore, type RecordsStore } from '../../src/records/store';
import { writeBatch } from '../../src/records/writer';
import type { Activities } from '../../src/activities';
import { createCalendarRolloutActivities } from '../../src/activities/calendar-rollout';
import { createRedactionActivities } from '../../src/activities/records-redaction';

/** The PostgreSQL URL the tests may use, if any (.ci/run always sets TEST_DATABASE_URL). */
export const testDatabaseUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;

/** A fresh SQLite store in a temp file (a real file, as in production). */
export async function openSqliteTestStore(): Promise<RecordsStore> {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'gridflow-records-'));
  return openRecordsStore({ sqliteFile: path.join(directory, 'records.db') });
}

/** A fresh PostgreSQL store in a schema of its own, or undefined without a URL. */
export async function openPostgresTestStore(): Promise<RecordsStore | undefined> {
  if (!testDatabaseUrl) return undefined;
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const store = await openRecordsStore({ databaseUrl: testDatabaseUrl, schema });
  // Closing drops the test's schema, so runs leave nothing behind in the shared database.
  return {
    ...store,
    async close() {
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(store.db);
      await store.close();
    },
  };
}

/**
 * A `recordEvents` activity over an in-memory SQLite store opened on first use, for workflow tests
 * that build their activities synchronously; `store()` gives the same store to assert on.
 */
export function memoryRecords(): { recordEvents(batch: RecordBatch): Promise<{ inserted: number }>; store(): Promise<RecordsStore> } {
  let opened: Promise<RecordsStore> | undefined;
  const store = () => (opened ??= openRecordsStore({ sqliteFile: ':memory:' }));
  return {
    store,
    async recordEvents(batch) {
      const { inserted } = await writeBatch(await store(), batch);
      return { inserted };
    },
  };
}

/** Both records activities over one in-memory store, for workflow tests' activity objects. */
export function memoryRecordActivities() {
  const records = memoryRecords();
  return {
    recordEvents: records.recordEvents,
    async redactExpiredRecords(input: { redactAfter: string }) {
      return createRedactionActivities(await records.store()).redactExpiredRecords(input);
    },
    async openWorkPage(page: Parameters<Activities['openWorkPage']>[0]) {
      return createCalendarRolloutActivities(await records.store()).openWorkPage(page);
    },
  };
}

/**
 * Runs `body` once on SQLite and once on PostgreSQL (skipped, with the warning above, when no
 * server is configured): each block opens its own store before its tests and closes it after.
 * `theStore()` is the open store; `maybe` is `test`, or `test.skip` for the missing dialect.
 */
export function describeOnEachStore(title: string, body: (theStore: () => RecordsStore, maybe: typeof test) => void): void {
  describe.each([
    ['sqlite', openSqliteTestStore],
    ['postgres', openPostgresTestStore],
  ] as const)(`${title} on %s`, (dialect, open) => {
    let store: RecordsStore | undefined;
    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await store?.close();
    });
    const theStore = (): RecordsStore => {
      if (!store) throw new Error(`no ${dialect} store`);
      return store;
    };
    body(theStore, dialect === 'postgres' && !testDatabaseUrl ? test.skip : test);
  });
}
