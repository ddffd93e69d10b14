import { randomUUID } from 'node:crypto';
import type { SendResult } from '../../../shared/contract.js';
import { errors } from '../errors.js';
import type { MessageRow } from '../store/messages-repo.js';
import type { ChatContext } from './context.js';
import type { Contacts } from './contacts.js';
import { toStatusEvent } from './message-view.js';

/** Hands a message the peer could not take directly to the offline mailbox. */
export interface MailboxDrop {
  /** True when the sealed message is stored in the friend's mailbox. */
  deposit(row: MessageRow): Promise<boolean>;
}

const RETRY_BATCH = 200;

/**
 * The send pipeline. A message is committed as `queued` (with an outbox
 * entry) before anything else, so a 201 is never lost. Then: a live session
 * and an ack within `sendAckTimeoutMs` → delivered/direct; otherwise the
 * mailbox → stored; otherwise it stays queued and is retried with backoff,
 * and at once when the friend comes online or the directory returns.
 */
export class Outgoing {
  private readonly waiters = new Map<string, () => void>();
  private retryTimer: NodeJS.Timeout | undefined;
  private retryAt = 0;
  private flushing = false;

  constructor(
    private readonly ctx: ChatContext,
    private readonly contacts: Contacts,
    private readonly mailbox: MailboxDrop,
  ) {}

  async send(to: string, text: string): Promise<SendResult> {
    if (!this.ctx.username()) throw errors.notSetUp();
    const friend = this.contacts.require(to);
    if (text.trim().length === 0) throw errors.textEmpty();
    if (text.length > this.ctx.limits.maxTextLength) throw errors.textTooLong(this.ctx.limits.maxTextLength);
    const row = this.ctx.store.transaction(() => {
      const inserted = this.ctx.store.messages.insertSent({
        msg_id: randomUUID(),
        peer: to,
        text,
        timestamp: new Date().toISOString(),
      });
      this.ctx.store.outbox.add(inserted.msg_id, to, Date.now() + this.ctx.limits.retryMinMs);
      return inserted;
    });
    // The retry loop goes idle when the outbox empties: every new message re-arms it,
    // so one whose ack is lost is tried again even if nothing else happens.
    this.schedule(this.ctx.limits.retryMinMs);
    // A friend with changed keys gets nothing until re-verified. Without a
    // session, messages still queued for the friend go first, so the mailbox
    // gets the conversation in order; on a session they are already in flight.
    if (!this.contacts.isHeld(friend)) {
      const offlineBacklog = !this.ctx.transport.isConnected(to) && this.ctx.store.outbox.queuedCount(to, 2) > 1;
      await (offlineBacklog ? this.retryPeer(to) : this.deliver(row));
    }
    const now = this.ctx.store.messages.get(row.msg_id) ?? row;
    return {
      msg_id: row.msg_id,
      delivered: now.status === 'delivered' || now.status === 'read',
      delivery_method: now.delivery_method,
      status: now.status === 'read' ? 'delivered' : now.status,
    };
  }

  /**
   * One attempt: the live session (waiting for the ack), else the mailbox.
   * A slow directory never holds the API long: the deposit carries on in
   * the background and its outcome arrives as a message_status event.
   */
  private async deliver(row: MessageRow): Promise<void> {
    if (this.sendDirect(row) && (await this.waitForAck(row.msg_id))) return;
    if (!this.ctx.store.outbox.get(row.msg_id)) return;
    const deposited = this.mailbox.deposit(row).then((stored) => {
      if (stored) this.transition(row.msg_id, 'stored', 'offline');
    });
    await Promise.race([deposited, delay(this.ctx.limits.mailboxDepositWaitMs)]);
  }

  private sendDirect(row: MessageRow): boolean {
    return this.ctx.transport.send(row.peer, { type: 'message', msg_id: row.msg_id, timestamp: row.timestamp, text: row.text });
  }

  private waitForAck(msgId: string): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(msgId);
        resolve(false);
      }, this.ctx.limits.sendAckTimeoutMs);
      this.waiters.set(msgId, () => {
        clearTimeout(timer);
        this.waiters.delete(msgId);
        resolve(true);
      });
    });
  }

  /** The peer committed our message. */
  onAck(peer: string, msgId: string): void {
    const row = this.ctx.store.messages.get(msgId);
    if (!row || row.peer !== peer || row.direction !== 'sent') return;
    // A message that already went through the mailbox stays "offline".
    this.transition(msgId, 'delivered', row.status === 'queued' ? 'direct' : row.delivery_method);
    this.waiters.get(msgId)?.();
  }

  /** The peer committed messages it took from the mailbox. */
  onReceipt(peer: string, msgIds: string[]): void {
    for (const msgId of msgIds) {
      const row = this.ctx.store.messages.get(msgId);
      if (row && row.peer === peer && row.direction === 'sent') this.transition(msgId, 'delivered', row.delivery_method);
    }
  }

  /** Read receipt: everything we sent up to msgId has been seen. */
  onRead(peer: string, msgId: string): void {
    const upTo = this.ctx.store.messages.get(msgId);
    if (!upTo || upTo.peer !== peer || upTo.direction !== 'sent') return;
    const changed = this.ctx.store.transaction(() => {
      const rows = this.ctx.store.messages.markSentRead(peer, upTo);
      for (const row of rows) this.ctx.store.outbox.remove(row.msg_id);
      return rows;
    });
    for (const row of changed) this.ctx.bus.emit('message_status', toStatusEvent(row));
  }

  /** Records progress; only a confirmed delivery takes a message off the outbox. */
  private transition(msgId: string, status: 'delivered' | 'stored', method: 'direct' | 'offline'): void {
    const changed = this.ctx.store.transaction(() => {
      if (status === 'delivered') this.ctx.store.outbox.remove(msgId);
      return this.ctx.store.messages.setState(msgId, status, method);
    });
    const row = changed ? this.ctx.store.messages.get(msgId) : undefined;
    if (row) this.ctx.bus.emit('message_status', toStatusEvent(row));
  }

  /**
   * A session to `peer` came up: send everything unconfirmed in order, acks
   * arrive on their own. That includes mail left in the mailbox: a delivery
   * receipt can be lost with a connection, and mail can expire unread. The
   * receiver deduplicates and acks either way.
   */
  flushPeer(peer: string): void {
    const friend = this.ctx.store.friends.get(peer);
    if (!friend || this.contacts.isHeld(friend)) return;
    for (const entry of this.ctx.store.outbox.forPeer(peer, RETRY_BATCH)) {
      const row = this.ctx.store.messages.get(entry.msg_id);
      if (row) this.sendDirect(row);
    }
  }

  /** Makes everything queued due now (friend online, directory back). */
  wake(peer?: string): void {
    this.ctx.store.outbox.wake(peer);
    this.schedule(0);
  }

  start(): void {
    this.schedule(0);
  }

  stop(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    for (const resolve of this.waiters.values()) resolve();
  }

  /** Arms the retry timer for `delayMs` from now, unless it is already due sooner. */
  private schedule(delayMs: number): void {
    const at = Date.now() + Math.max(0, delayMs);
    if (this.retryTimer !== undefined && this.retryAt <= at) return;
    clearTimeout(this.retryTimer);
    this.retryAt = at;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.retryDue();
    }, at - Date.now());
    this.retryTimer.unref();
  }

  private async retryDue(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      for (const peer of this.ctx.store.outbox.duePeers(Date.now())) await this.retryPeer(peer);
    } catch (err) {
      this.ctx.log.error('outbox retry failed', { err });
    } finally {
      this.flushing = false;
      const next = this.ctx.store.outbox.nextDueAt();
      if (next !== null) this.schedule(Math.min(next - Date.now(), this.ctx.limits.retryMaxMs));
    }
  }

  /**
   * Retries a friend's whole queue in send order, so a conversation never
   * arrives out of order; stops at the first message that cannot be handed on.
   */
  private async retryPeer(peer: string): Promise<void> {
    const friend = this.ctx.store.friends.get(peer);
    const entries = this.ctx.store.outbox.forPeer(peer, RETRY_BATCH);
    this.ctx.log.debug('retrying unconfirmed messages', { peer, count: entries.length, session: this.ctx.transport.isConnected(peer) });
    for (const entry of entries) {
      const row = this.ctx.store.messages.get(entry.msg_id);
      this.ctx.store.outbox.reschedule(entry.msg_id, Date.now() + this.backoff(entry.attempts + 1));
      if (!row || !friend || this.contacts.isHeld(friend)) continue;
      // Retries don't wait for acks: they arrive on their own and a missing
      // one just means another attempt after the backoff.
      if (this.sendDirect(row) || row.status === 'stored') continue;
      if (!(await this.mailbox.deposit(row))) return;
      this.transition(row.msg_id, 'stored', 'offline');
    }
  }

  /** Exponential, capped, with jitter so many queued messages don't retry in lockstep. */
  private backoff(attempts: number): number {
    const { retryMinMs, retryMaxMs } = this.ctx.limits;
    const base = Math.min(retryMaxMs, retryMinMs * 2 ** Math.min(attempts, 20));
    return Math.round(base * (0.75 + Math.random() * 0.5));
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
