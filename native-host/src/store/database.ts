import Database from 'better-sqlite3';
import { DEFAULT_LIMITS } from '../config/limits.js';
import { MIGRATIONS } from './migrations.js';
import { registerSearchFunctions } from './search-text.js';
import { defined } from '../../../shared/defined.js';

export type Db = Database.Database;

/** A domain row as SQLite returns it: booleans are stored as 0 and 1. */
export type SqliteRow<T> = { [K in keyof T]: T[K] extends boolean ? number : T[K] };

export interface DatabaseOptions {
  /** SQLite page cache of this connection, in KiB (default: the `sqliteCacheKib` limit). */
  cacheKib?: number;
}

/**
 * Opens the profile database: WAL (readers never block the writer),
 * synchronous=NORMAL (a commit survives a process crash; WAL keeps it
 * consistent after power loss), a busy timeout, foreign keys, a bounded
 * page cache, and the migrations brought up to date.
 */
export function openDatabase(file: string, options: DatabaseOptions = {}): Db {
  const cacheSize = cacheSizePragma(options.cacheKib);
  const db = new Database(file);
  db.pragma(cacheSize);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  // Deleted rows are overwritten with zeros, not left in free space.
  db.pragma('secure_delete = ON');
  // Statement journals (every write inside a transaction gets one) stay in
  // memory: kept in temp files, each commit cost an allocation round trip
  // with the kernel.
  db.pragma('temp_store = MEMORY');
  // Checkpoints run on a timer (checkpoints below), not inside whichever
  // commit crosses SQLite's default 1000-page mark; this is only the backstop.
  db.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
  migrate(db);
  return db;
}

const BACKSTOP_CHECKPOINT_PAGES = 16_384;

/**
 * Bounds the connection's page cache. better-sqlite3 compiles SQLite with
 * 16 MB per connection instead of SQLite's 2 MB, and a host's cache fills
 * with history pages as the database grows and never empties.
 */
export function setCacheSize(db: Db, cacheKib?: number): void {
  db.pragma(cacheSizePragma(cacheKib));
}

function cacheSizePragma(cacheKib = DEFAULT_LIMITS.sqliteCacheKib): string {
  if (!Number.isSafeInteger(cacheKib) || cacheKib <= 0) throw new RangeError(`cache size must be a positive number of KiB, not ${cacheKib}`);
  // A negative cache_size counts KiB rather than pages.
  return `cache_size = -${cacheKib}`;
}
export const CHECKPOINT_INTERVAL_MS = 1000;

/**
 * Copies the WAL back into the database between requests, every
 * `intervalMs`. PASSIVE: it never waits for readers or blocks writers, and
 * an idle database costs next to nothing.
 */
export function startCheckpoints(db: Db, intervalMs = CHECKPOINT_INTERVAL_MS): () => void {
  const timer = setInterval(() => {
    if (db.open) db.pragma('wal_checkpoint(PASSIVE)');
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Brings the schema up to date. Registers the SQL functions the schema's
 * triggers call first: every connection that migrates also writes messages.
 */
export function migrate(db: Db): void {
  registerSearchFunctions(db);
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`database schema version ${current} is newer than this host (${MIGRATIONS.length})`);
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(defined(MIGRATIONS[version]));
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
