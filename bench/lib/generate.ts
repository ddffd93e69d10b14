import { randomBytes, randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { registerSearchFunctions } from '../../native-host/src/store/search-text.js';

const ROWS_PER_TRANSACTION = 50_000;
const WORDS = ['ok', 'see you', 'tomorrow at nine', 'did you get the file?', 'haha', 'on my way', 'sounds good', 'call me later', 'which one?', 'thanks!'];

/**
 * Writes `count` messages with `peer` straight into a stopped host's
 * database, oldest first, alternating direction, all delivered and read.
 * Returns the msg_ids at the given 1-based positions (for before= anchors).
 */
export function generateHistory(dbFile: string, peer: string, count: number, positions: number[] = []): Record<number, string> {
  return generateChats(dbFile, [peer], count, { positions, textOf: (i) => `${WORDS[i % WORDS.length]} #${i}` });
}

/**
 * Writes `count` messages spread round-robin over the chats with `peers`
 * straight into a stopped host's database, oldest first, alternating
 * direction, all delivered and read. Each row takes its conversation's next
 * seq; the schema's triggers keep peer_totals and the search index right
 * (with the host's own tokenizer). Returns the msg_ids at the
 * given 1-based positions.
 */
export function generateChats(dbFile: string, peers: string[], count: number, { textOf, positions = [], rowsPerTransaction = ROWS_PER_TRANSACTION }: { textOf: (i: number) => string; positions?: number[]; rowsPerTransaction?: number }): Record<number, string> {
  const db = new Database(dbFile);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  registerSearchFunctions(db);
  const insert = db.prepare(
    `INSERT INTO messages (msg_id, peer, seq, direction, text, timestamp, status, delivery_method, read)
     VALUES (@msgId, @peer, coalesce((SELECT last_seq FROM peer_totals WHERE peer = @peer), 0) + 1, @direction, @text, @timestamp,
             'delivered', 'direct', 1)`,
  );
  const wanted = new Set(positions);
  const found: Record<number, string> = {};
  const start = Date.parse('2020-01-01T00:00:00.000Z');
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const msgId = randomUUID();
      if (wanted.has(i + 1)) found[i + 1] = msgId;
      const peer = peers[i % peers.length];
      insert.run({ msgId, peer, direction: i % 2 === 0 ? 'sent' : 'received', text: textOf(i), timestamp: new Date(start + i * 7_000).toISOString() });
    }
  });
  for (let from = 0; from < count; from += rowsPerTransaction) batch(from, Math.min(count, from + rowsPerTransaction));
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return found;
}

/**
 * Inserts `count` friends with random (well-formed, unusable) keys straight
 * into a stopped host's database: names `<prefix>0001`…
 * @returns the usernames
 */
export function generateFriends(dbFile: string, prefix: string, count: number): string[] {
  const db = new Database(dbFile);
  db.pragma('journal_mode = WAL');
  const insert = db.prepare(
    `INSERT INTO friends (username, public_key, signing_key, addresses, last_seen, last_ip, added_at)
     VALUES (?, ?, ?, '[]', NULL, NULL, ?)`,
  );
  const names = Array.from({ length: count }, (_, i) => `${prefix}${String(i + 1).padStart(4, '0')}`);
  const now = new Date().toISOString();
  db.transaction(() => {
    for (const name of names) insert.run(name, randomBytes(32).toString('base64'), randomBytes(32).toString('base64'), now);
  })();
  db.close();
  return names;
}
