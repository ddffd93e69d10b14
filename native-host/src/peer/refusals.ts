import { toBase64 } from '../crypto/identity.js';
import { LogOnce } from '../log-once.js';
import type { Logger } from '../logger.js';

/**
 * The peer layer's lines about connections it refuses. Anyone can connect
 * and fail a handshake, or complete one as a stranger or under a friend's
 * name, as often as they like, with a new key each time if they please
 * (keys cost nothing to make): so each kind is logged once per interval per
 * address it comes from (an IPv4 address, an IPv6 /64, see ip-address.ts)
 * and, for a friend's name, per name, each line with the latest key and how
 * many refusals it stands for. The log then grows with the addresses an
 * attacker holds, not with their attempts.
 */
export class Refusals {
  private readonly once: LogOnce;

  constructor(
    private readonly log: Logger,
    intervalMs: number,
  ) {
    this.once = new LogOnce(intervalMs);
  }

  /** A completed handshake from someone who is not a friend. */
  stranger(from: string, claimed: string, key: Uint8Array): void {
    const count = this.once.count(`stranger/${from}`);
    if (count !== null) this.log.info('refused sessions from strangers', { from, claimed, key: toBase64(key), count });
  }

  /**
   * A completed handshake under a friend's name with keys other than the
   * pinned ones. Anyone can claim a name, so this says nothing about the
   * friend's keys: only their signed directory record can (key_changed).
   */
  impostor(from: string, username: string, key: Uint8Array): void {
    const count = this.once.count(`impostor/${username}/${from}`);
    if (count !== null) {
      this.log.warn("refused sessions under a friend's name with keys other than the pinned ones", { username, from, key: toBase64(key), count });
    }
  }

  /** An inbound handshake that failed (garbage, a bad proof, a timeout). */
  failedHandshake(from: string, reason: string): void {
    const count = this.once.count(`failed/${from}`);
    if (count !== null) this.log.info('refused failed handshakes', { from, last_reason: reason, count });
  }
}
