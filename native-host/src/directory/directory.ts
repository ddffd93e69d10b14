import type { DirectoryKind } from '../../../shared/contract.js';

/**
 * The directory port: presence, key lookup and the offline mailbox. The
 * directory is untrusted; key records and prekeys carry Ed25519 signatures
 * that clients verify (records.ts), and the mailbox only ever holds sealed
 * envelopes.
 */

/** What a user publishes about their identity, signed by their signing key. */
export interface KeyRecord {
  username: string;
  /** base64, X25519 identity key (also the Noise static key) */
  publicKey: string;
  /** base64, Ed25519 */
  signingKey: string;
  /** base64 Ed25519 signature over keyRecordMessage(...) */
  signature: string;
}

/** A medium-term X25519 key for offline envelopes, signed by the owner. */
export interface SignedPrekey {
  /** Chosen by the owner, increasing. */
  id: number;
  /** base64 X25519 */
  publicKey: string;
  /** ISO time the owner created it */
  createdAt: string;
  /** base64 Ed25519 signature over prekeyMessage(username, prekey) */
  signature: string;
}

/**
 * Where a user's host can be reached, as the owner states it. Signed, so the
 * directory can neither invent addresses nor swap the DHT key; clients keep
 * the newest `issuedAt` they accepted and refuse anything older.
 */
export interface PresenceFields {
  /** Where the host accepts peer TCP connections, as `host:port`. */
  addresses: string[];
  /** base64 of the host's HyperDHT public key (not its identity key); null when the DHT is off. */
  dhtKey: string | null;
  /** ISO time the owner signed this record, by the owner's clock. */
  issuedAt: string;
}

export interface SignedPresence extends PresenceFields {
  /** base64 Ed25519 signature over presenceMessage(username, fields) */
  signature: string;
}

export interface DirectoryEntry extends KeyRecord {
  /** Newest first; the directory keeps the current one and its predecessor. */
  prekeys: SignedPrekey[];
  /** The newest presence record the user's host sent, stored as given; null before the first. */
  presence: SignedPresence | null;
  /** Last heartbeat, by the directory's clock. */
  lastSeen: string | null;
  lastIp: string | null;
}

export interface MailboxItem {
  id: string;
  /** base64 sealed envelope */
  envelope: string;
  createdAt: string;
}

export interface DirectoryLimits {
  maxEnvelopeBytes: number;
  maxPendingPerRecipient: number;
  maxEnvelopeAgeMs: number;
  maxLookupBatch: number;
  maxTakeBatch: number;
}

export const DEFAULT_DIRECTORY_LIMITS: DirectoryLimits = {
  maxEnvelopeBytes: 64 * 1024,
  maxPendingPerRecipient: 1000,
  maxEnvelopeAgeMs: 30 * 24 * 3600 * 1000,
  maxLookupBatch: 200,
  maxTakeBatch: 100,
};

/**
 * Every method rejects with a ParleyError: USERNAME_TAKEN, DIRECTORY_REJECTED
 * (bad secret, unknown user, malformed record), DIRECTORY_LIMIT (a cap) or
 * DIRECTORY_UNREACHABLE (the service or file cannot be reached).
 */
export interface Directory {
  readonly kind: DirectoryKind;

  /**
   * Claims `record.username`, bound to `secret` (the directory keeps only its
   * SHA-256). Claiming again with the same secret and keys succeeds, so a
   * host can repeat a registration it is unsure landed.
   */
  register(record: KeyRecord, secret: string): Promise<void>;

  /**
   * Marks the user present now (directory time) and stores their signed
   * presence record. The directory checks its shape, not its signature.
   */
  heartbeat(username: string, secret: string, presence: SignedPresence): Promise<void>;

  /** Entries for the usernames that exist; unknown names are left out. */
  lookup(usernames: string[]): Promise<DirectoryEntry[]>;

  /** Publishes a new signed prekey; older ones beyond the previous are dropped. */
  publishPrekey(username: string, secret: string, prekey: SignedPrekey): Promise<void>;

  /** Anonymous: stores an envelope for `recipient`, returns its id. */
  mailboxPut(recipient: string, envelope: string): Promise<string>;

  /** The owner's pending envelopes, oldest first, at most `limit`. */
  mailboxTake(username: string, secret: string, limit: number): Promise<MailboxItem[]>;

  /** Deletes the owner's envelopes with these ids. */
  mailboxAck(username: string, secret: string, ids: string[]): Promise<void>;

  close(): Promise<void>;
}
