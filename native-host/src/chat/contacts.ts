import type { Contact, VerifyResponse } from '../../../shared/contract.js';
import { keyFingerprint } from '../crypto/fingerprint.js';
import { safetyNumber } from '../crypto/safety-number.js';
import type { DirectoryEntry } from '../directory/directory.js';
import { verifyKeyRecord } from '../directory/records.js';
import { errors } from '../errors.js';
import type { FriendRow } from '../store/friends-repo.js';
import type { ChatContext } from './context.js';
import type { Presence } from './presence.js';
import { FriendPresence } from './presence-records.js';

/** Friends: adding (with key pinning), removing, verification and key changes. */
export class Contacts {
  private readonly fingerprints = new Map<string, string>();
  private readonly records: FriendPresence;

  constructor(
    private readonly ctx: ChatContext,
    private readonly presence: Presence,
  ) {
    this.records = new FriendPresence(ctx.store.friends, ctx.log);
  }

  list(): Contact[] {
    return this.ctx.store.friends.all().map((row) => this.toContact(row));
  }

  require(username: string): FriendRow {
    const row = this.ctx.store.friends.get(username);
    if (!row) throw errors.notAFriend(username);
    return row;
  }

  async add(username: string): Promise<Contact> {
    const self = this.requireSelf();
    if (username === self) throw errors.selfFriend();
    if (this.ctx.store.friends.get(username)) throw errors.alreadyFriends(username);
    const [entry] = await this.ctx.directory.lookup([username]);
    if (!entry || entry.username !== username) throw errors.userNotFound(username);
    if (!verifyKeyRecord(entry)) {
      this.ctx.log.warn('directory record with a bad signature refused', { username });
      throw errors.userNotFound(username);
    }
    // Re-checked after the await: a concurrent request may have added them.
    if (this.ctx.store.friends.get(username)) throw errors.alreadyFriends(username);
    this.ctx.store.friends.insert({
      username,
      public_key: entry.publicKey,
      signing_key: entry.signingKey,
      addresses: '[]',
      last_seen: entry.lastSeen,
      last_ip: entry.lastIp,
      added_at: new Date().toISOString(),
    });
    this.records.adopt({ username, signing_key: entry.signingKey }, entry.presence);
    this.ctx.bus.emit('friends_changed', {});
    const row = this.require(username);
    if (this.presence.refresh(username)) this.ctx.transport.connect(username, JSON.parse(row.addresses) as string[]);
    return this.toContact(row);
  }

  remove(username: string): void {
    if (!this.ctx.store.friends.remove(username)) throw errors.notAFriend(username);
    this.ctx.transport.disconnect(username);
    this.presence.forget(username);
    this.ctx.bus.emit('friends_changed', {});
  }

  /**
   * Applies what the directory now says about a friend: presence, and keys.
   * Keys other than the pinned ones are never adopted silently: the contact
   * is flagged, `key_changed` raised, its session closed and sends held
   * until the user verifies again.
   */
  applyDirectoryEntry(entry: DirectoryEntry, signatureValid: boolean): void {
    const row = this.ctx.store.friends.get(entry.username);
    if (!row) return;
    const same = entry.publicKey === row.public_key && entry.signingKey === row.signing_key;
    if (same) {
      // Presence is believed only from a record with the pinned keys, and
      // reachability only from a presence record they signed.
      this.ctx.store.friends.updateSeen(row.username, entry.lastSeen, entry.lastIp);
      this.records.adopt(row, entry.presence);
      if (row.seen_public_key !== null) this.ctx.store.friends.setSeenKeys(row.username, null);
      return;
    }
    if (!signatureValid) {
      this.ctx.log.warn('ignoring directory record with a bad signature', { username: row.username });
      return;
    }
    if (row.seen_public_key === entry.publicKey && row.seen_signing_key === entry.signingKey) return;
    this.ctx.log.warn('the directory shows keys other than the pinned ones; holding messages until re-verified', {
      username: row.username,
    });
    this.ctx.store.friends.setSeenKeys(row.username, { publicKey: entry.publicKey, signingKey: entry.signingKey });
    this.ctx.transport.disconnect(row.username);
    this.ctx.bus.emit('key_changed', { username: row.username });
  }

  /**
   * A peer proved keys other than the pinned ones during a handshake. Only
   * reported: anyone can claim a name, so this alone neither holds messages
   * nor drops the real friend's session.
   */
  reportKeyMismatch(username: string): void {
    this.ctx.bus.emit('key_changed', { username });
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
      verified: row.verified === 1 && !this.isHeld(row),
      key_changed: this.isHeld(row),
    };
  }

  /**
   * The user compared safety numbers: pin the keys they were shown (the new
   * ones after a change) and release held messages. A stated safety number
   * must match, so a change between showing and confirming is not accepted.
   */
  markVerified(username: string, expectedSafetyNumber?: string): Contact {
    const row = this.require(username);
    const keys = this.candidateKeys(row);
    if (expectedSafetyNumber !== undefined && expectedSafetyNumber !== this.safetyNumberWith(username, keys)) {
      throw errors.badRequest('Safety number does not match the current keys');
    }
    this.ctx.store.friends.pinVerified(username, keys.publicKey, keys.signingKey);
    this.ctx.bus.emit('friends_changed', {});
    this.ctx.store.outbox.wake(username);
    return this.toContact(this.require(username));
  }

  ownFingerprint(): string {
    return keyFingerprint(this.ctx.identityB64.publicKey, this.ctx.identityB64.signingKey);
  }

  toContact(row: FriendRow): Contact {
    return {
      username: row.username,
      public_key: row.public_key,
      signing_key: row.signing_key,
      online: this.presence.isOnline(row.username, row),
      last_seen: row.last_seen,
      last_ip: row.last_ip,
      added_at: row.added_at,
      fingerprint: this.fingerprint(row.public_key, row.signing_key),
      verified: row.verified === 1,
      key_changed: this.isHeld(row),
      path: this.ctx.transport.path(row.username),
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
      { username: this.requireSelf(), ...this.ctx.identityB64 },
      { username, publicKey: keys.publicKey, signingKey: keys.signingKey },
    );
  }

  private requireSelf(): string {
    const self = this.ctx.username();
    if (!self) throw errors.notSetUp();
    return self;
  }
}
