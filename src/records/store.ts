/**
 * Opening the records store: SQLite in the data directory by default (better-sqlite3 12 — 13
 * crashes on Node 20), PostgreSQL when a `DATABASE_URL` is given. Migrations run before the store
 * is handed out, so every process sees the same schema.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { Pool } from 'pg';
import { migrateToLatest } from './migrations';
import type { RecordsDatabase } from './schema';

/** Which database backs the store. */
export type RecordsDialect = 'sqlite' | 'postgres';

/** An open store: the typed query builder and how to close it. */
export interface RecordsStore {
  db: Kysely<RecordsDatabase>;
  dialect: RecordsDialect;
  /** Where it lives, without credentials (for logs). */
  location: string;
  /** The PostgreSQL schema, when not `public`. */
  schema?: string | undefined;
  close(): Promise<void>;
}

export interface RecordsStoreOptions {
  /** `postgres://…`; unset → SQLite. */
  databaseUrl?: string | undefined;
  /** SQLite file (`:memory:` for a throwaway store); default `<dataDir>/records.db`. */
  sqliteFile?: string | undefined;
  /** Directory of the default SQLite file. */
  dataDir?: string | undefined;
  /** PostgreSQL schema to use (created if missing); default `public`. Tests use one per run. */
  schema?: string | undefined;
}

/** Opens the store and applies its migrations. */
export async function openRecordsStore(options: RecordsStoreOptions): Promise<RecordsStore> {
  const store = options.databaseUrl ? await openPostgres(options.databaseUrl, options.schema) : openSqlite(options);
  try {
    await migrateToLatest(store.db as Kysely<unknown>, store.schema);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

function openSqlite(options: RecordsStoreOptions): RecordsStore {
  const file = options.sqliteFile ?? path.join(options.dataDir ?? 'data', 'records.db');
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const database = new Database(file);
  // WAL lets the API read reports while the worker writes; NORMAL sync is safe under WAL.
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
  const db = new Kysely<RecordsDatabase>({ dialect: new SqliteDialect({ database }) });
  return { db, dialect: 'sqlite', location: file, close: () => db.destroy() };
}

async function openPostgres(databaseUrl: string, schema: string | undefined): Promise<RecordsStore> {
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid PostgreSQL schema name "${schema}"`);
  const pool = new Pool({
    connectionString: databaseUrl,
    max: 10,
    // A store outage must fail an attempt quickly so the activity retries, not hang it.
    connectionTimeoutMillis: 5_000,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle client losing its server (a restart) must not crash the process.
  pool.on('error', () => undefined);
  const db = new Kysely<RecordsDatabase>({ dialect: new PostgresDialect({ pool }) });
  if (schema) await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  const url = new URL(databaseUrl);
  return { db, dialect: 'postgres', schema, location: `${url.host}${url.pathname}${schema ? ` (schema ${schema})` : ''}`, close: () => db.destroy() };
}
