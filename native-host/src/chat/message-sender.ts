import { randomUUID } from 'node:crypto';
import type { SendResult } from '../../../shared/contract.js';
import type { Limits } from '../config/limits.js';
import { errors } from '../errors.js';
import type { MessagesRepo } from '../store/messages-repo.js';
import type { Contacts } from './contacts.js';
import { MESSAGE_KIND, type MessageBody } from './message-item.js';
import { textProblem } from './message-text.js';
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

  async send(to: string, text: string): Promise<SendResult> {
    if (!this.deps.self()) throw errors.notSetUp();
    this.deps.contacts.require(to);
    const problem = textProblem(text, this.deps.limits.maxTextLength);
    if (problem) throw problem;
    const msgId = randomUUID();
    const body: MessageBody = { timestamp: new Date().toISOString(), text };
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
}
