import type { Message, MessageStatusEvent } from '../../../shared/contract.js';
import type { MessageRow } from '../store/messages-repo.js';

/** A stored row in the contract's shape, seen from `self`. */
export function toMessage(row: MessageRow, self: string): Message {
  const sent = row.direction === 'sent';
  return {
    msg_id: row.msg_id,
    from: sent ? self : row.peer,
    to: sent ? row.peer : self,
    text: row.text,
    timestamp: row.timestamp,
    direction: row.direction,
    delivered: row.status === 'delivered' || row.status === 'read',
    delivery_method: row.delivery_method,
    status: row.status,
    read: sent ? row.status === 'read' : row.read === 1,
  };
}

export function toStatusEvent(row: Pick<MessageRow, 'msg_id' | 'peer' | 'status' | 'delivery_method'>): MessageStatusEvent {
  return {
    msg_id: row.msg_id,
    peer: row.peer,
    delivered: row.status === 'delivered' || row.status === 'read',
    delivery_method: row.delivery_method,
    status: row.status,
  };
}
