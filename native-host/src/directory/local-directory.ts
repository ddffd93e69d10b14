import { createHash, timingSafeEqual } from 'node:crypto';
import type Database from 'better-sqlite3';
import { errors, isParleyError } from '../errors.js';
import { loadSodium } from '../crypto/sodium.js';
import {
  DEFAULT_DIRECTORY_LIMITS,
  type Directory,
  type DirectoryEntry,
  type DirectoryLimits,
  type KeyRecord,
  type MailboxItem,
  type SignedPrekey,
} from './directory.js';
import { DEFAULT_BUSY_TIMEOUT_MS, LocalFile, isUnusableFileError } from './local-file.js';
import { readEntries, readMailbox, type UserRow } from './local-queries.js';
import {
  addressHost,
  checkAddresses,
  checkKeyRecord,
  checkPrekey,
  checkSecret,
  envelopeBytes,
  isUsername,
} from './validation.js';

const sodium = await loadSodium();

/** How many prekeys per user the directory keeps: the current one and its predecessor. */
export const PREKEYS_KEPT = 2;

export interface LocalDirectoryOptions {
  /** The SQLite file shared by every host on this machine. */
  path: string;
  limits?: Partial<DirectoryLimits>;
  busyTimeoutMs?: number;
  /** SQLite page cache of the connection, in KiB (default: the `sqliteCacheKib` limit). */
  cacheKib?: number;
  /** The directory's clock, in ms since the epoch. */
  now?: () => number;
}

/**
 * The embedded directory: one SQLite file shared by every host on the
 * machine. WAL plus BEGIN IMMEDIATE writes let several processes use it at
 * once; each operation is one short transaction.
 */
export class LocalDirectory implements Directory {
  readonly kind = 'local' as const;
  readonly limits: DirectoryLimits;
  private readonly path: string;
  private readonly busyTimeoutMs: number;
  private readonly cacheKib: number | undefined;
  private readonly now: () => number;
  private file: LocalFile | null;
  private closed = false;

  /** Creates the file (and its folder, 0700) if needed; throws DIRECTORY_UNREACHABLE if it cannot. */
  constructor(options: LocalDirectoryOptions) {
    this.path = options.path;
    this.limits = { ...DEFAULT_DIRECTORY_LIMITS, ...options.limits };
    this.busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
    this.cacheKib = options.cacheKib;
    this.now = options.now ?? Date.now;
    this.file = LocalFile.open(this.path, true, this.busyTimeoutMs, this.cacheKib);
  }

  async register(record: KeyRecord, secret: string): Promise<void> {
    checkKeyRecord(record);
    checkSecret(secret);
    const hash = sha256(secret);
    this.write((db) => {
      const existing = db.prepare('SELECT * FROM users WHERE username = ?').get(record.username) as UserRow | undefined;
      if (existing === undefined) {
        db.prepare(
          `INSERT INTO users (username, public_key, signing_key, signature, secret_hash, created_at)
           VALUES (?, ?, ?, ?, ?, ?)`,
        ).run(record.username, record.publicKey, record.signingKey, record.signature, hash, this.now());
        return;
      }
      const same =
        timingSafeEqual(existing.secret_hash, hash) &&
        existing.public_key === record.publicKey &&
        existing.signing_key === record.signingKey;
      if (!same) throw errors.usernameTaken(record.username);
    });
  }

  async heartbeat(username: string, secret: string, addresses: string[]): Promise<void> {
    checkAddresses(addresses);
    const first = addresses[0];
    this.write((db) => {
      this.authenticate(db, username, secret);
      db.prepare('UPDATE users SET addresses = ?, last_seen = ?, last_ip = ? WHERE username = ?').run(
        JSON.stringify(addresses),
        this.now(),
        first === undefined ? null : addressHost(first),
        username,
      );
    });
  }

  async lookup(usernames: string[]): Promise<DirectoryEntry[]> {
    if (usernames.length > this.limits.maxLookupBatch) {
      throw errors.directoryLimit(`Lookup of more than ${this.limits.maxLookupBatch} users at once`);
    }
    const wanted = [...new Set(usernames.filter(isUsername))];
    if (wanted.length === 0) return [];
    return this.read((db) => readEntries(db, wanted));
  }

  async publishPrekey(username: string, secret: string, prekey: SignedPrekey): Promise<void> {
    checkPrekey(prekey);
    this.write((db) => {
      this.authenticate(db, username, secret);
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

  async mailboxPut(recipient: string, envelope: string): Promise<string> {
    const { maxEnvelopeBytes, maxPendingPerRecipient } = this.limits;
    // Length first, so an oversized body is refused before it is scanned.
    if (typeof envelope === 'string' && envelope.length > Math.ceil(maxEnvelopeBytes / 3) * 4) {
      throw errors.directoryLimit(`Envelope larger than ${maxEnvelopeBytes} bytes`);
    }
    const size = envelopeBytes(envelope);
    if (size <= 0) throw errors.directoryRejected('Envelope must be non-empty standard base64');
    if (size > maxEnvelopeBytes) throw errors.directoryLimit(`Envelope larger than ${maxEnvelopeBytes} bytes`);
    return this.write((db) => {
      const known = isUsername(recipient) && db.prepare('SELECT 1 FROM users WHERE username = ?').get(recipient);
      if (!known) throw errors.directoryRejected(`Unknown recipient '${String(recipient).slice(0, 64)}'`);
      this.purgeExpired(db);
      const { pending } = db.prepare('SELECT count(*) AS pending FROM mailbox WHERE recipient = ?').get(recipient) as {
        pending: number;
      };
      if (pending >= maxPendingPerRecipient) {
        throw errors.directoryLimit(`Mailbox of '${recipient}' holds ${maxPendingPerRecipient} envelopes already`);
      }
      const id = uuidV4();
      db.prepare('INSERT INTO mailbox (id, recipient, envelope, created_at) VALUES (?, ?, ?, ?)').run(
        id,
        recipient,
        envelope,
        this.now(),
      );
      return id;
    });
  }

  async mailboxTake(username: string, secret: string, limit: number): Promise<MailboxItem[]> {
    if (!Number.isSafeInteger(limit) || limit < 1) throw errors.directoryRejected('Take limit must be a positive integer');
    const count = Math.min(limit, this.limits.maxTakeBatch);
    return this.write((db) => {
      this.authenticate(db, username, secret);
      this.purgeExpired(db);
      return readMailbox(db, username, count);
    });
  }

  async mailboxAck(username: string, secret: string, ids: string[]): Promise<void> {
    if (!Array.isArray(ids)) throw errors.directoryRejected('Ack ids must be a list');
    if (ids.length > this.limits.maxTakeBatch) {
      throw errors.directoryLimit(`Ack of more than ${this.limits.maxTakeBatch} envelopes at once`);
    }
    this.write((db) => {
      this.authenticate(db, username, secret);
      db.prepare('DELETE FROM mailbox WHERE recipient = ? AND id IN (SELECT value FROM json_each(?))').run(
        username,
        JSON.stringify(ids.filter((id) => typeof id === 'string')),
      );
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.file?.close();
    this.file = null;
  }

  private authenticate(db: Database.Database, username: string, secret: string): void {
    checkSecret(secret);
    const row = isUsername(username)
      ? (db.prepare('SELECT secret_hash FROM users WHERE username = ?').get(username) as
          | Pick<UserRow, 'secret_hash'>
          | undefined)
      : undefined;
    // Hash and compare even for unknown users so timing does not tell them apart.
    const stored = row?.secret_hash ?? new Uint8Array(32);
    if (!timingSafeEqual(stored, sha256(secret)) || row === undefined) {
      throw errors.directoryRejected('Unknown user or wrong secret');
    }
  }

  private purgeExpired(db: Database.Database): void {
    db.prepare('DELETE FROM mailbox WHERE created_at < ?').run(this.now() - this.limits.maxEnvelopeAgeMs);
  }

  private write<T>(body: (db: Database.Database) => T): T {
    return this.use((db) => db.transaction(body).immediate(db));
  }

  private read<T>(body: (db: Database.Database) => T): T {
    return this.use((db) => db.transaction(body).deferred(db));
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

// SHA-256 because the Supabase directory stores the same hash with core
// PostgreSQL's sha256(); the standard libsodium build has no SHA-256. It is
// a lookup hash of a high-entropy secret, not a protocol primitive.
function sha256(secret: string): Uint8Array {
  return createHash('sha256').update(secret, 'utf8').digest();
}

function uuidV4(): string {
  const bytes = sodium.randombytes_buf(16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = sodium.to_hex(bytes);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
