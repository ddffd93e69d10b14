import type { SignedPresence } from '../directory/directory.js';
import { signPresence, verifyPresence } from '../directory/records.js';
import { LogOnce } from '../log-once.js';
import type { Logger } from '../logger.js';
import type { FriendRow, FriendsRepo } from '../store/friends-repo.js';
import type { MetaRepo } from '../store/meta-repo.js';

/** Where this host can be reached right now. */
export interface Reachability {
  addresses: string[];
  /** base64 HyperDHT public key; null when the DHT is off. */
  dhtKey: string | null;
}

/**
 * A friend's record dated further ahead of our clock than this is refused:
 * adopted, it would make every correctly dated record after it look stale.
 */
export const MAX_PRESENCE_FUTURE_MS = 24 * 3600 * 1000;

const ISSUED_AT_KEY = 'presence_issued_at';

/**
 * Our own presence record, signed with our identity key. Each one is dated
 * after the last we published, even if the clock stepped back, so friends
 * (who refuse older records) always take the newest.
 */
export class OwnPresence {
  constructor(
    private readonly meta: MetaRepo,
    /** Our current signing key (a key rotation changes it). */
    private readonly signingKey: () => Uint8Array,
    private readonly reachability: () => Reachability,
  ) {}

  sign(username: string, now = Date.now()): SignedPresence {
    const last = Date.parse(this.meta.get(ISSUED_AT_KEY) ?? '') || 0;
    const issuedAt = new Date(Math.max(now, last + 1)).toISOString();
    this.meta.set(ISSUED_AT_KEY, issuedAt);
    return signPresence(username, { ...this.reachability(), issuedAt }, this.signingKey());
  }
}

/**
 * Friends' presence records as the directory serves them. Addresses and the
 * DHT key are believed only from a record signed by the friend's pinned key,
 * never from one older than the record already held.
 */
export class FriendPresence {
  private readonly refusals = new LogOnce();

  constructor(
    private readonly friends: FriendsRepo,
    private readonly log: Logger,
  ) {}

  /** Adopts `presence` for `friend` if it verifies and is newer; returns whether it did. */
  adopt(friend: Pick<FriendRow, 'username' | 'signing_key'>, presence: unknown, now = Date.now()): boolean {
    if (presence === null || presence === undefined) return false;
    if (!verifyPresence(friend.username, friend.signing_key, presence)) {
      this.refuse(friend.username, 'a presence record that is malformed or not signed by their pinned key');
      return false;
    }
    if (Date.parse(presence.issuedAt) - now > MAX_PRESENCE_FUTURE_MS) {
      this.refuse(friend.username, 'a presence record dated in the future');
      return false;
    }
    return this.friends.updateReachability(friend.username, presence);
  }

  private refuse(username: string, what: string): void {
    if (this.refusals.shouldLog(`${username}/${what}`)) this.log.warn(`ignoring ${what}`, { username });
  }
}
