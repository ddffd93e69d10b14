import type { DeliveryMethod, Direction, MessageStatus } from '../../../shared/contract.js';
import { MESSAGE_STATUSES, statusesBefore } from '../../../shared/message-status.js';
import type { Db, SqliteRow } from './database.js';
import { defined } from '../../../shared/defined.js';

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
  /** Received messages: the user has seen it. Sent messages use status `read` instead. */
  read: boolean;
  /** The msg_id this one replies to, as its author sent it. */
  reply_to: string | null;
  edited_at: string | null;
  /** The author's count of edits: a change with a higher count replaces the text. */
  edit_version: number;
  /** Deleted for everyone: the text is empty. */
  deleted: boolean;
}

/** A sent message whose delivery state just moved. */
export type StatusChange = Pick<MessageRow, 'msg_id' | 'peer' | 'status' | 'delivery_method'>;

export interface HistoryPage {
  rows: MessageRow[];
  total: number;
  /** Older messages exist beyond this page. */
  hasMore: boolean;
  /** How many messages are newer than this page. */
  newer: number;
}

/** `deleted`: the user deleted this (sender, msg_id) here before; it is not stored again. */
export type ReceiveOutcome = 'inserted' | 'duplicate' | 'deleted' | 'conflict';

/** A message as its author wrote it. */
export interface NewMessage {
  msg_id: string;
  peer: string;
  text: string;
  timestamp: string;
  reply_to?: string | null;
}

export const MESSAGE_COLUMNS =
  'id, msg_id, peer, seq, direction, text, timestamp, status, delivery_method, read, reply_to, edited_at, edit_version, deleted';
/** What a new message row holds beyond what its insert sets. */
const FRESH = { edited_at: null, edit_version: 0, deleted: false } as const;
const json = (values: readonly string[]) => JSON.stringify(values);
/** For each status, the statuses before it, as the JSON array the SQL reads. */
const BEFORE = Object.fromEntries(MESSAGE_STATUSES.map((s) => [s, json(statusesBefore(s))])) as Record<MessageStatus, string>;
/** Statuses a message has before it is sealed anywhere: reaching the friend from there is "direct". */
const UNSEALED = BEFORE.stored;

/** History and delivery state of messages; one row per message on this host. */
export class MessagesRepo {
  private readonly stmt;

  constructor(db: Db) {
    this.stmt = {
      // A message deleted here never comes back (deleted_messages, see migrations.ts).
      insert: db.prepare(
        `INSERT INTO messages (msg_id, peer, seq, direction, text, timestamp, status, delivery_method, reply_to)
         SELECT @msg_id, @peer, coalesce((SELECT last_seq FROM peer_totals WHERE peer = @peer), 0) + 1,
                @direction, @text, @timestamp, @status, @delivery_method, @reply_to
         WHERE NOT EXISTS (SELECT 1 FROM deleted_messages WHERE peer = @peer AND msg_id = @msg_id)
         ON CONFLICT (msg_id) DO NOTHING
         RETURNING id, seq`,
      ),
      byMsgId: db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE msg_id = ?`),
      totals: db.prepare(`SELECT total, last_seq FROM peer_totals WHERE peer = ?`),
      holesFrom: db.prepare(`SELECT count(*) AS n FROM history_holes WHERE peer = ? AND seq >= ?`),
      firstFrom: db.prepare(`SELECT min(seq) AS seq FROM messages WHERE peer = ? AND seq >= ?`),
      pageUpTo: db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE peer = ? AND seq <= ? ORDER BY seq DESC LIMIT ?`),
      pageBefore: db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE peer = ? AND seq < ? ORDER BY seq DESC LIMIT ?`),
      pageAfter: db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE peer = ? AND seq > ? ORDER BY seq LIMIT ?`),
      lastRead: db.prepare(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE peer = ? AND direction = 'received' AND read = 1 ORDER BY seq DESC LIMIT 1`,
      ),
      olderExists: db.prepare(`SELECT 1 FROM messages WHERE peer = ? AND seq < ? LIMIT 1`),
      delete: db.prepare(`DELETE FROM messages WHERE msg_id = ?`),
      // Status only moves forward (shared/message-status.ts): @from lists the states before @to.
      // `+peer` keeps SQLite on the msg_id index: the peer index would walk the whole conversation.
      advance: db.prepare(
        `UPDATE messages SET status = @to,
           delivery_method = iif(status IN (SELECT value FROM json_each(@unsealed)), @via, delivery_method)
         WHERE msg_id IN (SELECT value FROM json_each(@ids)) AND +peer = @peer AND direction = 'sent'
           AND status IN (SELECT value FROM json_each(@from))
         RETURNING msg_id, peer, status, delivery_method`,
      ),
      readReceived: db.prepare(
        `UPDATE messages SET read = 1
         WHERE peer = ? AND direction = 'received' AND read = 0 AND seq <= ? RETURNING msg_id`,
      ),
      readSent: db.prepare(
        `UPDATE messages SET status = @to
         WHERE peer = @peer AND direction = 'sent' AND status IN (SELECT value FROM json_each(@from)) AND seq <= @seq
         RETURNING msg_id, peer, status, delivery_method`,
      ),
    };
  }

  insertSent(input: NewMessage): MessageRow {
    const row = { reply_to: null, ...input };
    const inserted = this.stmt.insert.get({ ...row, direction: 'sent', status: 'queued', delivery_method: 'offline' }) as
      | Pick<MessageRow, 'id' | 'seq'>
      | undefined;
    if (!inserted) throw new Error(`msg_id ${row.msg_id} already used`);
    return { ...FRESH, ...inserted, ...row, direction: 'sent', status: 'queued', delivery_method: 'offline', read: true };
  }

  /**
   * Stores a received message once. A retry of the same (sender, msg_id) is
   * a duplicate, and so is one the user deleted here (`deleted`); the same
   * msg_id from anyone else is a conflict and is refused.
   */
  insertReceived(input: NewMessage & { delivery_method: DeliveryMethod }): { outcome: ReceiveOutcome; row?: MessageRow } {
    const row = { reply_to: null, ...input };
    // The new message is the common case: insert first, look only when the id was taken.
    const inserted = this.stmt.insert.get({ ...row, direction: 'received', status: 'delivered' }) as Pick<MessageRow, 'id' | 'seq'> | undefined;
    if (inserted) return { outcome: 'inserted', row: { ...FRESH, ...inserted, ...row, direction: 'received', status: 'delivered', read: false } };
    const existing = this.get(row.msg_id);
    if (!existing) return { outcome: 'deleted' };
    const same = existing.peer === row.peer && existing.direction === 'received';
    return { outcome: same ? 'duplicate' : 'conflict' };
  }

  get(msgId: string): MessageRow | undefined {
    const raw = this.stmt.byMsgId.get(msgId) as SqliteRow<MessageRow> | undefined;
    return raw && toRow(raw);
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
    if (offset >= total) return { rows: [], total, hasMore: false, newer: total };
    // The (offset+1)-th newest message has the smallest seq `from` such that
    // [from, lastSeq] holds offset+1 messages: lastSeq - from + 1 minus the holes in it.
    let from = lastSeq - offset;
    for (;;) {
      const next = lastSeq - offset - (this.stmt.holesFrom.get(peer, from) as { n: number }).n;
      if (next === from) break;
      from = next;
    }
    const top = (this.stmt.firstFrom.get(peer, from) as { seq: number }).seq;
    const rows = (this.stmt.pageUpTo.all(peer, top, limit) as SqliteRow<MessageRow>[]).map(toRow).reverse();
    return { rows, total, hasMore: offset + rows.length < total, newer: offset };
  }

  /** The `limit` messages just older than `before`, oldest first. */
  pageBefore(peer: string, limit: number, before: MessageRow): HistoryPage {
    return this.page(peer, this.older(peer, before.seq, limit), before.seq);
  }

  /** The `limit` messages just newer than `after`, oldest first. */
  pageAfter(peer: string, limit: number, after: MessageRow): HistoryPage {
    return this.page(peer, (this.stmt.pageAfter.all(peer, after.seq, limit) as SqliteRow<MessageRow>[]).map(toRow), after.seq + 1);
  }

  /**
   * `anchor` with the messages around it, oldest first: up to half the page
   * older, the rest newer; when one side runs short the other fills in.
   */
  pageAround(peer: string, limit: number, anchor: MessageRow): HistoryPage {
    let older = this.older(peer, anchor.seq, Math.floor((limit - 1) / 2));
    const newer = (this.stmt.pageAfter.all(peer, anchor.seq, limit - 1 - older.length) as SqliteRow<MessageRow>[]).map(toRow);
    const room = limit - 1 - older.length - newer.length;
    if (room > 0 && older.length > 0) older = [...this.older(peer, defined(older[0]).seq, room), ...older];
    return this.page(peer, [...older, anchor, ...newer], anchor.seq);
  }

  /** Up to `limit` messages just older than `seq`, oldest first. */
  private older(peer: string, seq: number, limit: number): MessageRow[] {
    return limit > 0 ? (this.stmt.pageBefore.all(peer, seq, limit) as SqliteRow<MessageRow>[]).map(toRow).reverse() : [];
  }

  /** A keyset page's answer; `emptyFrom` is where newer messages start when there are no rows. */
  private page(peer: string, rows: MessageRow[], emptyFrom: number): HistoryPage {
    const oldest = rows[0];
    const newest = rows.at(-1);
    return {
      rows,
      total: this.total(peer),
      hasMore: this.stmt.olderExists.get(peer, oldest ? oldest.seq : emptyFrom) !== undefined,
      newer: this.countFrom(peer, newest ? newest.seq + 1 : emptyFrom),
    };
  }

  /** How many messages with `peer` have a seq of at least `seq`, from the counters, without a scan. */
  private countFrom(peer: string, seq: number): number {
    const { last_seq: lastSeq } = this.totals(peer);
    if (seq > lastSeq) return 0;
    return lastSeq - seq + 1 - (this.stmt.holesFrom.get(peer, seq) as { n: number }).n;
  }

  private totals(peer: string): { total: number; last_seq: number } {
    return (this.stmt.totals.get(peer) as { total: number; last_seq: number } | undefined) ?? { total: 0, last_seq: 0 };
  }

  /** Deletes a message for good: its id is kept (deleted_messages) so it is never stored again. */
  delete(msgId: string): boolean {
    return this.stmt.delete.run(msgId).changes > 0;
  }

  /**
   * Moves sent messages to `peer` forward to `status`, reached by `via`; a
   * late or repeated report never moves one back. A message already sealed
   * into the mailbox keeps "offline". Returns the messages that moved.
   */
  advance(peer: string, msgIds: readonly string[], status: MessageStatus, via: DeliveryMethod): StatusChange[] {
    if (msgIds.length === 0) return [];
    return this.stmt.advance.all({ to: status, from: BEFORE[status], unsealed: UNSEALED, via, ids: json(msgIds), peer }) as StatusChange[];
  }

  /** Marks received messages from `peer` up to and including `upTo` read. */
  markReceivedRead(peer: string, upTo: MessageRow): string[] {
    return (this.stmt.readReceived.all(peer, upTo.seq) as { msg_id: string }[]).map((r) => r.msg_id);
  }

  /** Applies a read receipt: our messages to `peer` up to `upTo` are read. Returns those that moved. */
  markSentRead(peer: string, upTo: MessageRow): StatusChange[] {
    return this.stmt.readSent.all({ to: 'read', from: BEFORE.read, peer, seq: upTo.seq }) as StatusChange[];
  }

  /** The newest received message from `peer` marked read, to repeat the receipt. */
  lastReadReceived(peer: string): MessageRow | undefined {
    const raw = this.stmt.lastRead.get(peer) as SqliteRow<MessageRow> | undefined;
    return raw && toRow(raw);
  }
}

/** A row as SQLite returns it (read as 0/1) in the domain's shape; for every query that selects MESSAGE_COLUMNS. */
export function toRow(raw: SqliteRow<MessageRow>): MessageRow {
  return { ...raw, read: raw.read === 1, deleted: raw.deleted === 1 };
}
