import { toBase64 } from '../crypto/identity.js';
import { LogOnce } from '../log-once.js';
import type { Logger } from '../logger.js';

/**
 * The peer layer's lines about connections it refuses. Anyone can connect
 * and fail a handshake, or complete one as a stranger or under a friend's
 * name, as often as they like: each kind is logged once per key and
 * interval, with how many it stands for, so the log does not grow with them.
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
  stranger(claimed: string, key: Uint8Array): void {
    const k = toBase64(key);
    const count = this.once.count(`stranger/${claimed}/${k}`);
    if (count !== null) this.log.info('refused a session from a stranger', { claimed, key: k, count });
  }

  /**
   * A completed handshake under a friend's name with keys other than the
   * pinned ones. Anyone can claim a name, so this says nothing about the
   * friend's keys: only their signed directory record can (key_changed).
   */
  impostor(username: string, key: Uint8Array): void {
    const k = toBase64(key);
    const count = this.once.count(`impostor/${username}/${k}`);
    if (count !== null) this.log.warn("refused a session under a friend's name with keys other than the pinned ones", { username, key: k, count });
  }

  /** An inbound handshake that failed (garbage, a bad proof, a timeout), by the address group it came from. */
  failedHandshake(from: string, reason: string): void {
    const count = this.once.count(`failed/${from}`);
    if (count !== null) this.log.info('refused failed handshakes', { from, last_reason: reason, count });
  }
}
