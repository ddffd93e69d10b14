import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { isParleyError } from '../errors.js';
import { MIGRATIONS } from './migrations.js';
import { parseSearchQuery } from './search-query.js';
import { Store } from './store.js';
import { defined } from '../../../shared/defined.js';

const LIMITS = { maxLength: 256, maxTerms: 16 };

describe('message search index', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  const tempFile = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-search-'));
    dirs.push(dir);
    return path.join(dir, 'parley.db');
  };

  const withFriends = (store: Store, ...names: string[]) => {
    for (const username of names) {
      store.friends.insert({ username, public_key: 'pk', signing_key: 'sk', addresses: [], last_seen: null, last_ip: null, added_at: new Date().toISOString() });
    }
  };

  const find = (store: Store, q: string, opts: { peer?: string; beforeId?: number; limit?: number } = {}) =>
    store.search.search(parseSearchQuery(q, LIMITS), { limit: 50, ...opts }).rows.map((r) => r.msg_id);

  let n = 0;
  const say = (store: Store, peer: string, text: string) => store.messages.insertSent({ msg_id: `s${++n}`, peer, text, timestamp: new Date().toISOString() });

  it('finds by word prefix, any order, newest first, across chats or in one', () => {
    const store = new Store(tempFile());
    withFriends(store, 'bob', 'carol');
    const a = say(store, 'bob', 'Meet at the café tomorrow');
    const b = say(store, 'carol', 'cafe? tomorrow works');
    const c = say(store, 'bob', 'nothing here');
    expect(find(store, 'CAF tomor')).toEqual([b.msg_id, a.msg_id]);
    expect(find(store, 'tomorrow café', { peer: 'bob' })).toEqual([a.msg_id]);
    expect(find(store, 'nothing', { peer: 'carol' })).toEqual([]);
    expect(find(store, '"at the"')).toEqual([a.msg_id]);
    expect(find(store, '"the at"')).toEqual([]);
    expect(find(store, 'here')).toEqual([c.msg_id]);
    store.close();
  });

  it('pages by keyset, newest first, with has_more', () => {
    const store = new Store(tempFile());
    withFriends(store, 'bob');
    const rows = Array.from({ length: 7 }, (_, i) => say(store, 'bob', `ping ${i}`));
    const first = store.search.search(parseSearchQuery('ping', LIMITS), { limit: 3 });
    expect(first.rows.map((r) => r.text)).toEqual(['ping 6', 'ping 5', 'ping 4']);
    expect(first.hasMore).toBe(true);
    const last = store.search.search(parseSearchQuery('ping', LIMITS), { limit: 3, beforeId: defined(rows[1]).id });
    expect(last.rows.map((r) => r.text)).toEqual(['ping 0']);
    expect(last.hasMore).toBe(false);
    store.close();
  });

  it('follows deletions and edits, and drops messages emptied by a delete for everyone', () => {
    const store = new Store(tempFile());
    withFriends(store, 'bob');
    const a = say(store, 'bob', 'secret plan');
    const b = say(store, 'bob', 'another plan');
    store.messages.delete(a.msg_id);
    expect(find(store, 'plan')).toEqual([b.msg_id]);
    expect(find(store, 'secret')).toEqual([]);
    // An edit is an UPDATE of text, whoever makes it.
    store.db.prepare('UPDATE messages SET text = ? WHERE msg_id = ?').run('changed my mind', b.msg_id);
    expect(find(store, 'plan')).toEqual([]);
    expect(find(store, 'mind')).toEqual([b.msg_id]);
    store.db.prepare(`UPDATE messages SET text = '' WHERE msg_id = ?`).run(b.msg_id);
    expect(find(store, 'mind')).toEqual([]);
    expect(store.db.prepare('SELECT count(*) AS n FROM message_search').get()).toEqual({ n: 0 });
    // A status change does not touch the index.
    const c = say(store, 'bob', 'still here');
    store.messages.advance('bob', [c.msg_id], 'delivered', 'direct');
    expect(find(store, 'still')).toEqual([c.msg_id]);
    store.close();
  });

  it('shows only current friends in an all-chats search', () => {
    const store = new Store(tempFile());
    withFriends(store, 'bob', 'carol');
    say(store, 'carol', 'hello from carol');
    const b = say(store, 'bob', 'hello from bob');
    store.friends.remove('carol');
    expect(find(store, 'hello')).toEqual([b.msg_id]);
    store.close();
  });

  it('indexes the history of a database made before the index existed', () => {
    const file = tempFile();
    const old = new Database(file);
    old.exec(defined(MIGRATIONS[0]));
    old.pragma('user_version = 1');
    const insert = old.prepare(
      `INSERT INTO messages (msg_id, peer, seq, direction, text, timestamp, status, delivery_method) VALUES (?, 'bob', ?, 'sent', ?, ?, 'delivered', 'direct')`,
    );
    insert.run('old-1', 1, 'Grüße aus Köln', new Date().toISOString());
    insert.run('old-2', 2, '北京见', new Date().toISOString());
    old.close();
    const store = new Store(file);
    withFriends(store, 'bob');
    expect(find(store, 'grüß KOLN')).toEqual(['old-1']);
    expect(find(store, '北京')).toEqual(['old-2']);
    store.close();
  });
  it('runs any text a user can type as a query or refuses it with a ParleyError, never a SQLite error', () => {
    const store = new Store(tempFile());
    withFriends(store, 'bob');
    say(store, 'bob', 'near "quoted" AND (stuff) -minus * star ^caret col:on 北京 🎉');
    const syntax = fc.constantFrom('"', "'", '*', '-', '+', '^', ':', '(', ')', '{', '}', '[', ']', 'NEAR', 'AND', 'OR', 'NOT', 'body', 'peer', ',', ' ', '\\', '\u0000', '北', '🎉', 'é', 'a');
    const text = fc.oneof(fc.string({ maxLength: 60 }), fc.array(syntax, { maxLength: 20 }).map((parts) => parts.join('')), fc.string({ unit: 'binary', maxLength: 30 }));
    fc.assert(
      fc.property(text, fc.boolean(), (q, onePeer) => {
        let terms;
        try {
          terms = parseSearchQuery(q, LIMITS);
        } catch (err) {
          expect(isParleyError(err, 'QUERY_EMPTY') || isParleyError(err, 'QUERY_TOO_LONG')).toBe(true);
          return;
        }
        expect(() => store.search.search(terms, { limit: 5, peer: onePeer ? 'bob' : undefined })).not.toThrow();
      }),
      { numRuns: 2000 },
    );
    store.close();
  });
});
