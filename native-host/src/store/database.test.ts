import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../config/limits.js';
import { openDatabase, type Db } from './database.js';

let dir: string;
let db: Db | undefined;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-db-'));
});

afterEach(() => {
  db?.close();
  db = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('openDatabase', () => {
  it("bounds the page cache to the sqliteCacheKib limit, not better-sqlite3's 16 MB", () => {
    db = openDatabase(path.join(dir, 'a.db'));
    expect(db.pragma('cache_size', { simple: true })).toBe(-DEFAULT_LIMITS.sqliteCacheKib);
    expect(DEFAULT_LIMITS.sqliteCacheKib).toBeLessThan(16_000);
  });

  it('takes another cache size and refuses a nonsensical one', () => {
    db = openDatabase(path.join(dir, 'b.db'), { cacheKib: 256 });
    expect(db.pragma('cache_size', { simple: true })).toBe(-256);
    expect(() => openDatabase(path.join(dir, 'c.db'), { cacheKib: 0 })).toThrow(RangeError);
  });

  it('is in WAL mode with the schema migrated', () => {
    db = openDatabase(path.join(dir, 'd.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBeGreaterThan(0);
  });
});
