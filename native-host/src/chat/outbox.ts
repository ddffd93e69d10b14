import type { DeliveryMethod } from '../../../shared/contract.js';
import type { Limits } from '../config/limits.js';
import type { Logger } from '../logger.js';
import type { OutboxItem, OutboxRepo } from '../store/outbox-repo.js';
import { backoff } from './backoff.js';
import type { DeliveryStatus } from './delivery-status.js';
import { DueTimer } from './due-timer.js';
import { frameOf, type MailboxDrop, type NewItem } from './outbox-item.js';
import { OutboxOutcomes, type Confirmation } from './outbox-outcomes.js';
import { TickBatch } from './tick-batch.js';
import type { PeerTransport } from './transport.js';
import type { Settled } from './waiters.js';
import { defined } from '../../../shared/defined.js';

const BATCH = 200;

interface PeerQueue {
  running: boolean;
  /** Another pass was asked for while one ran. */
  again: boolean;
  /** Look for overdue items too, not only new ones (timer, wake, new session). */
  checkDue: boolean;
  /** Items up to this seq went out on the current session. */
  sentUpTo: number;
  /**
   * Items committed since the last pass, handed over by `drain`: on a live
   * session they go out without reading back what was just written. When
   * the queue cannot be sure it knows every unsent item (a new session,
   * items added without being handed over), `resync` reads them from the store.
   */
  fresh: OutboxItem[];
  resync: boolean;
}

/**
 * The only way out for anything a friend must confirm. Items are committed
 * here first; then one drain loop per friend, one pass at a time, decides in
 * send order: a live session (each item once per session, its ack expected
 * within `sendAckTimeoutMs`), else the mailbox (also for items whose ack is
 * overdue), else wait with backoff. A new item, a new session, the friend
 * coming online and the directory returning all start a pass; a timer
 * starts the passes that are due. Only a confirmation (ack, delivery
 * receipt, read receipt) takes an item off.
 */
export class Outbox {
  private readonly queues = new Map<string, PeerQueue>();
  private readonly outcomes: OutboxOutcomes;
  private readonly confirmations: TickBatch<Confirmation>;
  private readonly timer = new DueTimer(() => this.onTimer());
  private stopped = false;

  constructor(
    private readonly deps: {
      repo: OutboxRepo;
      transaction: <T>(fn: () => T) => T;
      transport: Pick<PeerTransport, 'isConnected' | 'send'>;
      mailbox: MailboxDrop;
      status: Pick<DeliveryStatus, 'stored' | 'confirmed' | 'announce'>;
      /** The friend exists and nothing holds items back (keys changed). */
      canSend: (peer: string) => boolean;
      limits: Pick<Limits, 'sendAckTimeoutMs' | 'mailboxDepositWaitMs' | 'retryMinMs' | 'retryMaxMs'>;
      log: Logger;
    },
  ) {
    this.outcomes = new OutboxOutcomes(deps);
    this.confirmations = new TickBatch((batch) => this.outcomes.confirmed(batch));
  }

  private get waiters() {
    return this.outcomes.waiters;
  }

  /** Queues an item; call inside the transaction that commits what it belongs to, then `drain` it after the commit. */
  add(item: NewItem): OutboxItem {
    return this.deps.repo.add({
      id: item.id,
      peer: item.peer,
      kind: item.kind,
      body: JSON.stringify(item.body),
      msg_id: item.msgId ?? null,
      next_attempt_at: Date.now() + this.deps.limits.sendAckTimeoutMs,
    });
  }

  /**
   * Drops the unconfirmed items of these kinds that belong to message
   * `msgId`: a newer change, added in the same transaction, carries the
   * whole state they carried. Copies already sent or sealed may still
   * arrive; the receiver keeps the newest.
   */
  replace(msgId: string, kinds: readonly string[]): void {
    this.deps.repo.dropFor(msgId, kinds);
  }

  /**
   * Waits until the item is confirmed, sealed into the mailbox or left
   * waiting for a route: at most the ack and mailbox budgets. Register
   * before the item is committed, so no outcome is missed.
   */
  settle(id: string, peer: string): Promise<Settled> {
    const { sendAckTimeoutMs, mailboxDepositWaitMs } = this.deps.limits;
    return this.waiters.wait(id, peer, sendAckTimeoutMs + mailboxDepositWaitMs);
  }

  /** Stops waiting on an item that was never committed. */
  abandon(id: string): void {
    this.waiters.settle(id, { state: 'pending' });
  }

  /** Runs the friend's queue for items just committed (all of them, in the order added; or none, to read them back). */
  drain(peer: string, committed?: readonly OutboxItem[]): void {
    const q = this.queue(peer);
    if (committed) q.fresh.push(...committed);
    else q.resync = true;
    this.run(peer, false);
  }

  /** A route may have opened (the friend came online, the directory returned, keys were re-verified): try now. */
  wake(peer?: string): void {
    for (const p of peer === undefined ? this.deps.repo.peers() : [peer]) {
      // On a session, items in flight keep their ack deadline; only the other routes need trying at once.
      if (!this.deps.transport.isConnected(p)) this.deps.repo.wake(p);
      this.run(p, true);
    }
  }

  /** A new session: everything unconfirmed goes out on it, sealed items too (mail can expire unread). */
  sessionUp(peer: string): void {
    const q = this.queue(peer);
    q.sentUpTo = 0;
    q.resync = true;
    this.run(peer, true);
  }

  /** The friend confirmed items: by ack (direct) or delivery receipt (offline). Applied once per tick. */
  confirm(peer: string, ids: readonly string[], via: DeliveryMethod): void {
    // After stop the store may be closing; the items stay and the friend confirms them again.
    if (!this.stopped) this.confirmations.push({ peer, ids, via });
  }

  /** Items confirmed by other means (a read receipt) and already off the outbox. */
  confirmedElsewhere(ids: readonly string[]): void {
    for (const id of ids) this.waiters.settle(id, { state: 'confirmed' });
  }

  start(): void {
    this.stopped = false;
    this.timer.start();
    const next = this.deps.repo.nextDueAt();
    if (next !== null) this.timer.at(next);
  }

  stop(): void {
    this.confirmations.flushNow();
    this.stopped = true;
    this.timer.stop();
    this.waiters.close();
  }

  private queue(peer: string): PeerQueue {
    let q = this.queues.get(peer);
    if (!q) this.queues.set(peer, (q = { running: false, again: false, checkDue: false, sentUpTo: 0, fresh: [], resync: true }));
    return q;
  }

  private run(peer: string, checkDue: boolean): void {
    if (this.stopped) return;
    const q = this.queue(peer);
    q.checkDue ||= checkDue;
    if (q.running) {
      q.again = true;
      return;
    }
    q.running = true;
    void this.loop(peer, q);
  }

  /** Passes for one friend, one at a time; the first runs in the caller's tick, so a live send leaves at once. */
  private async loop(peer: string, q: PeerQueue): Promise<void> {
    try {
      do {
        q.again = false;
        const checkDue = q.checkDue;
        q.checkDue = false;
        await this.pass(peer, q, checkDue);
      } while (q.again && !this.stopped);
    } catch (err) {
      this.deps.log.error('outbox pass failed', { peer, err });
      this.timer.at(Date.now() + this.deps.limits.retryMinMs);
    } finally {
      q.running = false;
    }
  }

  private async pass(peer: string, q: PeerQueue, checkDue: boolean): Promise<void> {
    if (!this.deps.canSend(peer)) return this.park(peer);
    const live = this.deps.transport.isConnected(peer);
    if (live) this.sendNew(peer, q);
    // Without a session the store is the truth; the next session reads it back.
    else q.fresh = [];
    // On a session only overdue items need the mailbox, and only a due check finds them.
    if (!live || checkDue) await this.seal(peer, q, live);
  }

  /** Sends every item not yet sent on this session, in order. */
  private sendNew(peer: string, q: PeerQueue): void {
    const ackDue = Date.now() + this.deps.limits.sendAckTimeoutMs;
    if (!q.resync) {
      const items = q.fresh.filter((item) => item.seq > q.sentUpTo);
      q.fresh = [];
      for (const item of items) {
        if (!this.deps.transport.send(peer, frameOf(item))) return;
        q.sentUpTo = item.seq;
      }
      if (items.length > 0) this.timer.at(ackDue);
      return;
    }
    q.resync = false;
    q.fresh = [];
    for (;;) {
      const items = this.deps.repo.after(peer, q.sentUpTo, BATCH);
      let sent = 0;
      while (sent < items.length && this.deps.transport.send(peer, frameOf(defined(items[sent])))) sent += 1;
      if (sent === 0) return;
      const first = defined(items[0]);
      q.sentUpTo = defined(items[sent - 1]).seq;
      // Items queued before this session are overdue already: they get a full ack window from now.
      if (items.slice(0, sent).some((item) => !item.stored && item.next_attempt_at < ackDue)) {
        this.deps.repo.ackDueAt(peer, first.seq, q.sentUpTo, ackDue);
      }
      this.timer.at(ackDue);
      if (sent < items.length || items.length < BATCH) return;
    }
  }

  /**
   * The mailbox, in send order: without a session every unsealed item; on a
   * session those whose ack is overdue (sent again too: the session may have
   * lost them). Stops at the first failure and retries with backoff.
   */
  private async seal(peer: string, q: PeerQueue, live: boolean): Promise<void> {
    const upTo = live ? this.deps.repo.lastDue(peer, Date.now()) : Number.MAX_SAFE_INTEGER;
    if (upTo === null) return;
    const items = this.deps.repo.unstoredUpTo(peer, upTo, BATCH);
    if (items.length === 0) return;
    for (const item of items) {
      if (live) this.deps.transport.send(peer, frameOf(item));
      this.waiters.extend(item.id, this.deps.limits.mailboxDepositWaitMs);
    }
    const storedIds = await this.deps.mailbox.deposit(peer, items).catch((err: unknown) => {
      this.deps.log.warn('mailbox deposit failed', { peer, err });
      return [];
    });
    if (this.stopped) return;
    if (storedIds.length > 0) this.outcomes.stored(peer, storedIds);
    const stored = new Set(storedIds);
    const left = items.filter((item) => !stored.has(item.id));
    if (left.length > 0) {
      const at = Date.now() + backoff(defined(left[0]).attempts + 1, this.deps.limits);
      this.deps.repo.retryLater(peer, upTo, at);
      for (const item of left) this.waiters.settle(item.id, { state: 'pending' });
      this.timer.at(at);
    } else if (items.length === BATCH) {
      q.again = true;
      q.checkDue = true;
    }
  }

  /** Nothing can go to this friend now (not a friend, keys changed): look again much later, or when woken. */
  private park(peer: string): void {
    const until = Date.now() + this.deps.limits.retryMaxMs;
    this.deps.repo.park(peer, until);
    this.waiters.settlePeer(peer);
    this.timer.at(until);
  }

  /** Every step that sets an item's due time also arms the timer for it; this starts the passes then due. */
  private onTimer(): void {
    const now = Date.now();
    try {
      for (const peer of this.deps.repo.duePeers(now)) this.run(peer, true);
      // A sweep for anything no pass scheduled; never sooner than retryMinMs, as due items may be in a pass now.
      const next = this.deps.repo.nextDueAt();
      if (next !== null) this.timer.at(Math.max(next, now + this.deps.limits.retryMinMs));
    } catch (err) {
      this.deps.log.error('outbox timer failed', { err });
      this.timer.at(now + this.deps.limits.retryMinMs);
    }
  }
}
