import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSearchQuery } from './search-query.js';
import { Store } from './store.js';
import { defined } from '../../../shared/defined.js';

describe('deleted messages', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  const tempFile = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-deleted-'));
    dirs.push(dir);
    return path.join(dir, 'parley.db');
  };

  const received = (peer: string, msgId: string, text: string) => ({
    msg_id: msgId,
    peer,
    text,
    timestamp: new Date().toISOString(),
    delivery_method: 'direct' as const,
  });

  it('are never stored again from the same friend: their id is remembered, not their text', () => {
    const file = tempFile();
    const store = new Store(file);
    expect(store.messages.insertReceived(received('bob', 'm-1', 'delete me')).outcome).toBe('inserted');
    expect(store.messages.delete('m-1')).toBe(true);
    // The sender's outbox sends it again, or the mailbox is replayed.
    expect(store.messages.insertReceived(received('bob', 'm-1', 'delete me')).outcome).toBe('deleted');
    expect(store.messages.get('m-1')).toBeUndefined();
    expect(store.messages.total('bob')).toBe(0);
    expect(store.messages.delete('m-1')).toBe(false);
    store.close();
    // Across a restart too.
    const again = new Store(file);
    expect(again.messages.insertReceived(received('bob', 'm-1', 'delete me')).outcome).toBe('deleted');
    again.close();
  });

  it('leave no trace in the database file, its WAL or the search index once the store is closed', () => {
    const file = tempFile();
    const store = new Store(file);
    // Enough history for the index to span many pages, each word in one message only.
    const texts = new Map<string, string>();
    store.db.transaction(() => {
      for (let i = 0; i < 4000; i++) {
        const text = Array.from({ length: 5 }, (_, k) => `zq${((i * 5 + k) * 7919 % 100_000).toString(36)}x`).join(' ');
        texts.set(`m-${i}`, text);
        store.messages.insertReceived(received('bob', `m-${i}`, text));
      }
    })();
    // The victim: the only message with a word starting with one of the
    // index's page separators, which the index keeps in its page directory
    // (the separator is the start of a page's first word).
    const separatorsIn = (db: Database.Database) =>
      (db.prepare(`SELECT term FROM message_search_idx`).all() as { term: Buffer }[]).map((r) => Buffer.from(r.term).toString('latin1').slice(1));
    const owners = (prefix: string) => [...texts].filter(([, text]) => text.split(' ').some((w) => w.startsWith(prefix)));
    const separator = defined(separatorsIn(store.db).find((s) => s.length >= 3 && owners(s).length === 1));
    const [[victimId, victimText]] = owners(separator) as [[string, string]];
    store.messages.delete(victimId);
    texts.delete(victimId);
    store.close();

    const words = victimText.split(' ');
    for (const name of fs.readdirSync(path.dirname(file))) {
      const bytes = fs.readFileSync(path.join(path.dirname(file), name));
      for (const needle of [victimText, ...words]) expect(bytes.includes(needle), `${name} holds "${needle}"`).toBe(false);
    }
    // Every separator left is the start of a word some message still has.
    const db = new Database(file, { readonly: true });
    const left = separatorsIn(db);
    db.close();
    expect(left).not.toContain(separator);
    expect(left.filter((s) => owners(s).length === 0)).toEqual([]);

    // Search still finds everything else.
    const reopened = new Store(file);
    reopened.friends.insert({ username: 'bob', public_key: 'pk', signing_key: 'sk', addresses: [], last_seen: null, last_ip: null, added_at: new Date().toISOString() });
    const other = defined(defined([...texts.values()][0]).split(' ')[0]);
    expect(reopened.search.search(parseSearchQuery(other, { maxLength: 256, maxTerms: 16 }), { limit: 5 }).rows).toHaveLength(1);
    expect(reopened.search.search(parseSearchQuery(defined(words[0]), { maxLength: 256, maxTerms: 16 }), { limit: 5 }).rows).toHaveLength(0);
    reopened.close();
  });
});
