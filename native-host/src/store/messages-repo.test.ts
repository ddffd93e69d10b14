import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from './store.js';
import { defined } from '../../../shared/defined.js';

describe('history paging', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  const openStore = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-store-'));
    dirs.push(dir);
    return new Store(path.join(dir, 'parley.db'));
  };

  it('offset pages match a plain OFFSET scan, with deletions anywhere, including the newest', () => {
    const store = openStore();
    const repo = store.messages;
    const ids: string[] = [];
    for (let i = 0; i < 300; i++) {
      const msgId = `m-${i}`;
      ids.push(msgId);
      repo.insertSent({ msg_id: msgId, peer: i % 3 === 0 ? 'other' : 'bob', text: `t${i}`, timestamp: new Date(i * 1000).toISOString() });
    }
    for (const i of [1, 2, 4, 50, 51, 52, 53, 100, 200, 298, 299]) repo.delete(defined(ids[i]));
    const naive = store.db.prepare(`SELECT msg_id FROM messages WHERE peer = 'bob' ORDER BY seq DESC LIMIT ? OFFSET ?`);
    const total = (store.db.prepare(`SELECT count(*) AS n FROM messages WHERE peer = 'bob'`).get() as { n: number }).n;
    for (const limit of [1, 7, 50]) {
      for (let offset = 0; offset <= total + 2; offset++) {
        const page = repo.pageByOffset('bob', limit, offset);
        const expected = (naive.all(limit, offset) as { msg_id: string }[]).map((r) => r.msg_id).reverse();
        expect(page.rows.map((r) => r.msg_id)).toEqual(expected);
        expect(page.total).toBe(total);
        expect(page.hasMore).toBe(offset + expected.length < total);
      }
    }
    store.close();
  });

  it('never reuses a seq, even after the newest message is deleted', () => {
    const store = openStore();
    const a = store.messages.insertSent({ msg_id: 'a', peer: 'bob', text: 'a', timestamp: new Date().toISOString() });
    const b = store.messages.insertSent({ msg_id: 'b', peer: 'bob', text: 'b', timestamp: new Date().toISOString() });
    store.messages.delete('b');
    const c = store.messages.insertSent({ msg_id: 'c', peer: 'bob', text: 'c', timestamp: new Date().toISOString() });
    expect([a.seq, b.seq, c.seq]).toEqual([1, 2, 3]);
    expect(store.messages.pageByOffset('bob', 10, 0).rows.map((r) => r.msg_id)).toEqual(['a', 'c']);
    store.close();
  });

  it('keyset pages step back from an anchor', () => {
    const store = openStore();
    for (let i = 0; i < 10; i++) store.messages.insertSent({ msg_id: `k${i}`, peer: 'bob', text: `${i}`, timestamp: new Date().toISOString() });
    store.messages.delete('k3');
    const anchor = defined(store.messages.get('k6'));
    const page = store.messages.pageBefore('bob', 3, anchor);
    expect(page.rows.map((r) => r.msg_id)).toEqual(['k2', 'k4', 'k5']);
    expect(page.hasMore).toBe(true);
    store.close();
  });
  it('pages after and around an anchor, and counts what is newer than every page', () => {
    const store = openStore();
    const repo = store.messages;
    for (let i = 0; i < 12; i++) repo.insertSent({ msg_id: `a${i}`, peer: 'bob', text: `${i}`, timestamp: new Date().toISOString() });
    repo.delete('a8');
    const ids = (p: { rows: { msg_id: string }[] }) => p.rows.map((r) => r.msg_id);
    const after = repo.pageAfter('bob', 3, defined(repo.get('a5')));
    expect(ids(after)).toEqual(['a6', 'a7', 'a9']);
    expect(after).toMatchObject({ hasMore: true, newer: 2, total: 11 });
    const end = repo.pageAfter('bob', 3, defined(repo.get('a11')));
    expect(end).toMatchObject({ rows: [], hasMore: true, newer: 0 });
    const around = repo.pageAround('bob', 5, defined(repo.get('a6')));
    expect(ids(around)).toEqual(['a4', 'a5', 'a6', 'a7', 'a9']);
    expect(around).toMatchObject({ hasMore: true, newer: 2 });
    // Near the start the newer side fills the page, near the end the older side.
    expect(ids(repo.pageAround('bob', 5, defined(repo.get('a0'))))).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
    const late = repo.pageAround('bob', 5, defined(repo.get('a11')));
    expect(ids(late)).toEqual(['a6', 'a7', 'a9', 'a10', 'a11']);
    expect(late.newer).toBe(0);
    expect(repo.pageBefore('bob', 2, defined(repo.get('a9')))).toMatchObject({ newer: 3 });
    expect(repo.pageByOffset('bob', 2, 4)).toMatchObject({ newer: 4 });
    expect(repo.pageBefore('bob', 2, defined(repo.get('a0')))).toMatchObject({ rows: [], hasMore: false, newer: 11 });
    store.close();
  });
});

describe('delivery state', () => {
  it('only moves forward, keeps "offline" once sealed, and touches only our messages to that friend', () => {
    const store = new Store(':memory:');
    const repo = store.messages;
    const at = new Date().toISOString();
    for (const id of ['a', 'b', 'c']) repo.insertSent({ msg_id: id, peer: 'bob', text: id, timestamp: at });
    repo.insertSent({ msg_id: 'x', peer: 'carol', text: 'x', timestamp: at });
    repo.insertReceived({ msg_id: 'r', peer: 'bob', text: 'r', timestamp: at, delivery_method: 'direct' });

    expect(repo.advance('bob', ['a'], 'stored', 'offline')).toEqual([{ msg_id: 'a', peer: 'bob', status: 'stored', delivery_method: 'offline' }]);
    const delivered = repo.advance('bob', ['a', 'b', 'x', 'r'], 'delivered', 'direct');
    expect(delivered.map((c) => [c.msg_id, c.delivery_method])).toEqual([
      ['a', 'offline'],
      ['b', 'direct'],
    ]);
    // Late reports change nothing.
    expect(repo.advance('bob', ['a', 'b'], 'stored', 'offline')).toEqual([]);
    expect(repo.advance('bob', ['a', 'b'], 'delivered', 'direct')).toEqual([]);
    expect(repo.markSentRead('bob', defined(repo.get('b'))).map((c) => [c.msg_id, c.status])).toEqual([
      ['a', 'read'],
      ['b', 'read'],
    ]);
    expect(repo.advance('bob', ['b'], 'delivered', 'direct')).toEqual([]);
    expect([defined(repo.get('c')).status, defined(repo.get('x')).status, defined(repo.get('r')).read]).toEqual(['queued', 'queued', false]);
    store.close();
  });
});
