import type { AttachmentState } from '../../../shared/contract.js';
import type { Db } from './database.js';

/** How an attachment's bytes travel: sealed parts after its message (small files), or pulled over a session. */
export type AttachmentVia = 'mailbox' | 'session';

export interface AttachmentRow {
  attachment_id: string;
  direction: 'sent' | 'received';
  /** The friend it goes to or came from; null for an upload not sent yet. */
  peer: string | null;
  msg_id: string | null;
  position: number;
  /** BLAKE2b-256 of the content, hex. */
  hash: string;
  name: string;
  size: number;
  mime: string;
  state: AttachmentState;
  received_bytes: number;
  via: AttachmentVia;
  /** A failure code (chat/attachments/attachment-view.ts); null unless failed. */
  error: string | null;
  created_at: number;
}

export type NewReceived = Pick<AttachmentRow, 'attachment_id' | 'peer' | 'msg_id' | 'position' | 'hash' | 'name' | 'size' | 'mime' | 'via'> &
  Partial<Pick<AttachmentRow, 'state' | 'received_bytes' | 'error'>>;

const COLUMNS = 'attachment_id, direction, peer, msg_id, position, hash, name, size, mime, state, received_bytes, via, error, created_at';

/** Attachment records and the parts of small ones still coming in. The bytes are in AttachmentFiles. */
export class AttachmentsRepo {
  private readonly stmt;

  constructor(db: Db) {
    this.stmt = {
      insert: db.prepare(
        `INSERT INTO attachments (${COLUMNS})
         VALUES (@attachment_id, @direction, @peer, @msg_id, @position, @hash, @name, @size, @mime, @state, @received_bytes, @via, @error, @created_at)
         ON CONFLICT (attachment_id) DO NOTHING`,
      ),
      get: db.prepare(`SELECT ${COLUMNS} FROM attachments WHERE attachment_id = ?`),
      forMessages: db.prepare(
        `SELECT ${COLUMNS} FROM attachments WHERE msg_id IN (SELECT value FROM json_each(?)) ORDER BY msg_id, position`,
      ),
      attach: db.prepare(
        `UPDATE attachments SET peer = @peer, msg_id = @msg_id, position = @position, state = 'sending', received_bytes = 0, via = @via
         WHERE attachment_id = @attachment_id AND direction = 'sent' AND msg_id IS NULL`,
      ),
      update: db.prepare(
        `UPDATE attachments SET state = @state, received_bytes = @received_bytes, error = @error, via = @via WHERE attachment_id = @attachment_id`,
      ),
      progress: db.prepare(`UPDATE attachments SET received_bytes = ? WHERE attachment_id = ? AND state IN ('sending', 'receiving')`),
      receiving: db.prepare(
        `SELECT ${COLUMNS} FROM attachments WHERE peer = ? AND state = 'receiving' AND via = 'session' ORDER BY created_at, msg_id, position`,
      ),
      receivingPeers: db.prepare(`SELECT DISTINCT peer FROM attachments WHERE state = 'receiving' AND via = 'session'`),
      // Room the store uses: each stored file once, and the full size of every file still coming in.
      usage: db.prepare(
        `SELECT coalesce((SELECT sum(size) FROM (SELECT max(size) AS size FROM attachments
                  WHERE direction = 'sent' OR state = 'available' GROUP BY hash)), 0)
              + coalesce((SELECT sum(size) FROM attachments WHERE state = 'receiving'), 0) AS bytes`,
      ),
      stored: db.prepare(`SELECT 1 FROM attachments WHERE hash = ? AND (direction = 'sent' OR state = 'available') LIMIT 1`),
      storedHashes: db.prepare(`SELECT DISTINCT hash FROM attachments WHERE direction = 'sent' OR state = 'available'`),
      receivingIds: db.prepare(`SELECT attachment_id FROM attachments WHERE state = 'receiving'`),
      unsent: db.prepare(`SELECT attachment_id FROM attachments WHERE direction = 'sent' AND msg_id IS NULL AND created_at < ?`),
      delete: db.prepare(`DELETE FROM attachments WHERE attachment_id = ?`),
      addPart: db.prepare(`INSERT INTO attachment_parts (attachment_id, start, data) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`),
      parts: db.prepare(`SELECT start, data FROM attachment_parts WHERE attachment_id = ? ORDER BY start`),
      partSpans: db.prepare(`SELECT start, length(data) AS length FROM attachment_parts WHERE attachment_id = ? ORDER BY start`),
      dropParts: db.prepare(`DELETE FROM attachment_parts WHERE attachment_id = ?`),
    };
  }

  /** A new upload, not on any message yet. */
  insertUpload(row: Pick<AttachmentRow, 'attachment_id' | 'hash' | 'name' | 'size' | 'mime'>, now = Date.now()): AttachmentRow {
    const full: AttachmentRow = {
      ...row,
      direction: 'sent',
      peer: null,
      msg_id: null,
      position: 0,
      state: 'available',
      received_bytes: row.size,
      via: 'session',
      error: null,
      created_at: now,
    };
    this.stmt.insert.run(full);
    return full;
  }

  /** A friend's offer, as it arrived with their message; false when the id is taken already. */
  insertReceived(row: NewReceived, now = Date.now()): boolean {
    const full: AttachmentRow = {
      state: 'receiving',
      received_bytes: 0,
      error: null,
      ...row,
      direction: 'received',
      created_at: now,
    };
    return this.stmt.insert.run(full).changes > 0;
  }

  get(id: string): AttachmentRow | undefined {
    return this.stmt.get.get(id) as AttachmentRow | undefined;
  }

  /** The attachments of these messages, in each message's order. */
  forMessages(msgIds: readonly string[]): AttachmentRow[] {
    if (msgIds.length === 0) return [];
    return this.stmt.forMessages.all(JSON.stringify(msgIds)) as AttachmentRow[];
  }

  /** Puts an upload on a message to `peer`; false when it is on a message already. */
  attach(id: string, peer: string, msgId: string, position: number, via: AttachmentVia): boolean {
    return this.stmt.attach.run({ attachment_id: id, peer, msg_id: msgId, position, via }).changes > 0;
  }

  /** Sets where an attachment stands. */
  update(row: Pick<AttachmentRow, 'attachment_id' | 'state' | 'received_bytes' | 'error' | 'via'>): void {
    this.stmt.update.run(row);
  }

  /** Records progress of a transfer still under way. */
  progress(id: string, receivedBytes: number): void {
    this.stmt.progress.run(receivedBytes, id);
  }

  /** The friend's attachments we still pull over a session, oldest first. */
  receivingFrom(peer: string): AttachmentRow[] {
    return this.stmt.receiving.all(peer) as AttachmentRow[];
  }

  /** Friends we still pull attachments from. */
  receivingPeers(): string[] {
    return (this.stmt.receivingPeers.all() as { peer: string }[]).map((r) => r.peer);
  }

  /** Bytes the store holds or holds room for: each stored file once, plus files still coming in. */
  usage(): number {
    return (this.stmt.usage.get() as { bytes: number }).bytes;
  }

  /** Whether some attachment keeps a file with this hash in the store. */
  isStored(hash: string): boolean {
    return this.stmt.stored.get(hash) !== undefined;
  }

  /** Every hash whose file the store must keep. */
  storedHashes(): Set<string> {
    return new Set((this.stmt.storedHashes.all() as { hash: string }[]).map((r) => r.hash));
  }

  /** Ids of attachments still coming in (their partial files are kept). */
  receivingIds(): Set<string> {
    return new Set((this.stmt.receivingIds.all() as { attachment_id: string }[]).map((r) => r.attachment_id));
  }

  /** Uploads never sent with a message, made before `before`. */
  unsentBefore(before: number): string[] {
    return (this.stmt.unsent.all(before) as { attachment_id: string }[]).map((r) => r.attachment_id);
  }

  delete(id: string): boolean {
    return this.stmt.delete.run(id).changes > 0;
  }

  /** Keeps one part of a small attachment (the same part again changes nothing). */
  addPart(id: string, start: number, data: Uint8Array): void {
    this.stmt.addPart.run(id, start, data);
  }

  /** Where the parts received so far start and how long each is, in order. */
  partSpans(id: string): Array<{ start: number; length: number }> {
    return this.stmt.partSpans.all(id) as Array<{ start: number; length: number }>;
  }

  /** Every part received, in order. */
  parts(id: string): Array<{ start: number; data: Uint8Array }> {
    return this.stmt.parts.all(id) as Array<{ start: number; data: Uint8Array }>;
  }

  dropParts(id: string): void {
    this.stmt.dropParts.run(id);
  }
}
