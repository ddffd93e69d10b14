import type { ConversationSummary } from '../../../shared/contract.js';
import type { ConversationsRepo } from '../store/conversations-repo.js';
import type { MessageViews } from './message-views.js';
import { defined } from '../../../shared/defined.js';

/** The contact list's view of every chat: newest message, unread count, size. */
export class Conversations {
  constructor(
    private readonly deps: {
      conversations: Pick<ConversationsRepo, 'all'>;
      views: Pick<MessageViews, 'many'>;
    },
  ) {}

  list(): ConversationSummary[] {
    const rows = this.deps.conversations.all();
    const lasts = this.deps.views.many(rows.flatMap((row) => (row.last ? [row.last] : [])));
    const byId = new Map(lasts.map((message) => [message.msg_id, message]));
    return rows.map((row) => ({
      peer: row.peer,
      last_message: row.last ? defined(byId.get(row.last.msg_id)) : null,
      unread: row.unread,
      total: row.total,
    }));
  }
}
