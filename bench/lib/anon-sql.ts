/**
 * The SQL directory as an anonymous client meets it, without PostgREST in
 * between: each call is one transaction switched to the `anon` role with the
 * request's headers in `request.headers` (PostgREST's own wrapper, also in
 * native-host/test/support/postgrest-lite.ts), on a throwaway database with
 * the migrations applied.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { REPO_DIR } from '../../testkit/repo.js';

const MIGRATIONS_DIR = path.join(REPO_DIR, 'supabase/migrations');

export class AnonSql {
  /**
   * A fresh database with the first `count` migrations (all by default).
   * @param baseUrl a PostgreSQL URL whose database can create others
   */
  static async create(baseUrl: string, count = Infinity) {
    const name = `parley_bench_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: baseUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(baseUrl);
    url.pathname = `/${name}`;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    const files = fs.readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).sort().slice(0, count);
    for (const file of files) await client.query(fs.readFileSync(path.join(MIGRATIONS_DIR, file), 'utf8'));
    return new AnonSql(baseUrl, name, client);
  }

  /** The client address the "proxy" passes on. */
  readonly address = '198.18.0.1';

  constructor(
    readonly baseUrl: string,
    readonly name: string,
    readonly client: pg.Client,
  ) {}

  /** Runs more migrations after the first `from`, as the owner. */
  async migrateFrom(from: number) {
    const files = fs.readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).sort().slice(from);
    for (const file of files) await this.client.query(fs.readFileSync(path.join(MIGRATIONS_DIR, file), 'utf8'));
  }

  /** As the owner: settings, resets. */
  owner(sql: string) {
    return this.client.query(sql);
  }

  /**
   * Calls `public.<fn>(args…)` as anon; resolves with the first column of the
   * first row, or rejects with the directory's refusal (message, detail).
   */
  async call(fn: string, args: unknown[]): Promise<unknown> {
    const c = this.client;
    await c.query('begin');
    try {
      await c.query(`select pg_catalog.set_config('role', 'anon', true), pg_catalog.set_config('request.headers', $1, true)`, [
        JSON.stringify({ 'x-forwarded-for': this.address }),
      ]);
      const params = args.map((_, i) => `$${i + 1}`).join(', ');
      const { rows } = await c.query({ text: `select * from public.${fn}(${params})`, values: args, rowMode: 'array' });
      await c.query('commit');
      return rows[0]?.[0];
    } catch (err) {
      await c.query('rollback');
      throw err;
    }
  }

  /** `call`, and how long it took (ms), the refusal's message when refused. */
  async timed(fn: string, args: unknown[]) {
    const at = performance.now();
    try {
      const value = await this.call(fn, args);
      return { ms: performance.now() - at, value, refused: null };
    } catch (err) {
      const { message, detail } = (err as Error & { detail?: string });
      return { ms: performance.now() - at, value: undefined, refused: detail ? `${message}: ${detail}` : message };
    }
  }

  async drop() {
    await this.client.end();
    const admin = new pg.Client({ connectionString: this.baseUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${this.name} with (force)`);
    await admin.end();
  }
}
