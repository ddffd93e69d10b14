import type { Db, SqliteRow } from './database.js';
import { MESSAGE_COLUMNS, toRow, type MessageRow } from './messages-repo.js';
import { matchExpression, type SearchTerm } from './search-query.js';

export interface SearchPage {
  rows: MessageRow[];
  hasMore: boolean;
}

const columns = MESSAGE_COLUMNS.split(', ')
  .map((c) => `m.${c}`)
  .join(', ');

/**
 * Full-text search over the history of current friends, newest first (the
 * order messages reached this host, which is the order chats show them).
 * The index (message_search) is kept by triggers; this only reads it.
 */
export class SearchRepo {
  private readonly stmt;

  constructor(db: Db) {
    // FTS5 walks its matches by descending rowid and takes the rowid bound
    // itself, so a page costs its own rows, however deep it is.
    const query = (peerFilter: boolean) =>
      db.prepare(
        `SELECT ${columns} FROM message_search s JOIN messages m ON m.id = s.rowid
         WHERE message_search MATCH @match AND s.rowid < @before
           ${peerFilter ? 'AND m.peer = @peer' : 'AND m.peer IN (SELECT username FROM friends)'}
         ORDER BY s.rowid DESC LIMIT @limit`,
      );
    this.stmt = { all: query(false), peer: query(true) };
  }

  /**
   * The `limit` newest matches older than the row `beforeId` (all when
   * omitted), across all friends' chats or, with `peer`, one chat.
   */
  search(terms: SearchTerm[], opts: { peer?: string; beforeId?: number; limit: number }): SearchPage {
    const body = matchExpression(terms);
    const params = {
      match: opts.peer === undefined ? body : `{peer} : "${Buffer.from(opts.peer).toString('hex')}" AND ${body}`,
      before: opts.beforeId ?? Number.MAX_SAFE_INTEGER,
      limit: opts.limit + 1,
      ...(opts.peer === undefined ? {} : { peer: opts.peer }),
    };
    const rows = ((opts.peer === undefined ? this.stmt.all : this.stmt.peer).all(params) as SqliteRow<MessageRow>[]).map(toRow);
    const hasMore = rows.length > opts.limit;
    return { rows: hasMore ? rows.slice(0, opts.limit) : rows, hasMore };
  }
}
