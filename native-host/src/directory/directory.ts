import type { DirectoryKind } from '../../../shared/contract.js';
import type { CapabilityGrant } from './capability.js';
import type { WorkProof } from './proof-of-work.js';
import type { KeyRotation } from './rotation.js';
import type { DirectoryPolicy } from './settings.js';

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
  /** The newest key rotations (oldest first), each signed by the keys before it. */
  rotations: KeyRotation[];
  /**
   * The newest presence record the user's host sent, stored as given; null
   * before the first, and for anyone without a presence capability from
   * the user (unless the user's host predates capabilities: see the migration).
   */
  presence: SignedPresence | null;
  /** Last heartbeat, by the directory's clock; null on the same terms as `presence`. */
  lastSeen: string | null;
}

export interface MailboxItem {
  id: string;
  /** base64 sealed envelope */
  envelope: string;
  createdAt: string;
}

/** What a new claim carries beyond the key record and secret. */
export interface ClaimProof {
  /** SHA-256 (hex) of the recovery code that can re-claim the name later. */
  recoveryHash: string;
  /** A proof of work for purpose `register` and subject the username. */
  work: WorkProof;
}

/**
 * Every method rejects with a ParleyError: USERNAME_TAKEN, DIRECTORY_REJECTED
 * (bad secret, unknown user, malformed record), DIRECTORY_LIMIT (a size or
 * batch cap), PROOF_REQUIRED (missing, stale or too weak proof of work),
 * CAPABILITY_REQUIRED (no valid capability for this mailbox), RATE_LIMITED
 * (too many calls from this address), QUOTA_EXCEEDED (the directory is
 * full), RECOVERY_REFUSED (wrong recovery code) or DIRECTORY_UNREACHABLE
 * (the service or file cannot be reached).
 */
export interface Directory {
  readonly kind: DirectoryKind;

  /** The difficulty and sizes clients must meet. Public. */
  policy(): Promise<DirectoryPolicy>;

  /**
   * Without `claim`: repeats the claim of a name bound to this secret and
   * these keys (idempotent; PROOF_REQUIRED when the name is not, or no
   * longer, ours). With `claim`: claims a free name (or one idle past
   * `nameIdleMs`), paying with a proof of work, rate limited per address.
   */
  register(record: KeyRecord, secret: string, claim?: ClaimProof): Promise<void>;

  /**
   * Marks the user present now (directory time) and stores their signed
   * presence record. The directory checks its shape, not its signature.
   */
  heartbeat(username: string, secret: string, presence: SignedPresence): Promise<void>;

  /**
   * Entries for the usernames that exist; unknown names are left out. Key
   * records, prekeys and rotations are public; presence and last_seen come
   * only with the user's presence capability in `capabilities` (by name).
   */
  lookup(usernames: string[], capabilities?: Readonly<Record<string, string>>): Promise<DirectoryEntry[]>;

  /** Publishes a new signed prekey; older ones beyond the previous are dropped. */
  publishPrekey(username: string, secret: string, prekey: SignedPrekey): Promise<void>;

  /** Registers the hashes of capabilities the user gave (idempotent). */
  grant(username: string, secret: string, grants: CapabilityGrant[]): Promise<void>;

  /** Forgets these capability hashes of the user's: their holders are refused from now on. */
  revoke(username: string, secret: string, hashes: string[]): Promise<void>;

  /**
   * Ends the open mailbox and presence of a user registered before
   * capabilities existed: from now on only capabilities let anyone in.
   */
  endLegacy(username: string, secret: string): Promise<void>;

  /** Stores an envelope for `recipient` from a holder of their drop capability; returns its id. */
  mailboxPut(recipient: string, envelope: string, capability: string | null): Promise<string>;

  /** First contact: a small envelope in the recipient's introduction queue, paid with a proof of work. */
  introPut(recipient: string, envelope: string, work: WorkProof): Promise<string>;

  /** The owner's pending envelopes, friends' mail before introductions, oldest first, at most `limit`. */
  mailboxTake(username: string, secret: string, limit: number): Promise<MailboxItem[]>;

  /** Deletes the owner's envelopes with these ids. */
  mailboxAck(username: string, secret: string, ids: string[]): Promise<void>;

  /** Moves the user to new keys, vouched for by the old signing key (`rotation`); drops the old prekeys. */
  rotateKeys(username: string, secret: string, record: KeyRecord, rotation: KeyRotation): Promise<void>;

  /**
   * Re-claims a name with its recovery code, for new keys and a new secret
   * (the old data dir is lost): the name's capabilities, prekeys and mail
   * are dropped, as nothing can use them any more.
   */
  recover(record: KeyRecord, recoveryCode: string, secret: string, recoveryHash: string): Promise<void>;

  close(): Promise<void>;
}
