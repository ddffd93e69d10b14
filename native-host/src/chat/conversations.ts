import type { ConversationSummary } from '../../../shared/contract.js';
import type { ConversationsRepo } from '../store/conversations-repo.js';
import { toMessage } from './message-view.js';

/** The contact list's view of every chat: newest message, unread count, size. */
export class Conversations {
  constructor(
    private readonly deps: {
      conversations: Pick<ConversationsRepo, 'all'>;
      username: () => string | null;
    },
  ) {}

  list(): ConversationSummary[] {
    const self = this.deps.username() ?? '';
    return this.deps.conversations.all().map((row) => ({
      peer: row.peer,
      last_message: row.last ? toMessage(row.last, self) : null,
      unread: row.unread,
      total: row.total,
    }));
  }
}
