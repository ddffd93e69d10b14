import type { Db, SqliteRow } from './database.js';

/** A peer frame waiting for the friend's confirmation. */
export interface OutboxItem {
  /** Send order: a friend's items leave in this order. Never reused while the host runs. */
  seq: number;
  id: string;
  peer: string;
  kind: string;
  /** The frame's body as JSON text, exactly as it goes out. */
  body: string;
  /** The chat message this item is, or belongs to. */
  msg_id: string | null;
  /** Sealed into the friend's mailbox already. */
  stored: boolean;
  attempts: number;
  next_attempt_at: number;
}

export type NewOutboxItem = Pick<OutboxItem, 'id' | 'peer' | 'kind' | 'body' | 'msg_id' | 'next_attempt_at'>;

/** What a confirmation took off the outbox. */
export type ConfirmedItem = Pick<OutboxItem, 'id' | 'kind' | 'stored'>;

const COLUMNS = 'seq, id, peer, kind, body, msg_id, stored, attempts, next_attempt_at';

/**
 * The outbox: every item the friend has not confirmed, queued or sealed into
 * the mailbox. Seqs are handed out here, above every seq in the table: only
 * this process writes the profile (the data dir lock), so a seq is never
 * reused while it runs, even once the outbox empties — the drain loop's
 * "sent up to seq N" relies on that.
 */
export class OutboxRepo {
  private readonly stmt;
  private lastSeq: number;

  constructor(db: Db) {
    this.stmt = {
      add: db.prepare(
        `INSERT INTO outbox_items (peer, seq, id, kind, body, msg_id, next_attempt_at)
         VALUES (@peer, @seq, @id, @kind, @body, @msg_id, @next_attempt_at)`,
      ),
      after: db.prepare(`SELECT ${COLUMNS} FROM outbox_items WHERE peer = ? AND seq > ? ORDER BY seq LIMIT ?`),
      unstoredUpTo: db.prepare(
        `SELECT ${COLUMNS} FROM outbox_items WHERE peer = ? AND stored = 0 AND seq <= ? ORDER BY seq LIMIT ?`,
      ),
      lastDue: db.prepare(`SELECT max(seq) AS seq FROM outbox_items WHERE peer = ? AND stored = 0 AND next_attempt_at <= ?`),
      ackDueAt: db.prepare(
        `UPDATE outbox_items SET next_attempt_at = @at
         WHERE peer = @peer AND stored = 0 AND seq BETWEEN @from AND @to AND next_attempt_at < @at`,
      ),
      retryLater: db.prepare(
        `UPDATE outbox_items SET attempts = attempts + 1, next_attempt_at = ? WHERE peer = ? AND stored = 0 AND seq <= ?`,
      ),
      park: db.prepare(`UPDATE outbox_items SET next_attempt_at = ? WHERE peer = ? AND stored = 0 AND next_attempt_at < ?`),
      stored: db.prepare(`UPDATE outbox_items SET stored = 1 WHERE id = ? AND stored = 0 RETURNING ${COLUMNS}`),
      confirm: db.prepare(
        // `+peer`: look items up by id, not by walking the friend's queue.
        `DELETE FROM outbox_items WHERE +peer = ? AND id IN (SELECT value FROM json_each(?)) RETURNING id, kind, stored`,
      ),
      drop: db.prepare(`DELETE FROM outbox_items WHERE peer = ? AND id IN (SELECT value FROM json_each(?))`),
      wake: db.prepare(`UPDATE outbox_items SET next_attempt_at = 0 WHERE peer = ? AND stored = 0`),
      duePeers: db.prepare(`SELECT DISTINCT peer FROM outbox_items WHERE stored = 0 AND next_attempt_at <= ?`),
      peers: db.prepare(`SELECT DISTINCT peer FROM outbox_items`),
      nextDue: db.prepare(`SELECT min(next_attempt_at) AS at FROM outbox_items WHERE stored = 0`),
      byId: db.prepare(`SELECT ${COLUMNS} FROM outbox_items WHERE id = ?`),
      dropFor: db.prepare(`DELETE FROM outbox_items WHERE msg_id = ? AND kind IN (SELECT value FROM json_each(?)) RETURNING id`),
      hasKind: db.prepare(`SELECT 1 FROM outbox_items WHERE peer = ? AND kind = ? LIMIT 1`),
      dropKind: db.prepare(`DELETE FROM outbox_items WHERE peer = ? AND kind = ?`),
    };
    this.lastSeq = (db.prepare(`SELECT coalesce(max(seq), 0) AS seq FROM outbox_items`).get() as { seq: number }).seq;
  }

  /** Adds an item and returns it as stored, without reading it back. */
  add(item: NewOutboxItem): OutboxItem {
    const added = { ...item, seq: this.lastSeq + 1, stored: false, attempts: 0 };
    this.stmt.add.run(added);
    this.lastSeq = added.seq;
    return added;
  }

  get(id: string): OutboxItem | undefined {
    const raw = this.stmt.byId.get(id) as SqliteRow<OutboxItem> | undefined;
    return raw && toItem(raw);
  }

  /** The friend's items after `seq`, in send order. */
  after(peer: string, seq: number, limit: number): OutboxItem[] {
    return (this.stmt.after.all(peer, seq, limit) as SqliteRow<OutboxItem>[]).map(toItem);
  }

  /** The newest of the friend's unsealed items that is due at `now`, if any. */
  lastDue(peer: string, now: number): number | null {
    return (this.stmt.lastDue.get(peer, now) as { seq: number | null }).seq;
  }

  /** The friend's unsealed items up to `seq`, in send order. */
  unstoredUpTo(peer: string, seq: number, limit: number): OutboxItem[] {
    return (this.stmt.unstoredUpTo.all(peer, seq, limit) as SqliteRow<OutboxItem>[]).map(toItem);
  }

  /** Items `fromSeq`..`toSeq` went out on a session: unless confirmed by `at`, they are overdue then. */
  ackDueAt(peer: string, fromSeq: number, toSeq: number, at: number): void {
    this.stmt.ackDueAt.run({ at, peer, from: fromSeq, to: toSeq });
  }

  /** An attempt on the friend's unsealed items up to `seq` failed: try again at `nextAttemptAt`. */
  retryLater(peer: string, seq: number, nextAttemptAt: number): void {
    this.stmt.retryLater.run(nextAttemptAt, peer, seq);
  }

  /** Nothing can go to the friend now (removed, keys changed): no attempts before `until`. */
  park(peer: string, until: number): void {
    this.stmt.park.run(until, peer, until);
  }

  /** Marks an item sealed into the mailbox; returns it, or nothing when it was confirmed meanwhile. */
  markStored(id: string): OutboxItem | undefined {
    const raw = this.stmt.stored.get(id) as SqliteRow<OutboxItem> | undefined;
    return raw && toItem(raw);
  }

  /** The friend confirmed these ids: takes them off the outbox and returns what was there. */
  confirm(peer: string, ids: readonly string[]): ConfirmedItem[] {
    return (this.stmt.confirm.all(peer, JSON.stringify(ids)) as SqliteRow<ConfirmedItem>[]).map((r) => ({ ...r, stored: r.stored === 1 }));
  }

  /** Drops the unconfirmed items of these kinds that belong to message `msgId` (a newer change replaces them); returns their ids. */
  dropFor(msgId: string, kinds: readonly string[]): string[] {
    return (this.stmt.dropFor.all(msgId, JSON.stringify(kinds)) as { id: string }[]).map((r) => r.id);
  }

  /** Takes items off the outbox unsent (what they carried was withdrawn). */
  drop(peer: string, ids: readonly string[]): void {
    this.stmt.drop.run(peer, JSON.stringify(ids));
  }

  /** Makes the friend's unsealed items due at once. */
  wake(peer: string): void {
    this.stmt.wake.run(peer);
  }

  /** Friends with an unsealed item due at `now`. */
  duePeers(now: number): string[] {
    return (this.stmt.duePeers.all(now) as { peer: string }[]).map((r) => r.peer);
  }

  /** Friends with anything in the outbox. */
  peers(): string[] {
    return (this.stmt.peers.all() as { peer: string }[]).map((r) => r.peer);
  }

  /** Whether an item of this kind for the friend still waits for confirmation. */
  hasPending(peer: string, kind: string): boolean {
    return this.stmt.hasKind.get(peer, kind) !== undefined;
  }

  /** Drops the friend's unconfirmed items of this kind (they carry something no longer true). */
  dropKind(peer: string, kind: string): void {
    this.stmt.dropKind.run(peer, kind);
  }

  /** When the earliest unsealed item is due; null when none waits. */
  nextDueAt(): number | null {
    return (this.stmt.nextDue.get() as { at: number | null }).at;
  }
}

function toItem(raw: SqliteRow<OutboxItem>): OutboxItem {
  return { ...raw, stored: raw.stored === 1 };
}
