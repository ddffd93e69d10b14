import type { ConversationSummary } from '../../../shared/contract.js';
import type { AttachmentsRepo } from '../store/attachments-repo.js';
import type { ConversationsRepo } from '../store/conversations-repo.js';
import { withAttachments } from './attachments/attachment-view.js';
import { toMessage } from './message-view.js';

/** The contact list's view of every chat: newest message, unread count, size. */
export class Conversations {
  constructor(
    private readonly deps: {
      conversations: Pick<ConversationsRepo, 'all'>;
      attachments: Pick<AttachmentsRepo, 'forMessages'>;
      username: () => string | null;
    },
  ) {}

  list(): ConversationSummary[] {
    const self = this.deps.username() ?? '';
    const rows = this.deps.conversations.all();
    const last = withAttachments(rows.flatMap((row) => (row.last ? [toMessage(row.last, self)] : [])), this.deps.attachments);
    const byId = new Map(last.map((m) => [m.msg_id, m]));
    return rows.map((row) => ({
      peer: row.peer,
      last_message: row.last ? byId.get(row.last.msg_id)! : null,
      unread: row.unread,
      total: row.total,
    }));
  }
}
