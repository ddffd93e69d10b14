import type { SearchResponse } from '../../../shared/contract.js';
import type { Limits } from '../config/limits.js';
import { errors } from '../errors.js';
import type { AttachmentsRepo } from '../store/attachments-repo.js';
import type { FriendsRepo } from '../store/friends-repo.js';
import type { MessagesRepo } from '../store/messages-repo.js';
import { matchRanges, parseSearchQuery } from '../store/search-query.js';
import type { SearchRepo } from '../store/search-repo.js';
import { withAttachments } from './attachments/attachment-view.js';
import { toMessage } from './message-view.js';

export interface SearchQuery {
  q: string;
  peer?: string;
  limit: number;
  before?: string;
}

/** Searching the history: all friends' chats or one, newest first, matches highlighted. */
export class MessageSearch {
  constructor(
    private readonly deps: {
      search: SearchRepo;
      messages: Pick<MessagesRepo, 'get'>;
      friends: Pick<FriendsRepo, 'get'>;
      attachments: Pick<AttachmentsRepo, 'forMessages'>;
      limits: Pick<Limits, 'maxSearchQueryLength' | 'maxSearchTerms'>;
      username: () => string | null;
    },
  ) {}

  search(query: SearchQuery): SearchResponse {
    const { deps } = this;
    if (query.peer !== undefined && !deps.friends.get(query.peer)) throw errors.notAFriend(query.peer);
    const terms = parseSearchQuery(query.q, { maxLength: deps.limits.maxSearchQueryLength, maxTerms: deps.limits.maxSearchTerms });
    let beforeId: number | undefined;
    if (query.before !== undefined) {
      const anchor = deps.messages.get(query.before);
      if (!anchor || (query.peer !== undefined && anchor.peer !== query.peer)) {
        throw errors.badRequest(`Unknown message '${query.before.slice(0, 64)}' for before=`);
      }
      beforeId = anchor.id;
    }
    const page = deps.search.search(terms, { peer: query.peer, beforeId, limit: query.limit });
    const self = deps.username() ?? '';
    return {
      messages: withAttachments(
        page.rows.map((row) => ({ ...toMessage(row, self), highlights: matchRanges(row.text, terms) })),
        deps.attachments,
      ),
      has_more: page.hasMore,
    };
  }
}
