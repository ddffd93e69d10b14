import type { Logger } from '../logger.js';
import type { PeerConnection } from './peer-connection.js';

/** Tries from a relayed session to a direct one back off up to this many times the first wait. */
const BACKOFF_MAX = 16;

export interface RelayUpgradeDeps {
  /** First wait (limits.relayUpgradeMs); it doubles after each failed try. */
  firstWaitMs: number;
  log: Logger;
  /** True while `conn` is still the friend's session and still relayed. */
  stillRelayed(username: string, conn: PeerConnection): boolean;
  /** One direct (hole punched) try; true when its session opened (it then replaces the relayed one). */
  tryDirect(username: string): Promise<boolean>;
}

/**
 * Keeps a relayed session trying for a direct path, backing off: the NAT in
 * the way may change (another network, a router restart), and a direct
 * stream is faster and leaves the relay alone. A direct session that opens
 * replaces the relayed one (session-choice.ts); messages in flight are
 * covered by the outbox and the receiver's deduplication. Only the friend
 * that leads over the DHT tries (the caller decides): a punch involves both
 * ends anyway, and two at once would spoil each other.
 */
export class RelayUpgrades {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly deps: RelayUpgradeDeps) {}

  /** Starts trying for `conn`, the friend's relayed session (replacing any earlier plan). */
  start(username: string, conn: PeerConnection): void {
    this.cancel(username);
    this.schedule(username, conn, 0);
  }

  cancel(username: string): void {
    clearTimeout(this.timers.get(username));
    this.timers.delete(username);
  }

  cancelAll(): void {
    for (const username of [...this.timers.keys()]) this.cancel(username);
  }

  private schedule(username: string, conn: PeerConnection, attempt: number): void {
    const delay = this.deps.firstWaitMs * Math.min(2 ** attempt, BACKOFF_MAX);
    const timer = setTimeout(() => void this.attempt(username, conn, attempt), delay);
    timer.unref();
    this.timers.set(username, timer);
  }

  private async attempt(username: string, conn: PeerConnection, attempt: number): Promise<void> {
    this.timers.delete(username);
    if (!this.deps.stillRelayed(username, conn)) return;
    try {
      if (await this.deps.tryDirect(username)) return;
    } catch (err) {
      this.deps.log.debug('still no direct path', { peer: username, code: (err as { code?: string }).code });
    }
    if (this.deps.stillRelayed(username, conn) && !this.timers.has(username)) this.schedule(username, conn, attempt + 1);
  }
}
