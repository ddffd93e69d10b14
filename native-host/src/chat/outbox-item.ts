import type { ItemFrame } from '../peer/peer-protocol.js';
import type { OutboxItem } from '../store/outbox-repo.js';

/** A new item for the outbox: a peer frame the friend must confirm. */
export interface NewItem {
  id: string;
  peer: string;
  kind: string;
  body: Record<string, unknown>;
  /** The chat message this item is or belongs to; deleting the message drops the item. */
  msgId?: string;
}

/** Seals outbox items into a friend's mailbox. */
export interface MailboxDrop {
  /**
   * Seals and stores `items` in order and returns the ids now in the
   * mailbox. Stops at the first failure (a later item must not overtake an
   * earlier one); skips an item too large for an envelope (it waits for a session).
   */
  deposit(peer: string, items: readonly OutboxItem[]): Promise<string[]>;
}

/** The frame an item travels as, on a session or sealed in an envelope: the same bytes either way. */
export function frameOf(item: Pick<OutboxItem, 'id' | 'kind' | 'body'>): ItemFrame {
  return { type: 'item', id: item.id, kind: item.kind, body: JSON.parse(item.body) as Record<string, unknown> };
}
