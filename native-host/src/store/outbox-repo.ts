import type { Db } from './database.js';

export interface OutboxEntry {
  msg_id: string;
  peer: string;
  attempts: number;
  next_attempt_at: number;
}

/** Sent messages the peer has not confirmed: queued, or stored in the mailbox. */
export class OutboxRepo {
  private readonly stmt;

  constructor(db: Db) {
    this.stmt = {
      add: db.prepare(`INSERT OR IGNORE INTO outbox (msg_id, peer, next_attempt_at) VALUES (?, ?, ?)`),
      remove: db.prepare(`DELETE FROM outbox WHERE msg_id = ?`),
      duePeers: db.prepare(`SELECT DISTINCT peer FROM outbox WHERE next_attempt_at <= ?`),
      forPeer: db.prepare(
        `SELECT o.* FROM outbox o JOIN messages m ON m.msg_id = o.msg_id WHERE o.peer = ? ORDER BY m.id LIMIT ?`,
      ),
      queuedCount: db.prepare(
        `SELECT count(*) AS n FROM (SELECT 1 FROM outbox o JOIN messages m ON m.msg_id = o.msg_id
           WHERE o.peer = ? AND m.status = 'queued' LIMIT ?)`,
      ),
      reschedule: db.prepare(`UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ? WHERE msg_id = ?`),
      wake: db.prepare(`UPDATE outbox SET next_attempt_at = 0 WHERE peer = ?`),
      wakeAll: db.prepare(`UPDATE outbox SET next_attempt_at = 0`),
      get: db.prepare(`SELECT * FROM outbox WHERE msg_id = ?`),
      nextDue: db.prepare(`SELECT min(next_attempt_at) AS at FROM outbox`),
    };
  }

  add(msgId: string, peer: string, nextAttemptAt: number): void {
    this.stmt.add.run(msgId, peer, nextAttemptAt);
  }

  remove(msgId: string): boolean {
    return this.stmt.remove.run(msgId).changes > 0;
  }

  get(msgId: string): OutboxEntry | undefined {
    return this.stmt.get.get(msgId) as OutboxEntry | undefined;
  }

  /** Friends with at least one message due for another attempt. */
  duePeers(now: number): string[] {
    return (this.stmt.duePeers.all(now) as { peer: string }[]).map((r) => r.peer);
  }

  /** In send order, so a friend coming online gets messages in order. */
  forPeer(peer: string, limit: number): OutboxEntry[] {
    return this.stmt.forPeer.all(peer, limit) as OutboxEntry[];
  }

  /** How many of the friend's messages are still queued, counting up to `atMost`. */
  queuedCount(peer: string, atMost: number): number {
    return (this.stmt.queuedCount.get(peer, atMost) as { n: number }).n;
  }

  reschedule(msgId: string, nextAttemptAt: number): void {
    this.stmt.reschedule.run(nextAttemptAt, msgId);
  }

  /** Makes a peer's (or every) queued message due at once. */
  wake(peer?: string): void {
    if (peer === undefined) this.stmt.wakeAll.run();
    else this.stmt.wake.run(peer);
  }

  nextDueAt(): number | null {
    return (this.stmt.nextDue.get() as { at: number | null }).at;
  }
}
