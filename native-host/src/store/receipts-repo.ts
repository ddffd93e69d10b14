import type { Db } from './database.js';

/** Delivery receipts owed to senders of mail we took from the mailbox. */
export class ReceiptsRepo {
  private readonly stmt;

  constructor(db: Db) {
    this.stmt = {
      add: db.prepare(`INSERT OR IGNORE INTO receipts_due (peer, msg_id) VALUES (?, ?)`),
      forPeer: db.prepare(`SELECT msg_id FROM receipts_due WHERE peer = ? LIMIT 1000`),
      remove: db.prepare(`DELETE FROM receipts_due WHERE peer = ? AND msg_id = ?`),
      peers: db.prepare(`SELECT DISTINCT peer FROM receipts_due`),
    };
  }

  add(peer: string, msgId: string): void {
    this.stmt.add.run(peer, msgId);
  }

  forPeer(peer: string): string[] {
    return (this.stmt.forPeer.all(peer) as { msg_id: string }[]).map((r) => r.msg_id);
  }

  remove(peer: string, msgIds: string[]): void {
    for (const msgId of msgIds) this.stmt.remove.run(peer, msgId);
  }

  peers(): string[] {
    return (this.stmt.peers.all() as { peer: string }[]).map((r) => r.peer);
  }
}
