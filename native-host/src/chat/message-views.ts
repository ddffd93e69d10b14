import type { Message } from '../../../shared/contract.js';
import type { AttachmentsRepo } from '../store/attachments-repo.js';
import type { MessageChangesRepo } from '../store/message-changes-repo.js';
import type { MessageRow, MessagesRepo } from '../store/messages-repo.js';
import type { EventBus } from './event-bus.js';
import { withAttachments } from './attachments/attachment-view.js';
import { toMessage } from './message-view.js';
import { defined } from '../../../shared/defined.js';

/**
 * Stored messages in the contract's shape, reactions and attachments
 * included (one query each for a whole page), and the `message_updated`
 * event for a changed one.
 */
export class MessageViews {
  private readonly pending = new Set<string>();

  constructor(
    private readonly deps: {
      messages: Pick<MessagesRepo, 'get'>;
      reactions: Pick<MessageChangesRepo, 'reactionsOf'>;
      attachments: Pick<AttachmentsRepo, 'forMessages'>;
      bus: EventBus;
      self: () => string | null;
    },
  ) {}

  one(row: MessageRow): Message {
    return defined(this.many([row])[0]);
  }

  many(rows: readonly MessageRow[]): Message[] {
    const self = this.deps.self() ?? '';
    const reactions = this.deps.reactions.reactionsOf(rows.map((row) => row.id));
    return withAttachments(
      rows.map((row) => toMessage(row, self, reactions.get(row.id))),
      this.deps.attachments,
    );
  }

  /**
   * After the commit of a change: the message as it now stands, to every
   * client. Changes to one message announced together (a batch of items
   * committed at once) make one event.
   */
  updated(msgId: string): void {
    if (this.pending.size === 0) queueMicrotask(() => this.flush());
    this.pending.add(msgId);
  }

  private flush(): void {
    const ids = [...this.pending];
    this.pending.clear();
    for (const msgId of ids) {
      const row = this.deps.messages.get(msgId);
      if (row) this.deps.bus.emit('message_updated', this.one(row));
    }
  }
}
