import type { Message, MessageStatusEvent, SendResult } from '../../../shared/contract.js';
import { isDelivered, isRead, sendResultStatus } from '../../../shared/message-status.js';
import type { ReactionEntry } from '../store/message-changes-repo.js';
import type { MessageRow, StatusChange } from '../store/messages-repo.js';

/** A stored row in the contract's shape, seen from `self`, with its reactions; attachments are filled in by `withAttachments`. */
export function toMessage(row: MessageRow, self: string, reactions: readonly ReactionEntry[] = []): Message {
  const sent = row.direction === 'sent';
  return {
    msg_id: row.msg_id,
    from: sent ? self : row.peer,
    to: sent ? row.peer : self,
    text: row.text,
    timestamp: row.timestamp,
    direction: row.direction,
    delivered: isDelivered(row.status),
    delivery_method: row.delivery_method,
    status: row.status,
    read: sent ? isRead(row.status) : row.read,
    reply_to: row.reply_to,
    edited_at: row.edited_at,
    deleted: row.deleted,
    reactions: reactions.map((r) => ({ emoji: r.emoji, from: r.mine ? self : row.peer })),
    attachments: [],
  };
}

export function toStatusEvent(change: StatusChange): MessageStatusEvent {
  return {
    msg_id: change.msg_id,
    peer: change.peer,
    delivered: isDelivered(change.status),
    delivery_method: change.delivery_method,
    status: change.status,
  };
}

export function toSendResult(state: StatusChange): SendResult {
  return {
    msg_id: state.msg_id,
    delivered: isDelivered(state.status),
    delivery_method: state.delivery_method,
    status: sendResultStatus(state.status),
  };
}
