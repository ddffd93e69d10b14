import Database from 'better-sqlite3';

/**
 * The mailbox as a local directory file holds it, read and written the way
 * a directory that misbehaves could: every envelope waiting for a
 * recipient, and copies of one handed out again.
 */
export function mailboxRows(directoryPath: string, recipient: string): Record<string, unknown>[] {
  const db = new Database(directoryPath, { readonly: true });
  try {
    return db.prepare(`SELECT * FROM mailbox WHERE recipient = ? ORDER BY created_at, rowid`).all(recipient) as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

/** Puts `copies` copies of a mailbox row back, each under a new id: a replay. */
export function replayMail(directoryPath: string, row: Record<string, unknown>, copies = 1): void {
  const db = new Database(directoryPath);
  try {
    const columns = Object.keys(row).filter((c) => c !== 'seq');
    const insert = db.prepare(`INSERT INTO mailbox (${columns.join(', ')}) VALUES (${columns.map((c) => '@' + c).join(', ')})`);
    for (let i = 0; i < copies; i++) insert.run({ ...row, id: `${String(row.id)}-replay-${i}` });
  } finally {
    db.close();
  }
}
