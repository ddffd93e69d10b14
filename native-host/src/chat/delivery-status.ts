import type { DeliveryMethod } from '../../../shared/contract.js';
import type { MessagesRepo, StatusChange } from '../store/messages-repo.js';
import type { ConfirmedItem, OutboxItem, OutboxRepo } from '../store/outbox-repo.js';
import type { EventBus } from './event-bus.js';
import { MESSAGE_KIND } from './message-item.js';
import { toStatusEvent } from './message-view.js';

/**
 * The user-visible delivery state of sent chat messages (other item kinds
 * have none). The outbox reports its steps here inside its own
 * transactions; the changes are announced, one `message_status` per message,
 * once those commit.
 */
export class DeliveryStatus {
  constructor(
    private readonly deps: {
      messages: Pick<MessagesRepo, 'advance' | 'get' | 'markSentRead'>;
      outbox: Pick<OutboxRepo, 'confirm'>;
      transaction: <T>(fn: () => T) => T;
      bus: EventBus;
    },
  ) {}

  /** Inside a transaction: these items were sealed into the friend's mailbox. */
  stored(peer: string, items: readonly OutboxItem[]): StatusChange[] {
    return this.deps.messages.advance(peer, messageIds(items), 'stored', 'offline');
  }

  /** Inside a transaction: the friend confirmed these items, by ack (direct) or delivery receipt (offline). */
  confirmed(peer: string, items: readonly ConfirmedItem[], via: DeliveryMethod): StatusChange[] {
    return this.deps.messages.advance(peer, messageIds(items), 'delivered', via);
  }

  /**
   * Read receipt: every message we sent to `peer` up to `msgId` was seen.
   * That confirms them too; returns the ids it took off the outbox.
   */
  read(peer: string, msgId: string): string[] {
    const upTo = this.deps.messages.get(msgId);
    if (!upTo || upTo.peer !== peer || upTo.direction !== 'sent') return [];
    const { changes, confirmed } = this.deps.transaction(() => {
      const changes = this.deps.messages.markSentRead(peer, upTo);
      return { changes, confirmed: this.deps.outbox.confirm(peer, changes.map((c) => c.msg_id)) };
    });
    this.announce(changes);
    return confirmed.map((item) => item.id);
  }

  /** After the commit: one event per message, its latest state. */
  announce(changes: readonly StatusChange[]): void {
    const latest = new Map(changes.map((change) => [change.msg_id, change]));
    for (const change of latest.values()) this.deps.bus.emit('message_status', toStatusEvent(change));
  }
}

function messageIds(items: ReadonlyArray<Pick<OutboxItem, 'id' | 'kind'>>): string[] {
  return items.filter((item) => item.kind === MESSAGE_KIND).map((item) => item.id);
}
