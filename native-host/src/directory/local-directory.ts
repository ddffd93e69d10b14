import type Database from 'better-sqlite3';
import { errors, isParleyError } from '../errors.js';
import type { CapabilityGrant } from './capability.js';
import type {
  ClaimProof,
  Directory,
  DirectoryEntry,
  KeyRecord,
  MailboxItem,
  SignedPrekey,
  SignedPresence,
} from './directory.js';
import * as accounts from './local-accounts.js';
import { DEFAULT_BUSY_TIMEOUT_MS, LocalFile, isUnusableFileError } from './local-file.js';
import * as grants from './local-grants.js';
import * as mail from './local-mail.js';
import { readEntries } from './local-queries.js';
import { readSettings, writeSettings } from './local-settings.js';
import type { WorkProof } from './proof-of-work.js';
import type { KeyRotation } from './rotation.js';
import { policyOf, type DirectoryPolicy, type DirectorySettings } from './settings.js';
import { checkPrekey, checkPresence, isUsername } from './validation.js';

/** How many prekeys per user the directory keeps: the current one and its predecessor. */
export const PREKEYS_KEPT = 2;

export interface LocalDirectoryOptions {
  /** The SQLite file shared by every host on this machine. */
  path: string;
  /** Written into the file's settings table when opening (tests, an operator's tool); hosts pass none. */
  settings?: Partial<DirectorySettings>;
  busyTimeoutMs?: number;
  /** SQLite page cache of the connection, in KiB (default: the `sqliteCacheKib` limit). */
  cacheKib?: number;
  /** The directory's clock, in ms since the epoch. */
  now?: () => number;
}

/**
 * The embedded directory: one SQLite file shared by every host on the
 * machine. WAL plus BEGIN IMMEDIATE writes let several processes use it at
 * once; each operation is one short transaction, which reads the file's
 * settings first. The rules are the SQL directory's, in local-*.ts.
 */
export class LocalDirectory implements Directory {
  readonly kind = 'local' as const;
  private readonly path: string;
  private readonly busyTimeoutMs: number;
  private readonly cacheKib: number | undefined;
  private readonly now: () => number;
  private file: LocalFile | null;
  private closed = false;

  /** Creates the file (and its folder, 0700) if needed; throws DIRECTORY_UNREACHABLE if it cannot. */
  constructor(options: LocalDirectoryOptions) {
    this.path = options.path;
    this.busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
    this.cacheKib = options.cacheKib;
    this.now = options.now ?? Date.now;
    this.file = LocalFile.open(this.path, true, this.busyTimeoutMs, this.cacheKib);
    if (options.settings) writeSettings(this.file.db, options.settings);
  }

  async policy(): Promise<DirectoryPolicy> {
    return this.read(({ settings }) => policyOf(settings));
  }

  async register(record: KeyRecord, secret: string, claim?: ClaimProof): Promise<void> {
    this.write((call) => accounts.register(call, record, secret, claim));
  }

  async heartbeat(username: string, secret: string, presence: SignedPresence): Promise<void> {
    const record = checkPresence(presence);
    this.write(({ db, now }) => {
      accounts.authenticate(db, username, secret);
      db.prepare('UPDATE users SET presence = ?, addresses = ?, last_seen = ? WHERE username = ?').run(
        JSON.stringify(record),
        JSON.stringify(record.addresses),
        now,
        username,
      );
    });
  }

  async lookup(usernames: string[], capabilities: Readonly<Record<string, string>> = {}): Promise<DirectoryEntry[]> {
    return this.read(({ db, settings, now }) => {
      if (usernames.length > settings.maxLookupBatch) {
        throw errors.directoryLimit(`Lookup of more than ${settings.maxLookupBatch} users at once`);
      }
      const wanted = [...new Set(usernames.filter(isUsername))];
      return wanted.length === 0 ? [] : readEntries(db, wanted, capabilities, now);
    });
  }

  async publishPrekey(username: string, secret: string, prekey: SignedPrekey): Promise<void> {
    checkPrekey(prekey);
    this.write(({ db }) => {
      accounts.authenticate(db, username, secret);
      db.prepare(
        `INSERT INTO prekeys (username, id, public_key, created_at, signature) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (username, id) DO UPDATE SET
           public_key = excluded.public_key, created_at = excluded.created_at, signature = excluded.signature`,
      ).run(username, prekey.id, prekey.publicKey, prekey.createdAt, prekey.signature);
      db.prepare(
        `DELETE FROM prekeys WHERE username = ? AND id NOT IN
           (SELECT id FROM prekeys WHERE username = ? ORDER BY id DESC LIMIT ?)`,
      ).run(username, username, PREKEYS_KEPT);
    });
  }

  async grant(username: string, secret: string, list: CapabilityGrant[]): Promise<void> {
    this.write((call) => grants.grant(call, username, secret, list));
  }

  async revoke(username: string, secret: string, hashes: string[]): Promise<void> {
    this.write((call) => grants.revoke(call, username, secret, hashes));
  }

  async endLegacy(username: string, secret: string): Promise<void> {
    this.write((call) => grants.endLegacy(call, username, secret));
  }

  async mailboxPut(recipient: string, envelope: string, capability: string | null): Promise<string> {
    return this.write((call) => mail.put(call, recipient, envelope, capability));
  }

  async introPut(recipient: string, envelope: string, work: WorkProof): Promise<string> {
    return this.write((call) => mail.introPut(call, recipient, envelope, work));
  }

  async mailboxTake(username: string, secret: string, limit: number): Promise<MailboxItem[]> {
    if (!Number.isSafeInteger(limit) || limit < 1) throw errors.directoryRejected('Take limit must be a positive integer');
    return this.write((call) => {
      accounts.authenticate(call.db, username, secret);
      mail.purgeExpired(call);
      return mail.take(call.db, username, Math.min(limit, call.settings.maxTakeBatch));
    });
  }

  async mailboxAck(username: string, secret: string, ids: string[]): Promise<void> {
    if (!Array.isArray(ids)) throw errors.directoryRejected('Ack ids must be a list');
    this.write(({ db, settings }) => {
      if (ids.length > settings.maxTakeBatch) throw errors.directoryLimit(`Ack of more than ${settings.maxTakeBatch} envelopes at once`);
      accounts.authenticate(db, username, secret);
      db.prepare('DELETE FROM mailbox WHERE recipient = ? AND id IN (SELECT value FROM json_each(?))').run(
        username,
        JSON.stringify(ids.filter((id) => typeof id === 'string')),
      );
    });
  }

  async rotateKeys(username: string, secret: string, record: KeyRecord, rotation: KeyRotation): Promise<void> {
    this.write((call) => accounts.rotateKeys(call, username, secret, record, rotation));
  }

  async recover(record: KeyRecord, recoveryCode: string, secret: string, recoveryHash: string): Promise<void> {
    // The attempt is counted in a commit of its own, so refused codes count too.
    this.write((call) => accounts.countRecoveryAttempt(call));
    this.write((call) => accounts.recover(call, record, recoveryCode, secret, recoveryHash));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.file?.close();
    this.file = null;
  }

  private write<T>(body: (call: accounts.LocalCall) => T): T {
    return this.use((db) => db.transaction(() => body(this.call(db))).immediate());
  }

  private read<T>(body: (call: accounts.LocalCall) => T): T {
    return this.use((db) => db.transaction(() => body(this.call(db))).deferred());
  }

  private call(db: Database.Database): accounts.LocalCall {
    return { db, settings: readSettings(db), now: this.now() };
  }

  /**
   * Runs `body` on the open file, noticing first whether the file is still
   * the one opened; a gone file closes the handle, and later calls try to
   * reopen the path without ever creating a new file there.
   */
  private use<T>(body: (db: Database.Database) => T): T {
    if (this.closed) throw new Error('LocalDirectory used after close()');
    if (this.file !== null && !this.file.isCurrent()) {
      this.drop();
      throw errors.directoryUnreachable(new Error(`${this.path} was removed or replaced`));
    }
    this.file ??= LocalFile.open(this.path, false, this.busyTimeoutMs, this.cacheKib);
    try {
      return body(this.file.db);
    } catch (err) {
      if (isParleyError(err)) throw err;
      if (isUnusableFileError(err)) {
        this.drop();
        throw errors.directoryUnreachable(err);
      }
      throw err;
    }
  }

  private drop(): void {
    this.file?.close();
    this.file = null;
  }
}
