import type { Db } from './database.js';

/** Set (by the search triggers, migration 5) whenever text leaves the index; cleared by a purge. */
const DUE_KEY = 'search_purge_due';
/** No message has this rowid: messages count from 1. */
const PLACEHOLDER_ROWID = -1;
/**
 * The placeholder's one token sorts before any other (digits come first,
 * and every other token is longer or larger), so it lands on the index's
 * first page, whose separator is always empty, and leaves no word behind.
 */
const PLACEHOLDER_TOKEN = '0';

/**
 * Rewrites the search index when text left it since the last rewrite. The
 * secure-delete option erases a deleted row's entries from the index pages,
 * but words that separate those pages stay in the page directory
 * (message_search_idx) until their segment is rebuilt. FTS5's 'optimize'
 * rebuilds everything only when there is more than one segment, so a
 * placeholder row makes a second one for the length of the transaction.
 * Costs about as much as reading the index once (0.8 s for 200,000
 * messages); the store runs it when closing, and when opening after a crash.
 * Returns whether it ran.
 */
export function purgeRemovedSearchEntries(db: Db): boolean {
  if (db.prepare(`SELECT 1 FROM meta WHERE key = ?`).get(DUE_KEY) === undefined) return false;
  db.transaction(() => {
    db.prepare(`INSERT INTO message_search (rowid, body, peer) VALUES (?, ?, ?)`).run(PLACEHOLDER_ROWID, PLACEHOLDER_TOKEN, PLACEHOLDER_TOKEN);
    db.exec(`INSERT INTO message_search (message_search) VALUES ('optimize')`);
    db.prepare(`INSERT INTO message_search (message_search, rowid, body, peer) VALUES ('delete', ?, ?, ?)`).run(PLACEHOLDER_ROWID, PLACEHOLDER_TOKEN, PLACEHOLDER_TOKEN);
    db.prepare(`DELETE FROM meta WHERE key = ?`).run(DUE_KEY);
  })();
  return true;
}
