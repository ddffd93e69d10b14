import type { DeliveryMethod } from '../../../shared/contract.js';
import type { Logger } from '../logger.js';
import { MAX_ACK_IDS, type ItemFrame } from '../peer/peer-protocol.js';
import type { ItemKinds } from './item-kinds.js';
import { TickBatch } from './tick-batch.js';
import type { PeerTransport } from './transport.js';

/** An item a friend sent us, live or through the mailbox. */
export interface Arrival {
  from: string;
  frame: ItemFrame;
  via: DeliveryMethod;
}

/**
 * The receive pipeline. Items that arrive on sessions in one tick are
 * committed in one transaction, then acked with one frame per friend: an ack
 * always follows the commit, never precedes it. The mailbox hands its
 * batches to `commit` and answers with delivery receipts instead.
 */
export class Incoming {
  private readonly live = new TickBatch<Arrival>((arrivals) => this.commitAndAck(arrivals));
  private stopped = false;

  constructor(
    private readonly deps: {
      kinds: ItemKinds;
      isFriend: (username: string) => boolean;
      transaction: <T>(fn: () => T) => T;
      transport: Pick<PeerTransport, 'send'>;
      log: Logger;
    },
  ) {}

  /** An item frame from a live session. */
  receive(from: string, frame: ItemFrame): void {
    // After stop, frames still arriving while sessions close are left unacked: the senders keep them.
    if (!this.stopped) this.live.push({ from, frame, via: 'direct' });
  }

  /**
   * Commits arrivals in one transaction; for each, whether the sender may be
   * told it is committed (now or before). Events go out after the commit.
   */
  commit(arrivals: readonly Arrival[]): boolean[] {
    const announcements: Array<() => void> = [];
    const friends = new Map<string, boolean>();
    const isFriend = (username: string) => {
      let known = friends.get(username);
      if (known === undefined) friends.set(username, (known = this.deps.isFriend(username)));
      return known;
    };
    const acks = this.deps.transaction(() =>
      arrivals.map(({ from, frame, via }) => {
        if (!isFriend(from)) return false;
        const handler = this.deps.kinds.get(frame.kind);
        const body = handler?.parse(frame.body) ?? null;
        if (!handler || body === null) {
          // A newer host's kind, or a malformed body: the sender keeps it and tries again later.
          this.deps.log.info('left an item unacked', { from, kind: frame.kind, id: frame.id, why: handler ? 'malformed' : 'unknown kind' });
          return false;
        }
        const committed = handler.commit(from, frame.id, body, via);
        if (!committed.ack) {
          this.deps.log.warn('refused an item', { from, kind: frame.kind, id: frame.id, why: committed.reason });
          return false;
        }
        if (committed.announce) announcements.push(committed.announce);
        return true;
      }),
    );
    for (const announce of announcements) announce();
    return acks;
  }

  /** Commits and acks what is pending now; takes nothing more (shutting down). */
  stop(): void {
    this.live.flushNow();
    this.stopped = true;
  }

  private commitAndAck(arrivals: Arrival[]): void {
    let acks: boolean[];
    try {
      acks = this.commit(arrivals);
    } catch (err) {
      // Nothing is acked, so every sender tries again.
      this.deps.log.error('could not commit received items', { err, count: arrivals.length });
      return;
    }
    for (const [peer, ids] of idsByPeer(arrivals, acks)) {
      for (let at = 0; at < ids.length; at += MAX_ACK_IDS) this.deps.transport.send(peer, { type: 'ack', ids: ids.slice(at, at + MAX_ACK_IDS) });
    }
  }
}

/** The ids of the arrivals that may be confirmed, grouped by sender. */
export function idsByPeer(arrivals: readonly Arrival[], confirmed: readonly boolean[]): Map<string, string[]> {
  const byPeer = new Map<string, string[]>();
  arrivals.forEach(({ from, frame }, i) => {
    if (!confirmed[i]) return;
    const ids = byPeer.get(from);
    if (ids) ids.push(frame.id);
    else byPeer.set(from, [frame.id]);
  });
  return byPeer;
}
