import type { Message, MessageStatus, SendResult } from './contract.js';

/**
 * The delivery states of a sent message, in the order a message reaches
 * them. The host's SQL, the host's chat layer and the extension all read the
 * order from here; nothing else spells it out.
 *
 * queued: committed here, nowhere else yet · stored: sealed in the friend's
 * mailbox · delivered: the friend's host committed it · read: the friend saw it.
 * A received message is `delivered` from the start; its `read` flag is ours.
 */
export const MESSAGE_STATUSES = ['queued', 'stored', 'delivered', 'read'] as const satisfies readonly MessageStatus[];

// Fails to compile if contract.ts gains a status this list does not place.
const everyStatusPlaced: Exclude<MessageStatus, (typeof MESSAGE_STATUSES)[number]> extends never ? true : never = true;
void everyStatusPlaced;

/** Where `status` stands in the order: 0 for `queued`. */
export function statusRank(status: MessageStatus): number {
  return MESSAGE_STATUSES.indexOf(status);
}

/** The later of two states: a late or repeated report never moves a message back. */
export function maxStatus(a: MessageStatus, b: MessageStatus): MessageStatus {
  return statusRank(a) >= statusRank(b) ? a : b;
}

/** The states a message may move from to reach `status` (those before it). */
export function statusesBefore(status: MessageStatus): MessageStatus[] {
  return MESSAGE_STATUSES.slice(0, statusRank(status));
}

/** The friend's host has the message (delivered or read). */
export function isDelivered(status: MessageStatus): boolean {
  return statusRank(status) >= statusRank('delivered');
}

/** The friend has seen our message. */
export function isRead(status: MessageStatus): boolean {
  return statusRank(status) >= statusRank('read');
}

/** A message from a friend that the user has not seen yet. */
export function isUnread(message: Pick<Message, 'direction' | 'read'>): boolean {
  return message.direction === 'received' && !message.read;
}

/** The status a send answers with: `SendResult` has no `read`, a message read before the answer counts as delivered. */
export function sendResultStatus(status: MessageStatus): SendResult['status'] {
  return status === 'read' ? 'delivered' : status;
}
