import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { errors } from '../errors.js';
import { setCacheSize } from '../store/database.js';
import { migrate } from './local-schema.js';

/** How long a writer waits for another process's lock before giving up. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

// SQLite result codes meaning the file itself cannot be used right now
// (gone, locked too long, unreadable, not a database).
const UNUSABLE_CODES = /^SQLITE_(BUSY|LOCKED|CANTOPEN|IOERR|CORRUPT|NOTADB|READONLY|FULL|PERM|AUTH|PROTOCOL)/;

/** True for a better-sqlite3 error that means "the directory file is unusable". */
export function isUnusableFileError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && UNUSABLE_CODES.test(code);
}

/**
 * One open handle on the shared directory file, remembering which file it
 * opened (device + inode) so a deleted or swapped file is noticed instead of
 * silently written through a dangling descriptor.
 */
/** How often opening is tried when another process holds the file mid-setup. */
const OPEN_ATTEMPTS = 10;

export class LocalFile {
  readonly db: Database.Database;
  private readonly dev: number;
  private readonly ino: number;

  private constructor(
    readonly filePath: string,
    db: Database.Database,
  ) {
    this.db = db;
    const stat = fs.statSync(filePath);
    this.dev = stat.dev;
    this.ino = stat.ino;
  }

  /**
   * Opens the file. `create` is only true for the very first open: once a
   * directory file existed, a vanished one must not be replaced by an empty
   * one (every registration would be lost without anyone noticing).
   */
  static open(filePath: string, create: boolean, busyTimeoutMs: number, cacheKib?: number): LocalFile {
    if (create) fs.mkdirSync(path.dirname(filePath), { recursive: true, mode: 0o700 });
    else if (!fs.existsSync(filePath)) throw errors.directoryUnreachable();
    // Hosts starting together may race to create the file and switch it to
    // WAL; SQLite answers the loser BUSY at once, without its busy handler.
    for (let attempt = 1; ; attempt++) {
      try {
        return LocalFile.openOnce(filePath, create, busyTimeoutMs, cacheKib);
      } catch (err) {
        const code = (err as { cause?: { code?: string } }).cause?.code ?? '';
        if (!code.startsWith('SQLITE_BUSY') || attempt >= OPEN_ATTEMPTS) throw err;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20 * attempt);
      }
    }
  }

  private static openOnce(filePath: string, create: boolean, busyTimeoutMs: number, cacheKib: number | undefined): LocalFile {
    let db: Database.Database | undefined;
    try {
      db = new Database(filePath, { fileMustExist: !create, timeout: busyTimeoutMs });
      db.pragma(`busy_timeout = ${busyTimeoutMs}`);
      setCacheSize(db, cacheKib);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      migrate(db);
      return new LocalFile(filePath, db);
    } catch (err) {
      db?.close();
      throw errors.directoryUnreachable(err);
    }
  }

  /** True while the path still names the file this handle opened. */
  isCurrent(): boolean {
    try {
      const stat = fs.statSync(this.filePath);
      return stat.dev === this.dev && stat.ino === this.ino;
    } catch {
      return false;
    }
  }

  close(): void {
    try {
      this.db.close();
    } catch {
      // Closing a handle on a vanished file can fail; it is being dropped anyway.
    }
  }
}
