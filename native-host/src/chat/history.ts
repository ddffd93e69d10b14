import type { MessagesResponse } from '../../../shared/contract.js';
import { errors } from '../errors.js';
import type { AttachmentsRepo } from '../store/attachments-repo.js';
import type { MessagesRepo } from '../store/messages-repo.js';
import { withAttachments } from './attachments/attachment-view.js';
import type { Contacts } from './contacts.js';
import { toMessage } from './message-view.js';

/** An offset page, or a keyset page next to an anchor message: just older, just newer, or around it. */
export type HistoryQuery = { limit: number; offset: number } | { limit: number; anchor: string; side: 'before' | 'after' | 'around' };

/** Reading and deleting stored conversations. */
export class History {
  constructor(
    private readonly deps: {
      messages: Pick<MessagesRepo, 'get' | 'pageBefore' | 'pageAfter' | 'pageAround' | 'pageByOffset' | 'delete'>;
      contacts: Pick<Contacts, 'require'>;
      attachments: Pick<AttachmentsRepo, 'forMessages'>;
      self: () => string | null;
    },
  ) {}

  page(peer: string, query: HistoryQuery): MessagesResponse {
    this.deps.contacts.require(peer);
    const self = this.deps.self() ?? '';
    const repo = this.deps.messages;
    let page;
    if ('anchor' in query) {
      const anchor = repo.get(query.anchor);
      if (!anchor || anchor.peer !== peer) throw errors.badRequest(`Unknown message '${query.anchor.slice(0, 64)}' for ${query.side}=`);
      if (query.side === 'before') page = repo.pageBefore(peer, query.limit, anchor);
      else if (query.side === 'after') page = repo.pageAfter(peer, query.limit, anchor);
      else page = repo.pageAround(peer, query.limit, anchor);
    } else {
      page = repo.pageByOffset(peer, query.limit, query.offset);
    }
    const messages = withAttachments(page.rows.map((row) => toMessage(row, self)), this.deps.attachments);
    return { messages, total: page.total, has_more: page.hasMore, newer: page.newer };
  }

  delete(msgId: string): void {
    if (!this.deps.messages.delete(msgId)) throw errors.messageNotFound(msgId);
  }
}
