import type { Db, SqliteRow } from './database.js';
import { MESSAGE_COLUMNS, toRow, type MessageRow } from './messages-repo.js';

export interface ConversationRow {
  peer: string;
  total: number;
  unread: number;
  last: MessageRow | null;
}

const lastColumns = MESSAGE_COLUMNS.split(', ')
  .map((c) => `m.${c} AS last_${c}`)
  .join(', ');

/**
 * One line per friend for the contact list: the newest message, the unread
 * count and the size of the chat, in one query. Each part is an index
 * lookup (peer_totals for the newest seq and the total, the partial unread
 * index for the count), so thousands of friends cost milliseconds, not a
 * request each.
 */
export class ConversationsRepo {
  private readonly stmt;

  constructor(db: Db) {
    this.stmt = db.prepare(
      `SELECT f.username AS peer, coalesce(t.total, 0) AS total,
              (SELECT count(*) FROM messages u WHERE u.peer = f.username AND u.direction = 'received' AND u.read = 0) AS unread,
              ${lastColumns}
       FROM friends f
       LEFT JOIN peer_totals t ON t.peer = f.username
       LEFT JOIN messages m ON m.id = (SELECT id FROM messages WHERE peer = f.username ORDER BY seq DESC LIMIT 1)
       ORDER BY f.username`,
    );
  }

  all(): ConversationRow[] {
    return (this.stmt.all() as Array<Record<string, unknown>>).map((r) => {
      const last: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(r)) if (key.startsWith('last_')) last[key.slice(5)] = value;
      return { peer: r.peer as string, total: r.total as number, unread: r.unread as number, last: last.msg_id ? toRow(last as unknown as SqliteRow<MessageRow>) : null };
    });
  }
}
