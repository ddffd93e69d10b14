import type { DeliveryMethod } from '../../../shared/contract.js';
import { errors } from '../errors.js';
import type { ChatContext } from './context.js';
import { toMessage } from './message-view.js';

export interface IncomingMessage {
  msg_id: string;
  timestamp: string;
  text: string;
}

/**
 * The receive pipeline: dedupe by (sender, msg_id), commit, then (for the
 * caller) ack — an ack always follows the commit, never precedes it.
 */
export class Incoming {
  constructor(private readonly ctx: ChatContext) {}

  /** Returns whether the sender may be acked (stored now or before). */
  accept(from: string, message: IncomingMessage, method: DeliveryMethod): boolean {
    const self = this.ctx.username();
    if (!self || !this.ctx.store.friends.get(from)) return false;
    const { outcome, row } = this.ctx.store.messages.insertReceived({
      msg_id: message.msg_id,
      peer: from,
      text: message.text,
      timestamp: message.timestamp,
      delivery_method: method,
    });
    if (outcome === 'conflict') {
      this.ctx.log.warn('refused a message whose id is already used by another', { from, msg_id: message.msg_id });
      return false;
    }
    if (row) this.ctx.bus.emit('new_message', toMessage(row, self));
    return true;
  }

  /** The user has seen everything from `peer` up to `msgId`; tell the peer. */
  markRead(peer: string, msgId: string): void {
    const upTo = this.ctx.store.messages.get(msgId);
    if (!upTo || upTo.peer !== peer || upTo.direction !== 'received') throw errors.messageNotFound(msgId);
    this.ctx.store.messages.markReceivedRead(peer, upTo);
    this.ctx.transport.send(peer, { type: 'read', msg_id: upTo.msg_id });
  }

  /** A new session: repeat the latest read receipt, which may have been missed. */
  resendReadReceipt(peer: string): void {
    const last = this.ctx.store.messages.lastReadReceived(peer);
    if (last) this.ctx.transport.send(peer, { type: 'read', msg_id: last.msg_id });
  }
}
