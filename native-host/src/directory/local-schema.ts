import type Database from 'better-sqlite3';
import { defined } from '../../../shared/defined.js';

/**
 * The local directory file's schema, versioned with PRAGMA user_version.
 * Never edit a version that has shipped: add one.
 */
export const SCHEMA_VERSION = 3;

const SCHEMA_V1 = `
  CREATE TABLE IF NOT EXISTS users (
    username    TEXT PRIMARY KEY,
    public_key  TEXT NOT NULL,
    signing_key TEXT NOT NULL,
    signature   TEXT NOT NULL,
    secret_hash BLOB NOT NULL,
    addresses   TEXT NOT NULL DEFAULT '[]',
    last_seen   INTEGER,
    last_ip     TEXT,
    created_at  INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS prekeys (
    username   TEXT NOT NULL REFERENCES users (username) ON DELETE CASCADE,
    id         INTEGER NOT NULL,
    public_key TEXT NOT NULL,
    created_at TEXT NOT NULL,
    signature  TEXT NOT NULL,
    PRIMARY KEY (username, id)
  );
  CREATE TABLE IF NOT EXISTS mailbox (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    id         TEXT NOT NULL UNIQUE,
    recipient  TEXT NOT NULL REFERENCES users (username) ON DELETE CASCADE,
    envelope   TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS mailbox_by_recipient ON mailbox (recipient, seq);
  CREATE INDEX IF NOT EXISTS mailbox_by_age ON mailbox (created_at);
`;

// Version 2: the signed presence record (JSON), stored as the host sent it.
const SCHEMA_V2 = `ALTER TABLE users ADD COLUMN presence TEXT;`;

// Version 3: a directory that survives abuse (the same design as
// supabase/migrations/20261210000000_parley_abuse.sql, whose header explains
// it). Users from before it keep an open mailbox and public presence until
// their host, once every friend has granted it capabilities, ends that, or
// for 90 days at most. last_ip is no longer kept.
const SCHEMA_V3 = (now: number) => `
  CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value INTEGER NOT NULL
  ) WITHOUT ROWID;
  ALTER TABLE users ADD COLUMN recovery_hash BLOB;
  ALTER TABLE users ADD COLUMN rotations TEXT NOT NULL DEFAULT '[]';
  ALTER TABLE users ADD COLUMN legacy_until INTEGER;
  UPDATE users SET legacy_until = ${now + 90 * 24 * 3600 * 1000}, last_ip = NULL;
  CREATE TABLE capabilities (
    hash       BLOB PRIMARY KEY,
    owner      TEXT NOT NULL REFERENCES users (username) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('drop', 'presence')),
    created_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX capabilities_by_owner ON capabilities (owner);
  ALTER TABLE mailbox ADD COLUMN intro INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE mailbox ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0;
  UPDATE mailbox SET bytes = length(envelope);
  CREATE INDEX mailbox_by_queue ON mailbox (recipient, intro, seq);
  CREATE TABLE rate_limits (
    bucket       TEXT PRIMARY KEY,
    window_start INTEGER NOT NULL,
    hits         INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE pow_spent (
    hash       TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  -- Totals for the global caps, kept by triggers so no put has to add up the mailbox.
  CREATE TABLE usage (
    singleton    INTEGER PRIMARY KEY CHECK (singleton = 1),
    users        INTEGER NOT NULL,
    stored_bytes INTEGER NOT NULL
  );
  INSERT INTO usage VALUES (1, (SELECT count(*) FROM users), (SELECT coalesce(sum(bytes), 0) FROM mailbox));
  CREATE TRIGGER usage_user_in AFTER INSERT ON users BEGIN UPDATE usage SET users = users + 1; END;
  CREATE TRIGGER usage_user_out AFTER DELETE ON users BEGIN UPDATE usage SET users = users - 1; END;
  CREATE TRIGGER usage_mail_in AFTER INSERT ON mailbox BEGIN UPDATE usage SET stored_bytes = stored_bytes + NEW.bytes; END;
  CREATE TRIGGER usage_mail_out AFTER DELETE ON mailbox BEGIN UPDATE usage SET stored_bytes = stored_bytes - OLD.bytes; END;
`;

/** Each version's DDL, in order: entry i takes a file from version i to i + 1. */
const STEPS: ReadonlyArray<(now: number) => string> = [() => SCHEMA_V1, () => SCHEMA_V2, SCHEMA_V3];

/** Brings a file up to `target` (SCHEMA_VERSION); several hosts may open a new file at once. */
export function migrate(db: Database.Database, now = Date.now(), target = SCHEMA_VERSION): void {
  if (db.pragma('user_version', { simple: true }) === target) return;
  // Re-checked inside the write lock.
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) throw new Error(`directory file schema ${version} is newer than this host`);
    for (let v = version; v < target; v++) db.exec(defined(STEPS[v])(now));
    db.pragma(`user_version = ${target}`);
  }).immediate();
}
