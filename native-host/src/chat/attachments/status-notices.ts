import { randomUUID } from 'node:crypto';
import type { OutboxItem } from '../../store/outbox-repo.js';
import type { Outbox } from '../outbox.js';
import type { FailureCode } from './attachment-view.js';

/** The item kind that tells a friend where an attachment stands. */
export const ATTACHMENT_STATUS_KIND = 'attachment-status';

/**
 * What one host tells the other about an attachment. The receiver says
 * `received` (verified and kept) or `refused` (with why); the sender says
 * `canceled` (it withdrew the file) or `offered` (it offers it again).
 */
export type AttachmentStatus = 'received' | 'refused' | 'canceled' | 'offered';

export interface StatusBody {
  attachment_id: string;
  status: AttachmentStatus;
  reason?: FailureCode;
}

/**
 * Sends attachment statuses as outbox items: they must arrive, live or
 * through the mailbox, like the message they belong to.
 */
export class StatusNotices {
  constructor(
    private readonly deps: {
      outbox: Pick<Outbox, 'add' | 'drain'>;
      transaction: <T>(fn: () => T) => T;
    },
  ) {}

  /** Queues a status inside the caller's transaction; `drain` the item after the commit. */
  add(peer: string, body: StatusBody): OutboxItem {
    return this.deps.outbox.add({ id: randomUUID(), peer, kind: ATTACHMENT_STATUS_KIND, body: { ...body } });
  }

  /** Hands items queued in a committed transaction to the friend's queue. */
  drain(peer: string, items: readonly OutboxItem[]): void {
    if (items.length > 0) this.deps.outbox.drain(peer, items);
  }
}
