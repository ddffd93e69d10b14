import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from './database.js';
import { MIGRATIONS } from './migrations.js';
import { OutboxRepo } from './outbox-repo.js';
import { registerSearchFunctions } from './search-text.js';
import { defined } from '../../../shared/defined.js';

describe('migrations', () => {
  it('carries unconfirmed messages from the message outbox into the item outbox, in order and with their state', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    db.exec(defined(MIGRATIONS[0]));
    db.pragma('user_version = 1');
    const insert = db.prepare(
      `INSERT INTO messages (msg_id, peer, seq, direction, text, timestamp, status, delivery_method) VALUES (?, 'bob', ?, 'sent', ?, ?, ?, 'offline')`,
    );
    insert.run('m-stored', 1, 'sealed "already"', '2026-06-15T10:00:00.000Z', 'stored');
    insert.run('m-queued', 2, 'still here', '2026-06-15T10:01:00.000Z', 'queued');
    insert.run('m-done', 3, 'delivered', '2026-06-15T10:02:00.000Z', 'delivered');
    db.prepare(`INSERT INTO outbox (msg_id, peer, attempts, next_attempt_at) VALUES (?, 'bob', ?, ?)`).run('m-queued', 4, 1234);
    db.prepare(`INSERT INTO outbox (msg_id, peer, attempts, next_attempt_at) VALUES (?, 'bob', ?, ?)`).run('m-stored', 1, 99);

    migrate(db);

    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    const items = new OutboxRepo(db).after('bob', 0, 10);
    expect(items.map((i) => [i.id, i.kind, JSON.parse(i.body), i.msg_id, i.stored, i.attempts, i.next_attempt_at])).toEqual([
      ['m-stored', 'message', { timestamp: '2026-06-15T10:00:00.000Z', text: 'sealed "already"' }, 'm-stored', true, 1, 99],
      ['m-queued', 'message', { timestamp: '2026-06-15T10:01:00.000Z', text: 'still here' }, 'm-queued', false, 4, 1234],
    ]);
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE name = 'outbox'`).get()).toBeUndefined();
    // Deleting a message still drops its item.
    db.prepare(`DELETE FROM messages WHERE msg_id = 'm-queued'`).run();
    expect(new OutboxRepo(db).after('bob', 0, 10).map((i) => i.id)).toEqual(['m-stored']);
    db.close();
  });

  it('rebuilds the search index of a database from before deletions were final, and keeps it searchable', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    registerSearchFunctions(db);
    for (const [version, sql] of MIGRATIONS.slice(0, 4).entries()) {
      db.exec(sql);
      db.pragma(`user_version = ${version + 1}`);
    }
    const insert = db.prepare(
      `INSERT INTO messages (msg_id, peer, seq, direction, text, timestamp, status, delivery_method) VALUES (?, 'bob', ?, 'received', ?, '2026-06-15T10:00:00.000Z', 'delivered', 'direct')`,
    );
    insert.run('m-1', 1, 'lunch at noon');
    insert.run('m-2', 2, 'lunch tomorrow');
    insert.run('m-3', 3, '');
    db.prepare(`DELETE FROM messages WHERE msg_id = 'm-2'`).run();

    migrate(db);

    const matches = (q: string) => (db.prepare(`SELECT rowid FROM message_search WHERE message_search MATCH ?`).all(q) as unknown[]).length;
    expect(matches('lunch')).toBe(1);
    expect(matches('tomorrow')).toBe(0);
    // Deleting now erases the entry and remembers the id; an empty (unindexed) text deletes cleanly too.
    db.prepare(`DELETE FROM messages WHERE msg_id IN ('m-1', 'm-3')`).run();
    expect(matches('lunch')).toBe(0);
    expect(db.prepare(`SELECT msg_id FROM deleted_messages ORDER BY msg_id`).all()).toEqual([{ msg_id: 'm-1' }, { msg_id: 'm-3' }]);
    db.exec(`INSERT INTO message_search (message_search) VALUES ('integrity-check')`);
    db.close();
  });
});
