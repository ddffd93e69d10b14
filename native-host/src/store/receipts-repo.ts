import type { Db } from './database.js';

/** Delivery receipts owed to senders of mail we took from the mailbox (by item id). */
export class ReceiptsRepo {
  private readonly stmt;
  private readonly addAll;
  private readonly removeAll;

  constructor(db: Db) {
    this.stmt = {
      add: db.prepare(`INSERT OR IGNORE INTO receipts_due (peer, msg_id) VALUES (?, ?)`),
      forPeer: db.prepare(`SELECT msg_id FROM receipts_due WHERE peer = ? LIMIT 1000`),
      remove: db.prepare(`DELETE FROM receipts_due WHERE peer = ? AND msg_id = ?`),
    };
    // A receipt covers up to a thousand items: one transaction for the lot.
    this.addAll = db.transaction((peer: string, msgIds: readonly string[]) => {
      for (const msgId of msgIds) this.stmt.add.run(peer, msgId);
    });
    this.removeAll = db.transaction((peer: string, msgIds: readonly string[]) => {
      for (const msgId of msgIds) this.stmt.remove.run(peer, msgId);
    });
  }

  add(peer: string, msgIds: readonly string[]): void {
    this.addAll(peer, msgIds);
  }

  forPeer(peer: string): string[] {
    return (this.stmt.forPeer.all(peer) as { msg_id: string }[]).map((r) => r.msg_id);
  }

  remove(peer: string, msgIds: readonly string[]): void {
    this.removeAll(peer, msgIds);
  }
}
