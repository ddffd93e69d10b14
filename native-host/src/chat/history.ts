import type { MessagesResponse } from '../../../shared/contract.js';
import { errors } from '../errors.js';
import type { MessagesRepo } from '../store/messages-repo.js';
import type { Contacts } from './contacts.js';
import { toMessage } from './message-view.js';

export type HistoryQuery = { limit: number; offset: number; before?: undefined } | { limit: number; before: string };

/** Reading and deleting stored conversations. */
export class History {
  constructor(
    private readonly deps: {
      messages: Pick<MessagesRepo, 'get' | 'pageBefore' | 'pageByOffset' | 'delete'>;
      contacts: Pick<Contacts, 'require'>;
      self: () => string | null;
    },
  ) {}

  page(peer: string, query: HistoryQuery): MessagesResponse {
    this.deps.contacts.require(peer);
    const self = this.deps.self() ?? '';
    const repo = this.deps.messages;
    let page;
    if (query.before !== undefined) {
      const anchor = repo.get(query.before);
      if (!anchor || anchor.peer !== peer) throw errors.badRequest(`Unknown message '${query.before.slice(0, 64)}' for before=`);
      page = repo.pageBefore(peer, query.limit, anchor);
    } else {
      page = repo.pageByOffset(peer, query.limit, query.offset);
    }
    return { messages: page.rows.map((row) => toMessage(row, self)), total: page.total, has_more: page.hasMore };
  }

  delete(msgId: string): void {
    if (!this.deps.messages.delete(msgId)) throw errors.messageNotFound(msgId);
  }
}
