import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from './database.js';
import { FriendsRepo } from './friends-repo.js';
import { MIGRATIONS } from './migrations.js';
import { defined } from '../../../shared/defined.js';

const row = { username: 'bob', public_key: 'pk', signing_key: 'sk', addresses: [] as string[], last_seen: null, last_ip: null, added_at: '2026-12-01T00:00:00.000Z' };
const record = (issuedAt: string, address: string) => ({ addresses: [address], dhtKey: 'a2V5', issuedAt });

describe('friends: reachability from presence records', () => {
  it('adopts a newer record only, never rolls back, and finds a friend by DHT key', () => {
    const db = new Database(':memory:');
    migrate(db);
    const friends = new FriendsRepo(db);
    friends.insert(row);
    expect(friends.updateReachability('bob', record('2026-12-01T10:00:00.000Z', '10.0.0.1:1'))).toBe(true);
    expect(friends.updateReachability('bob', record('2026-12-01T09:59:59.999Z', '10.0.0.2:1'))).toBe(false);
    expect(friends.updateReachability('bob', record('2026-12-01T10:00:00.000Z', '10.0.0.3:1'))).toBe(false);
    // Offsets are compared as instants, not as text.
    expect(friends.updateReachability('bob', record('2026-12-01T11:00:00.000+02:00', '10.0.0.4:1'))).toBe(false);
    expect(friends.updateReachability('bob', record('2026-12-01T10:00:01.000Z', '10.0.0.5:1'))).toBe(true);
    expect(friends.get('bob')).toMatchObject({ addresses: ['10.0.0.5:1'], dht_key: 'a2V5', presence_at: '2026-12-01T10:00:01.000Z' });
    expect(friends.byDhtKey('a2V5')).toBe('bob');
    expect(friends.byDhtKey('other')).toBeNull();
  });

  it('drops addresses learnt unsigned when a profile from before presence records is opened', () => {
    const db = new Database(':memory:');
    db.exec(defined(MIGRATIONS[0]));
    db.pragma('user_version = 1');
    db.prepare(`INSERT INTO friends (username, public_key, signing_key, addresses, added_at) VALUES ('bob', 'pk', 'sk', '["10.0.0.9:9100"]', '2026-01-01')`).run();
    migrate(db);
    expect(new FriendsRepo(db).get('bob')).toMatchObject({ addresses: [], dht_key: null, presence_at: null });
  });
});
