import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { loadSodium } from '../crypto/sodium.js';
import { signPresence, verifyPresence } from '../directory/records.js';
import { createLogger } from '../logger.js';
import { migrate } from '../store/database.js';
import { FriendsRepo } from '../store/friends-repo.js';
import { MetaRepo } from '../store/meta-repo.js';
import { FriendPresence, MAX_PRESENCE_FUTURE_MS, OwnPresence } from './presence-records.js';

const sodium = await loadSodium();
const b64 = (bytes: Uint8Array) => sodium.to_base64(bytes, sodium.base64_variants.ORIGINAL);

function database() {
  const db = new Database(':memory:');
  migrate(db);
  return db;
}

describe('our own presence record', () => {
  it('is signed by our key and never dated before the last one, even when the clock steps back', () => {
    const keys = sodium.crypto_sign_keypair();
    const own = new OwnPresence(new MetaRepo(database()), () => keys.privateKey, () => ({ addresses: ['10.0.0.1:9100'], dhtKey: null }));
    const first = own.sign('alice', Date.parse('2026-12-01T10:00:00.000Z'));
    const second = own.sign('alice', Date.parse('2026-12-01T09:00:00.000Z'));
    expect(verifyPresence('alice', b64(keys.publicKey), first)).toBe(true);
    expect(first.issuedAt).toBe('2026-12-01T10:00:00.000Z');
    expect(second.issuedAt).toBe('2026-12-01T10:00:00.001Z');
  });
});

describe("friends' presence records", () => {
  const keys = sodium.crypto_sign_keypair();
  const bob = { username: 'bob', signing_key: b64(keys.publicKey) };
  const now = Date.parse('2026-12-01T12:00:00.000Z');
  const signed = (issuedAt: number, privateKey = keys.privateKey) =>
    signPresence('bob', { addresses: ['10.0.0.2:9100'], dhtKey: null, issuedAt: new Date(issuedAt).toISOString() }, privateKey);

  function setup() {
    const friends = new FriendsRepo(database());
    friends.insert({ ...bob, public_key: 'pk', addresses: [], last_seen: null, last_ip: null, added_at: '2026-12-01T00:00:00.000Z' });
    let logged = '';
    const log = { ...createLogger('silent'), warn: (message: string) => (logged += `${message}\n`) };
    return { friends, records: new FriendPresence(friends, log), logged: () => logged };
  }

  it('adopts a record signed by the pinned key, and refuses forged or far-future ones, logging each kind once', () => {
    const { friends, records, logged } = setup();
    const other = sodium.crypto_sign_keypair();
    expect(records.adopt(bob, signed(now - 1000, other.privateKey), now)).toBe(false);
    expect(records.adopt(bob, signed(now - 900, other.privateKey), now)).toBe(false);
    expect(records.adopt(bob, { junk: true }, now)).toBe(false);
    expect(records.adopt(bob, signed(now + MAX_PRESENCE_FUTURE_MS + 60_000), now)).toBe(false);
    expect(friends.get('bob')?.addresses).toEqual([]);
    expect(logged().match(/not signed by their pinned key/g)).toHaveLength(1);
    expect(logged().match(/dated in the future/g)).toHaveLength(1);
    expect(records.adopt(bob, signed(now - 1000), now)).toBe(true);
    expect(records.adopt(bob, null, now)).toBe(false);
    expect(friends.get('bob')?.addresses).toEqual(['10.0.0.2:9100']);
  });
});
