import type { DeliveryMethod, Direction, MessageStatus } from '../../../shared/contract.js';
import type { Db } from './database.js';

export interface MessageRow {
  id: number;
  msg_id: string;
  peer: string;
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

const COLUMNS = 'id, msg_id, peer, direction, text, timestamp, status, delivery_method, read';

/** History and delivery state of messages; one row per message on this host. */
export class MessagesRepo {
  private readonly stmt;

  constructor(db: Db) {
    this.stmt = {
      insert: db.prepare(
        `INSERT INTO messages (msg_id, peer, direction, text, timestamp, status, delivery_method)
         VALUES (@msg_id, @peer, @direction, @text, @timestamp, @status, @delivery_method)`,
      ),
      byMsgId: db.prepare(`SELECT ${COLUMNS} FROM messages WHERE msg_id = ?`),
      total: db.prepare(`SELECT total FROM peer_totals WHERE peer = ?`),
      // The inner query walks only the (peer, id) index; rows are read for the page alone.
      pageByOffset: db.prepare(
        `SELECT ${COLUMNS} FROM messages WHERE id IN
           (SELECT id FROM messages WHERE peer = ? ORDER BY id DESC LIMIT ? OFFSET ?)
         ORDER BY id ASC`,
      ),
      pageBefore: db.prepare(
        `SELECT ${COLUMNS} FROM messages WHERE peer = ? AND id < ? ORDER BY id DESC LIMIT ?`,
      ),
      lastRead: db.prepare(
        `SELECT ${COLUMNS} FROM messages WHERE peer = ? AND direction = 'received' AND read = 1 ORDER BY id DESC LIMIT 1`,
      ),
      olderExists: db.prepare(`SELECT 1 FROM messages WHERE peer = ? AND id < ? LIMIT 1`),
      delete: db.prepare(`DELETE FROM messages WHERE msg_id = ?`),
      // Status only moves forward: queued → stored → delivered → read.
      setState: db.prepare(
        `UPDATE messages SET status = @status, delivery_method = @method
         WHERE msg_id = @msgId AND (CASE status WHEN 'queued' THEN 0 WHEN 'stored' THEN 1 WHEN 'delivered' THEN 2 ELSE 3 END)
           < (CASE @status WHEN 'queued' THEN 0 WHEN 'stored' THEN 1 WHEN 'delivered' THEN 2 ELSE 3 END)`,
      ),
      readReceived: db.prepare(
        `UPDATE messages SET read = 1
         WHERE peer = ? AND direction = 'received' AND read = 0 AND id <= ? RETURNING msg_id`,
      ),
      readSent: db.prepare(
        `UPDATE messages SET status = 'read'
         WHERE peer = ? AND direction = 'sent' AND status != 'read' AND id <= ? RETURNING ${COLUMNS}`,
      ),
    };
  }

  insertSent(row: { msg_id: string; peer: string; text: string; timestamp: string }): MessageRow {
    const info = this.stmt.insert.run({ ...row, direction: 'sent', status: 'queued', delivery_method: 'offline' });
    return { id: Number(info.lastInsertRowid), ...row, direction: 'sent', status: 'queued', delivery_method: 'offline', read: 1 };
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
    const info = this.stmt.insert.run({ ...row, direction: 'received', status: 'delivered' });
    return {
      outcome: 'inserted',
      row: { id: Number(info.lastInsertRowid), ...row, direction: 'received', status: 'delivered', read: 0 },
    };
  }

  get(msgId: string): MessageRow | undefined {
    return this.stmt.byMsgId.get(msgId) as MessageRow | undefined;
  }

  total(peer: string): number {
    return (this.stmt.total.get(peer) as { total: number } | undefined)?.total ?? 0;
  }

  /** Offset 0 is the newest `limit` messages; rows come oldest first. */
  pageByOffset(peer: string, limit: number, offset: number): HistoryPage {
    const rows = this.stmt.pageByOffset.all(peer, limit, offset) as MessageRow[];
    const total = this.total(peer);
    return { rows, total, hasMore: offset + rows.length < total };
  }

  /** The `limit` messages just older than `before`, oldest first. */
  pageBefore(peer: string, limit: number, before: MessageRow): HistoryPage {
    const rows = (this.stmt.pageBefore.all(peer, before.id, limit) as MessageRow[]).reverse();
    const oldest = rows[0];
    const hasMore = oldest ? this.stmt.olderExists.get(peer, oldest.id) !== undefined : false;
    return { rows, total: this.total(peer), hasMore };
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
    return (this.stmt.readReceived.all(peer, upTo.id) as { msg_id: string }[]).map((r) => r.msg_id);
  }

  /** Applies a read receipt: our messages to `peer` up to `upTo` are read. */
  markSentRead(peer: string, upTo: MessageRow): MessageRow[] {
    return this.stmt.readSent.all(peer, upTo.id) as MessageRow[];
  }

  /** The newest received message from `peer` marked read, to repeat the receipt. */
  lastReadReceived(peer: string): MessageRow | undefined {
    return this.stmt.lastRead.get(peer) as MessageRow | undefined;
  }
}
