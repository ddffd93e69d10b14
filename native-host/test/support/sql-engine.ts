import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/** The directory migrations, applied as-is and in order by every SQL-backed test. */
export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../supabase/migrations');

/** Migration files in the order they apply (their names start with a timestamp). */
export function migrationFiles(): string[] {
  return fs
    .readdirSync(MIGRATIONS_DIR)
    .filter((name) => name.endsWith('.sql'))
    .sort()
    .map((name) => path.join(MIGRATIONS_DIR, name));
}

export type Row = Record<string, unknown>;

/** One database connection, used by one request at a time. */
export interface SqlSession {
  query(sql: string, params?: unknown[]): Promise<Row[]>;
}

/**
 * A SQL engine behind postgrest-lite. Requests need a session of their own
 * because `set local role` and the transaction live on one connection.
 */
export interface SqlEngine {
  withSession<T>(body: (session: SqlSession) => Promise<T>): Promise<T>;
  /** Runs a script of several statements without parameters (migrations, fixtures). */
  exec(script: string): Promise<void>;
  close(): Promise<void>;
}

/** PGlite, in process. It has a single connection, so sessions are taken one at a time. */
export function pgliteEngine(db: PGlite): SqlEngine {
  let tail: Promise<unknown> = Promise.resolve();
  const session: SqlSession = {
    query: async (sql, params) => (await db.query<Row>(sql, params)).rows,
  };
  return {
    withSession(body) {
      const run = tail.then(() => body(session));
      tail = run.catch(() => undefined);
      return run;
    },
    exec: async (script) => {
      await db.exec(script);
    },
    close: () => db.close(),
  };
}

/** Real PostgreSQL through a `pg` pool. */
export function pgEngine(pool: pg.Pool): SqlEngine {
  // A client whose server goes away (stopped, or the database dropped with
  // force) emits 'error' whether idle, checked out or ending; without a
  // listener that would crash the run. Queries still fail on their own.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return {
    async withSession(body) {
      const client = await pool.connect();
      let broken: Error | undefined;
      // A checked-out client whose server goes away emits 'error' too.
      const onError = (err: Error) => (broken = err);
      client.on('error', onError);
      try {
        return await body({ query: async (sql, params) => (await client.query<Row>(sql, params)).rows });
      } catch (err) {
        // A lost connection (server stopped) must not go back into the pool; SQL errors are fine.
        if (!(err instanceof pg.DatabaseError)) broken = err as Error;
        throw err;
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    },
    exec: async (script) => {
      await pool.query(script);
    },
    close: () => pool.end(),
  };
}

/** Applies every migration, or only the first `count` (a directory still on an older schema). */
export async function applyMigration(engine: SqlEngine, count = Infinity): Promise<void> {
  for (const file of migrationFiles().slice(0, count)) await engine.exec(fs.readFileSync(file, 'utf8'));
}
