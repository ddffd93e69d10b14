import type { DeliveryMethod, Direction, MessageStatus } from '../../../shared/contract.js';
import type { Db } from './database.js';

export interface MessageRow {
  id: number;
  msg_id: string;
  peer: string;
  seq: number;
  direction: Direction;
  text: string;
  timestamp: string;
  status: MessageStatus;
  delivery_method: DeliveryMethod;
  read: number;
}

export interface HistoryPage {
  rows: MessageRow[];
  total: number;
  hasMore: boolean;
}

export type ReceiveOutcome = 'inserted' | 'duplicate' | 'conflict';

const COLUMNS = 'id, msg_id, peer, seq, direction, text, timestamp, status, delivery_method, read';

/** History and delivery state of messages; one row per message on this host. */
export class MessagesRepo {
  private readonly stmt;

  constructor(db: Db) {
    this.stmt = {
      insert: db.prepare(
        `INSERT INTO messages (msg_id, peer, seq, direction, text, timestamp, status, delivery_method)
         VALUES (@msg_id, @peer, coalesce((SELECT last_seq FROM peer_totals WHERE peer = @peer), 0) + 1,
                 @direction, @text, @timestamp, @status, @delivery_method)
         RETURNING id, seq`,
      ),
      byMsgId: db.prepare(`SELECT ${COLUMNS} FROM messages WHERE msg_id = ?`),
      totals: db.prepare(`SELECT total, last_seq FROM peer_totals WHERE peer = ?`),
      holesFrom: db.prepare(`SELECT count(*) AS n FROM history_holes WHERE peer = ? AND seq >= ?`),
      firstFrom: db.prepare(`SELECT min(seq) AS seq FROM messages WHERE peer = ? AND seq >= ?`),
      pageUpTo: db.prepare(`SELECT ${COLUMNS} FROM messages WHERE peer = ? AND seq <= ? ORDER BY seq DESC LIMIT ?`),
      pageBefore: db.prepare(`SELECT ${COLUMNS} FROM messages WHERE peer = ? AND seq < ? ORDER BY seq DESC LIMIT ?`),
      lastRead: db.prepare(
        `SELECT ${COLUMNS} FROM messages WHERE peer = ? AND direction = 'received' AND read = 1 ORDER BY seq DESC LIMIT 1`,
      ),
      olderExists: db.prepare(`SELECT 1 FROM messages WHERE peer = ? AND seq < ? LIMIT 1`),
      delete: db.prepare(`DELETE FROM messages WHERE msg_id = ?`),
      // Status only moves forward: queued → stored → delivered → read.
      setState: db.prepare(
        `UPDATE messages SET status = @status, delivery_method = @method
         WHERE msg_id = @msgId AND (CASE status WHEN 'queued' THEN 0 WHEN 'stored' THEN 1 WHEN 'delivered' THEN 2 ELSE 3 END)
           < (CASE @status WHEN 'queued' THEN 0 WHEN 'stored' THEN 1 WHEN 'delivered' THEN 2 ELSE 3 END)`,
      ),
      readReceived: db.prepare(
        `UPDATE messages SET read = 1
         WHERE peer = ? AND direction = 'received' AND read = 0 AND seq <= ? RETURNING msg_id`,
      ),
      readSent: db.prepare(
        `UPDATE messages SET status = 'read'
         WHERE peer = ? AND direction = 'sent' AND status != 'read' AND seq <= ? RETURNING ${COLUMNS}`,
      ),
    };
  }

  insertSent(row: { msg_id: string; peer: string; text: string; timestamp: string }): MessageRow {
    const { id, seq } = this.stmt.insert.get({ ...row, direction: 'sent', status: 'queued', delivery_method: 'offline' }) as Pick<MessageRow, 'id' | 'seq'>;
    return { id, seq, ...row, direction: 'sent', status: 'queued', delivery_method: 'offline', read: 1 };
  }

  /**
   * Stores a received message once. A retry of the same (sender, msg_id) is
   * a duplicate; the same msg_id from anyone else is a conflict and is refused.
   */
  insertReceived(row: {
    msg_id: string;
    peer: string;
    text: string;
    timestamp: string;
    delivery_method: DeliveryMethod;
  }): { outcome: ReceiveOutcome; row?: MessageRow } {
    const existing = this.get(row.msg_id);
    if (existing) {
      const same = existing.peer === row.peer && existing.direction === 'received';
      return { outcome: same ? 'duplicate' : 'conflict' };
    }
    const { id, seq } = this.stmt.insert.get({ ...row, direction: 'received', status: 'delivered' }) as Pick<MessageRow, 'id' | 'seq'>;
    return { outcome: 'inserted', row: { id, seq, ...row, direction: 'received', status: 'delivered', read: 0 } };
  }

  get(msgId: string): MessageRow | undefined {
    return this.stmt.byMsgId.get(msgId) as MessageRow | undefined;
  }

  total(peer: string): number {
    return this.totals(peer).total;
  }

  /**
   * Offset 0 is the newest `limit` messages; rows come oldest first. The
   * page's newest message is found from seq and the deletion holes above it,
   * never by stepping over the `offset` messages in between.
   */
  pageByOffset(peer: string, limit: number, offset: number): HistoryPage {
    const { total, last_seq: lastSeq } = this.totals(peer);
    if (offset >= total) return { rows: [], total, hasMore: false };
    // The (offset+1)-th newest message has the smallest seq `from` such that
    // [from, lastSeq] holds offset+1 messages: lastSeq - from + 1 minus the holes in it.
    let from = lastSeq - offset;
    for (;;) {
      const next = lastSeq - offset - (this.stmt.holesFrom.get(peer, from) as { n: number }).n;
      if (next === from) break;
      from = next;
    }
    const top = (this.stmt.firstFrom.get(peer, from) as { seq: number }).seq;
    const rows = (this.stmt.pageUpTo.all(peer, top, limit) as MessageRow[]).reverse();
    return { rows, total, hasMore: offset + rows.length < total };
  }

  /** The `limit` messages just older than `before`, oldest first. */
  pageBefore(peer: string, limit: number, before: MessageRow): HistoryPage {
    const rows = (this.stmt.pageBefore.all(peer, before.seq, limit) as MessageRow[]).reverse();
    const oldest = rows[0];
    const hasMore = oldest ? this.stmt.olderExists.get(peer, oldest.seq) !== undefined : false;
    return { rows, total: this.total(peer), hasMore };
  }

  private totals(peer: string): { total: number; last_seq: number } {
    return (this.stmt.totals.get(peer) as { total: number; last_seq: number } | undefined) ?? { total: 0, last_seq: 0 };
  }

  delete(msgId: string): boolean {
    return this.stmt.delete.run(msgId).changes > 0;
  }

  /** Moves a sent message forward; a late or repeated report never moves it back. */
  setState(msgId: string, status: MessageStatus, method: DeliveryMethod): boolean {
    return this.stmt.setState.run({ status, method, msgId }).changes > 0;
  }

  /** Marks received messages from `peer` up to and including `upTo` read. */
  markReceivedRead(peer: string, upTo: MessageRow): string[] {
    return (this.stmt.readReceived.all(peer, upTo.seq) as { msg_id: string }[]).map((r) => r.msg_id);
  }

  /** Applies a read receipt: our messages to `peer` up to `upTo` are read. */
  markSentRead(peer: string, upTo: MessageRow): MessageRow[] {
    return this.stmt.readSent.all(peer, upTo.seq) as MessageRow[];
  }

  /** The newest received message from `peer` marked read, to repeat the receipt. */
  lastReadReceived(peer: string): MessageRow | undefined {
    return this.stmt.lastRead.get(peer) as MessageRow | undefined;
  }
}
