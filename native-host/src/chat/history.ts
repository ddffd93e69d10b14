import type { MessagesResponse } from '../../../shared/contract.js';
import { errors } from '../errors.js';
import type { ChatContext } from './context.js';
import type { Contacts } from './contacts.js';
import { toMessage } from './message-view.js';

export type HistoryQuery = { limit: number; offset: number; before?: undefined } | { limit: number; before: string };

/** Reading and deleting stored conversations. */
export class History {
  constructor(
    private readonly ctx: ChatContext,
    private readonly contacts: Contacts,
  ) {}

  page(peer: string, query: HistoryQuery): MessagesResponse {
    this.contacts.require(peer);
    const self = this.ctx.username() ?? '';
    const repo = this.ctx.store.messages;
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
    if (!this.ctx.store.messages.delete(msgId)) throw errors.messageNotFound(msgId);
  }
}
