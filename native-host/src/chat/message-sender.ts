import { randomUUID } from 'node:crypto';
import type { SendResult } from '../../../shared/contract.js';
import type { Limits } from '../config/limits.js';
import { errors } from '../errors.js';
import type { MessagesRepo } from '../store/messages-repo.js';
import type { OutgoingAttachments } from './attachments/offers.js';
import type { Contacts } from './contacts.js';
import { MESSAGE_KIND, type MessageBody } from './message-item.js';
import { requireText } from './message-text.js';
import { toSendResult } from './message-view.js';
import type { Outbox } from './outbox.js';

/** What a message may carry besides its text. */
export interface SendOptions {
  /** The msg_id of a message of the same chat it answers. */
  replyTo?: string;
  /** Ids of uploaded attachments; the text may be empty when there are some. */
  attachments?: readonly string[];
}

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
      attachments: Pick<OutgoingAttachments, 'check' | 'attach'>;
      commit: <T>(write: () => T) => Promise<T>;
      self: () => string | null;
      limits: Pick<Limits, 'maxTextLength'>;
    },
  ) {}

  /** Sends text, attachments (uploaded before, by id) or both; as a reply to `replyTo` (a message of that chat) when given. */
  async send(to: string, text: string, options: SendOptions = {}): Promise<SendResult> {
    const { replyTo, attachments: attachmentIds = [] } = options;
    if (!this.deps.self()) throw errors.notSetUp();
    this.deps.contacts.require(to);
    requireText(text, this.deps.limits.maxTextLength, attachmentIds.length > 0);
    if (replyTo !== undefined) this.requireReplyTarget(to, replyTo);
    const uploads = this.deps.attachments.check(attachmentIds);
    const msgId = randomUUID();
    const body: MessageBody = { timestamp: new Date().toISOString(), text, ...(replyTo === undefined ? {} : { reply_to: replyTo }) };
    // Waiting starts before the commit: a pass started by another send of the same tick may settle it.
    const settled = this.deps.outbox.settle(msgId, to);
    let committed;
    try {
      committed = await this.deps.commit(() => {
        const row = this.deps.messages.insertSent({ msg_id: msgId, peer: to, ...body });
        // The offers ride in the message item; small files' parts follow it, in the same commit.
        const { offers, parts } = uploads.length > 0 ? this.deps.attachments.attach(uploads, to, msgId) : { offers: [], parts: [] };
        const sent: MessageBody = offers.length > 0 ? { ...body, attachments: offers } : { ...body };
        const items = [this.deps.outbox.add({ id: msgId, peer: to, kind: MESSAGE_KIND, body: { ...sent }, msgId }), ...parts.map((p) => this.deps.outbox.add(p))];
        return { row, items };
      });
    } catch (err) {
      this.deps.outbox.abandon(msgId);
      throw err;
    }
    const { row, items } = committed;
    this.deps.outbox.drain(to, items);
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
