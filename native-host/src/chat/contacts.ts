import type { Contact, MailBlock, VerifyResponse } from '../../../shared/contract.js';
import { keyFingerprint } from '../crypto/fingerprint.js';
import { safetyNumber } from '../crypto/safety-number.js';
import type { Directory, DirectoryEntry } from '../directory/directory.js';
import { verifyKeyRecord } from '../directory/records.js';
import { verifyRotationChain } from '../directory/rotation.js';
import { errors } from '../errors.js';
import type { Logger } from '../logger.js';
import type { FriendRow, FriendsRepo } from '../store/friends-repo.js';
import type { EventBus } from './event-bus.js';
import type { Presence } from './presence.js';
import { FriendPresence } from './presence-records.js';
import type { PeerTransport } from './transport.js';

/** Friends: adding (with key pinning), removing, verification and key changes. */
export class Contacts {
  private readonly fingerprints = new Map<string, string>();
  private readonly records: FriendPresence;

  constructor(
    private readonly deps: {
      friends: FriendsRepo;
      directory: Pick<Directory, 'lookup'>;
      transport: Pick<PeerTransport, 'connect' | 'disconnect' | 'path'>;
      presence: Pick<Presence, 'isOnline' | 'refresh' | 'forget'>;
      bus: EventBus;
      /** Our own public keys, base64 (a key rotation changes them). */
      identity: () => { publicKey: string; signingKey: string };
      self: () => string | null;
      /** Why the mailbox refuses our mail to a friend now, if it does. */
      mailBlocked: (username: string) => MailBlock | null;
      log: Logger;
    },
  ) {
    this.records = new FriendPresence(deps.friends, deps.log);
  }

  list(): Contact[] {
    return this.deps.friends.all().map((row) => this.toContact(row));
  }

  /** A friend may be sent to: they exist and no key change holds their items back. */
  canSend(username: string): boolean {
    const row = this.deps.friends.get(username);
    return row !== undefined && !this.isHeld(row);
  }

  require(username: string): FriendRow {
    const row = this.deps.friends.get(username);
    if (!row) throw errors.notAFriend(username);
    return row;
  }

  async add(username: string): Promise<Contact> {
    const self = this.requireSelf();
    if (username === self) throw errors.selfFriend();
    if (this.deps.friends.get(username)) throw errors.alreadyFriends(username);
    const [entry] = await this.deps.directory.lookup([username]);
    if (!entry || entry.username !== username) throw errors.userNotFound(username);
    if (!verifyKeyRecord(entry)) {
      this.deps.log.warn('directory record with a bad signature refused', { username });
      throw errors.userNotFound(username);
    }
    // Re-checked after the await: a concurrent request may have added them.
    if (this.deps.friends.get(username)) throw errors.alreadyFriends(username);
    this.deps.friends.insert({
      username,
      public_key: entry.publicKey,
      signing_key: entry.signingKey,
      addresses: [],
      last_seen: entry.lastSeen,
      last_ip: null,
      added_at: new Date().toISOString(),
    });
    this.records.adopt({ username, signing_key: entry.signingKey }, entry.presence);
    this.deps.bus.emit('friends_changed', {});
    const row = this.require(username);
    if (this.deps.presence.refresh(username)) this.deps.transport.connect(username, row.addresses);
    return this.toContact(row);
  }

  remove(username: string): void {
    if (!this.deps.friends.remove(username)) throw errors.notAFriend(username);
    this.deps.transport.disconnect(username);
    this.deps.presence.forget(username);
    this.deps.bus.emit('friends_changed', {});
  }

  /**
   * Applies what the directory now says about a friend: presence, and keys.
   * New keys reached by a chain of rotations from the pinned ones, each
   * signed by the keys before it, are pinned with `key_rotated` (no alarm:
   * only the holder of the old key could sign that). Other keys are never
   * adopted silently: the contact is flagged, `key_changed` raised, its
   * session closed and sends held until the user verifies again.
   */
  applyDirectoryEntry(entry: DirectoryEntry, signatureValid: boolean): void {
    const row = this.deps.friends.get(entry.username);
    if (!row) return;
    const same = entry.publicKey === row.public_key && entry.signingKey === row.signing_key;
    if (same) {
      // Presence is believed only from a record with the pinned keys, and
      // reachability only from a presence record they signed.
      this.deps.friends.updateSeen(row.username, entry.lastSeen, null);
      this.records.adopt(row, entry.presence);
      if (row.seen_public_key !== null) this.deps.friends.setSeenKeys(row.username, null);
      return;
    }
    if (!signatureValid) {
      this.deps.log.warn('ignoring directory record with a bad signature', { username: row.username });
      return;
    }
    const pinned = { publicKey: row.public_key, signingKey: row.signing_key };
    if (verifyRotationChain(row.username, pinned, entry.rotations, { publicKey: entry.publicKey, signingKey: entry.signingKey })) {
      this.deps.log.info('friend rotated their keys, signed by their old key', { username: row.username });
      this.deps.friends.pinRotated(row.username, entry.publicKey, entry.signingKey, new Date().toISOString());
      this.deps.transport.disconnect(row.username);
      this.deps.friends.updateSeen(row.username, entry.lastSeen, null);
      this.records.adopt({ username: row.username, signing_key: entry.signingKey }, entry.presence);
      this.deps.bus.emit('key_rotated', { username: row.username });
      this.deps.bus.emit('friends_changed', {});
      return;
    }
    if (row.seen_public_key === entry.publicKey && row.seen_signing_key === entry.signingKey) return;
    this.deps.log.warn('the directory shows keys other than the pinned ones; holding messages until re-verified', {
      username: row.username,
    });
    this.deps.friends.setSeenKeys(row.username, { publicKey: entry.publicKey, signingKey: entry.signingKey });
    this.deps.transport.disconnect(row.username);
    this.deps.bus.emit('key_changed', { username: row.username });
  }

  isHeld(row: FriendRow): boolean {
    return row.seen_public_key !== null;
  }

  verification(username: string): VerifyResponse {
    const row = this.require(username);
    const keys = this.candidateKeys(row);
    return {
      username,
      safety_number: this.safetyNumberWith(username, keys),
      fingerprint: keyFingerprint(keys.publicKey, keys.signingKey),
      own_fingerprint: this.ownFingerprint(),
      verified: row.verified && !this.isHeld(row),
      key_changed: this.isHeld(row),
    };
  }

  /**
   * The user compared `comparedNumber` with their friend: pin the keys behind
   * it (the new ones after a change) and release held messages. When the
   * keys changed since the number was shown, the user compared another
   * number than the current one, and nothing is pinned.
   */
  markVerified(username: string, comparedNumber: string): Contact {
    const row = this.require(username);
    const keys = this.candidateKeys(row);
    if (digitsOf(comparedNumber) !== digitsOf(this.safetyNumberWith(username, keys))) throw errors.safetyNumberChanged(username);
    this.deps.friends.pinVerified(username, keys.publicKey, keys.signingKey);
    this.deps.bus.emit('friends_changed', {});
    return this.toContact(this.require(username));
  }

  ownFingerprint(): string {
    const own = this.deps.identity();
    return keyFingerprint(own.publicKey, own.signingKey);
  }

  toContact(row: FriendRow): Contact {
    return {
      username: row.username,
      public_key: row.public_key,
      signing_key: row.signing_key,
      online: this.deps.presence.isOnline(row.username, row),
      last_seen: row.last_seen,
      last_ip: row.last_ip,
      added_at: row.added_at,
      fingerprint: this.fingerprint(row.public_key, row.signing_key),
      verified: row.verified,
      key_changed: this.isHeld(row),
      path: this.deps.transport.path(row.username),
      mail_blocked: this.deps.mailBlocked(row.username),
      keys_rotated_at: row.keys_rotated_at,
    };
  }

  /** Fingerprints are hashed once per key pair: GET /friends lists every friend often. */
  private fingerprint(publicKey: string, signingKey: string): string {
    const key = `${publicKey}/${signingKey}`;
    let value = this.fingerprints.get(key);
    if (value === undefined) {
      value = keyFingerprint(publicKey, signingKey);
      this.fingerprints.set(key, value);
    }
    return value;
  }

  private candidateKeys(row: FriendRow): { publicKey: string; signingKey: string } {
    return row.seen_public_key !== null && row.seen_signing_key !== null
      ? { publicKey: row.seen_public_key, signingKey: row.seen_signing_key }
      : { publicKey: row.public_key, signingKey: row.signing_key };
  }

  private safetyNumberWith(username: string, keys: { publicKey: string; signingKey: string }): string {
    return safetyNumber(
      { username: this.requireSelf(), ...this.deps.identity() },
      { username, publicKey: keys.publicKey, signingKey: keys.signingKey },
    );
  }

  private requireSelf(): string {
    const self = this.deps.self();
    if (!self) throw errors.notSetUp();
    return self;
  }
}

/** A safety number's digits: users may copy it with other spacing. */
function digitsOf(safetyNumber: string): string {
  return safetyNumber.replace(/\s+/g, '');
}
