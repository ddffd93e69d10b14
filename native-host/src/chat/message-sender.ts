import { randomUUID } from 'node:crypto';
import type { SendResult } from '../../../shared/contract.js';
import type { Limits } from '../config/limits.js';
import { errors } from '../errors.js';
import type { MessagesRepo } from '../store/messages-repo.js';
import type { Contacts } from './contacts.js';
import { MESSAGE_KIND, type MessageBody } from './message-item.js';
import { toSendResult } from './message-view.js';
import type { Outbox } from './outbox.js';

/**
 * POST /messages: validate, commit the message and its outbox item together
 * (so a 201 is never lost; messages sent in the same tick share the commit),
 * start the friend's queue, and answer with the state the message reached
 * within the ack and mailbox budgets.
 */
export class MessageSender {
  constructor(
    private readonly deps: {
      messages: Pick<MessagesRepo, 'insertSent' | 'get'>;
      outbox: Pick<Outbox, 'add' | 'settle' | 'abandon' | 'drain'>;
      contacts: Pick<Contacts, 'require'>;
      commit: <T>(write: () => T) => Promise<T>;
      self: () => string | null;
      limits: Pick<Limits, 'maxTextLength'>;
    },
  ) {}

  /** Sends `text` to `to`, as a reply to `replyTo` (a message of that chat) when given. */
  async send(to: string, text: string, replyTo?: string): Promise<SendResult> {
    if (!this.deps.self()) throw errors.notSetUp();
    this.deps.contacts.require(to);
    requireText(text, this.deps.limits);
    if (replyTo !== undefined) this.requireReplyTarget(to, replyTo);
    const msgId = randomUUID();
    const body: MessageBody = { timestamp: new Date().toISOString(), text, ...(replyTo === undefined ? {} : { reply_to: replyTo }) };
    // Waiting starts before the commit: a pass started by another send of the same tick may settle it.
    const settled = this.deps.outbox.settle(msgId, to);
    let committed;
    try {
      committed = await this.deps.commit(() => ({
        row: this.deps.messages.insertSent({ msg_id: msgId, peer: to, ...body }),
        item: this.deps.outbox.add({ id: msgId, peer: to, kind: MESSAGE_KIND, body: { ...body }, msgId }),
      }));
    } catch (err) {
      this.deps.outbox.abandon(msgId);
      throw err;
    }
    const { row, item } = committed;
    this.deps.outbox.drain(to, [item]);
    const { change } = await settled;
    // Without a change in hand (still waiting, or it moved by other means) the stored row says where it is.
    return toSendResult(change ?? this.deps.messages.get(msgId) ?? row);
  }

  /** A reply quotes a message of the same chat that still has its text. */
  private requireReplyTarget(to: string, replyTo: string): void {
    const target = this.deps.messages.get(replyTo);
    if (!target || target.peer !== to) throw errors.messageNotFound(replyTo);
    if (target.deleted) throw errors.messageDeleted(replyTo);
  }
}

/** Message text as every write checks it: not blank, not over the limit. */
export function requireText(text: string, limits: Pick<Limits, 'maxTextLength'>): void {
  if (text.trim().length === 0) throw errors.textEmpty();
  if (text.length > limits.maxTextLength) throw errors.textTooLong(limits.maxTextLength);
}
