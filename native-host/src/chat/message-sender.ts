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
 * POST /messages: validate, commit the message and its outbox item in one
 * transaction (so a 201 is never lost), start the friend's queue, and answer
 * with the state the message reached within the ack and mailbox budgets.
 */
export class MessageSender {
  constructor(
    private readonly deps: {
      messages: Pick<MessagesRepo, 'insertSent' | 'get'>;
      outbox: Pick<Outbox, 'add' | 'settle' | 'drain'>;
      contacts: Pick<Contacts, 'require'>;
      transaction: <T>(fn: () => T) => T;
      self: () => string | null;
      limits: Pick<Limits, 'maxTextLength'>;
    },
  ) {}

  async send(to: string, text: string): Promise<SendResult> {
    if (!this.deps.self()) throw errors.notSetUp();
    this.deps.contacts.require(to);
    if (text.trim().length === 0) throw errors.textEmpty();
    if (text.length > this.deps.limits.maxTextLength) throw errors.textTooLong(this.deps.limits.maxTextLength);
    const msgId = randomUUID();
    const body: MessageBody = { timestamp: new Date().toISOString(), text };
    const row = this.deps.transaction(() => {
      const row = this.deps.messages.insertSent({ msg_id: msgId, peer: to, ...body });
      this.deps.outbox.add({ id: msgId, peer: to, kind: MESSAGE_KIND, body: { ...body }, msgId });
      return row;
    });
    const settled = this.deps.outbox.settle(msgId, to);
    this.deps.outbox.drain(to);
    const { change } = await settled;
    // Without a change in hand (still waiting, or it moved by other means) the stored row says where it is.
    return toSendResult(change ?? this.deps.messages.get(msgId) ?? row);
  }
}
