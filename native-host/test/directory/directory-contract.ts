import { afterEach, describe, expect, it } from 'vitest';
import type { Directory } from '../../src/directory/directory.js';
import { verifyKeyRecord, verifyPrekey, verifyPresence } from '../../src/directory/records.js';
import type { DirectorySettings } from '../../src/directory/settings.js';
import { runAbuseContract } from './directory-abuse.js';
import { claim, envelope, giveCapability, makePrekey, makePresence, makeUser, randomKey, sleep, TEST_SETTINGS } from './directory-fixtures.js';
import { runLifecycleContract } from './directory-lifecycle.js';
import { defined } from '../../../shared/defined.js';

/** A fresh, empty directory, and the same directory as seen from other client addresses. */
export interface OpenedDirectory {
  directory: Directory;
  /** The directory as a client at `address` calls it (the local one cannot tell addresses apart: the same directory). */
  from: (address: string) => Directory;
  /** Whether the directory tells client addresses apart. */
  addresses: boolean;
  cleanup: () => Promise<void>;
}

/** Opens a fresh, empty directory with these settings (defaults for the rest). */
export type MakeDirectory = (settings?: Partial<DirectorySettings>) => Promise<OpenedDirectory>;

export async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await expect(promise).rejects.toMatchObject({ name: 'ParleyError', code });
}

/** Opens directories for one `describe`, closing each after its test; test settings come first. */
export function directoryOpener(makeDirectory: MakeDirectory): (settings?: Partial<DirectorySettings>) => Promise<OpenedDirectory> {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await cleanup?.();
    cleanup = undefined;
  });
  return async (settings) => {
    const opened = await makeDirectory({ ...TEST_SETTINGS, ...settings });
    cleanup = opened.cleanup;
    return opened;
  };
}

/** The behaviour every Directory adapter must share (docs/protocol.md, "The directory"). */
export function runDirectoryContract(name: string, makeDirectory: MakeDirectory): void {
  runAbuseContract(name, makeDirectory);
  runLifecycleContract(name, makeDirectory);
  describe(`directory contract: ${name}`, () => {
    const opener = directoryOpener(makeDirectory);
    const open = async (settings?: Partial<DirectorySettings>): Promise<Directory> => (await opener(settings)).directory;

    it('claims a username and serves the signed record', async () => {
      const dir = await open();
      const alice = makeUser('alice');
      await claim(dir, alice);
      const [entry, ...rest] = await dir.lookup(['alice']);
      expect(rest).toEqual([]);
      expect(entry).toEqual({ ...alice.record, prekeys: [], rotations: [], presence: null, lastSeen: null });
      expect(verifyKeyRecord(entry)).toBe(true);
    });

    it('refuses a claimed name to another secret or other keys, accepts an exact repeat', async () => {
      const dir = await open();
      const alice = makeUser('alice');
      const impostor = makeUser('alice');
      await claim(dir, alice);
      await rejectsWith(claim(dir, impostor), 'USERNAME_TAKEN');
      await rejectsWith(dir.register(impostor.record, impostor.secret), 'USERNAME_TAKEN');
      await rejectsWith(dir.register(impostor.record, alice.secret), 'USERNAME_TAKEN');
      await rejectsWith(dir.register(alice.record, impostor.secret), 'USERNAME_TAKEN');
      await claim(dir, alice);
      const [entry] = await dir.lookup(['alice']);
      expect(entry?.publicKey).toBe(alice.record.publicKey);
    });

    it('rejects malformed records and secrets', async () => {
      const dir = await open();
      const bob = makeUser('bob');
      await rejectsWith(claim(dir, { ...bob, record: { ...bob.record, username: 'Bob' } }), 'DIRECTORY_REJECTED');
      await rejectsWith(claim(dir, { ...bob, record: { ...bob.record, publicKey: 'AAAA' } }), 'DIRECTORY_REJECTED');
      await rejectsWith(claim(dir, { ...bob, record: { ...bob.record, signature: bob.record.publicKey } }), 'DIRECTORY_REJECTED');
      await rejectsWith(claim(dir, { ...bob, secret: 'short' }), 'DIRECTORY_REJECTED');
      expect(await dir.lookup(['bob'])).toEqual([]);
    });

    it('requires the right secret for heartbeats', async () => {
      const dir = await open();
      const alice = makeUser('alice');
      await claim(dir, alice);
      const presence = makePresence(alice);
      await rejectsWith(dir.heartbeat('alice', 'wrong-secret-0123456789', presence), 'DIRECTORY_REJECTED');
      await rejectsWith(dir.heartbeat('alice', '', presence), 'DIRECTORY_REJECTED');
      await rejectsWith(dir.heartbeat('nobody', alice.secret, presence), 'DIRECTORY_REJECTED');
      const seeing = await giveCapability(dir, alice, 'presence');
      const [entry] = await dir.lookup(['alice'], { alice: seeing });
      expect(entry?.lastSeen).toBeNull();
      expect(entry?.presence).toBeNull();
    });

    it('records heartbeats by its own clock and serves the signed presence record as sent', async () => {
      const dir = await open();
      const alice = makeUser('alice');
      await claim(dir, alice);
      const seeing = { alice: await giveCapability(dir, alice, 'presence') };
      const presence = makePresence(alice, { addresses: ['192.168.1.20:9100', 'alice.example:443'], dhtKey: randomKey() });
      const before = Date.now();
      await dir.heartbeat('alice', alice.secret, presence);
      const after = Date.now();
      const [entry] = await dir.lookup(['alice'], seeing);
      expect(entry?.presence).toEqual(presence);
      expect(verifyPresence('alice', alice.record.signingKey, entry?.presence)).toBe(true);
      expect(entry).not.toHaveProperty('lastIp');
      // Same machine: the directory's clock is ours, give or take rounding.
      const seen = Date.parse(entry?.lastSeen ?? '');
      expect(seen).toBeGreaterThanOrEqual(before - 1000);
      expect(seen).toBeLessThanOrEqual(after + 1000);

      const v6 = makePresence(alice, { addresses: ['[fe80::1]:9100'] });
      await dir.heartbeat('alice', alice.secret, v6);
      const [again] = await dir.lookup(['alice'], seeing);
      expect(again?.presence).toEqual(v6);

      const none = makePresence(alice, { addresses: [] });
      await dir.heartbeat('alice', alice.secret, none);
      const [empty] = await dir.lookup(['alice'], seeing);
      expect(empty?.presence).toEqual(none);
    });

    it('keeps only the four fields of a presence record', async () => {
      const dir = await open();
      const alice = makeUser('alice');
      await claim(dir, alice);
      const presence = makePresence(alice);
      await dir.heartbeat('alice', alice.secret, { ...presence, extra: 'x'.repeat(100) } as typeof presence);
      const seeing = { alice: await giveCapability(dir, alice, 'presence') };
      expect((await dir.lookup(['alice'], seeing))[0]?.presence).toEqual(presence);
    });

    it('refuses malformed presence records, keeping the last good one', async () => {
      const dir = await open();
      const alice = makeUser('alice');
      await claim(dir, alice);
      const good = makePresence(alice);
      await dir.heartbeat('alice', alice.secret, good);
      const bad: unknown[] = [
        null,
        'not a record',
        [good],
        { ...good, addresses: ['no port'] },
        { ...good, addresses: Array(9).fill('1.2.3.4:5') },
        { ...good, addresses: '1.2.3.4:5' },
        { ...good, addresses: [42] },
        { ...good, dhtKey: 'AAAA' },
        { ...good, dhtKey: 7 },
        { ...good, dhtKey: undefined },
        { ...good, issuedAt: 'yesterday' },
        { ...good, issuedAt: undefined },
        { ...good, signature: good.dhtKey },
        { ...good, signature: 'x'.repeat(88) },
        { addresses: good.addresses, dhtKey: null, issuedAt: good.issuedAt },
      ];
      for (const record of bad) {
        await rejectsWith(dir.heartbeat('alice', alice.secret, record as typeof good), 'DIRECTORY_REJECTED');
      }
      const seeing = { alice: await giveCapability(dir, alice, 'presence') };
      expect((await dir.lookup(['alice'], seeing))[0]?.presence).toEqual(good);
    });

    it('looks up many users at once, leaving unknown names out', async () => {
      const dir = await open();
      const users = ['alice', 'bob', 'carol'].map(makeUser);
      for (const user of users) await claim(dir, user);
      const entries = await dir.lookup(['carol', 'nobody', 'alice', 'Not Valid', 'carol', 'bob']);
      expect(entries.map((e) => e.username)).toEqual(['carol', 'alice', 'bob']);
      for (const entry of entries) expect(verifyKeyRecord(entry)).toBe(true);
      expect(await dir.lookup([])).toEqual([]);
    });

    it('caps the lookup batch', async () => {
      const dir = await open({ maxLookupBatch: 5 });
      const names = ['a01', 'a02', 'a03', 'a04', 'a05', 'a06'];
      expect(await dir.lookup(names.slice(0, 5))).toEqual([]);
      await rejectsWith(dir.lookup(names), 'DIRECTORY_LIMIT');
    });

    it('publishes signed prekeys and keeps the newest two', async () => {
      const dir = await open();
      const bob = makeUser('bob');
      await claim(dir, bob);
      const prekeys = [1, 2, 3].map((id) => makePrekey(bob, id));
      for (const prekey of prekeys) await dir.publishPrekey('bob', bob.secret, prekey);
      await dir.publishPrekey('bob', bob.secret, defined(prekeys[2]));
      const [entry] = await dir.lookup(['bob']);
      expect(entry?.prekeys).toEqual([prekeys[2], prekeys[1]]);
      for (const prekey of entry?.prekeys ?? []) expect(verifyPrekey('bob', defined(entry).signingKey, prekey)).toBe(true);

      await rejectsWith(dir.publishPrekey('bob', 'wrong-secret-0123456789', makePrekey(bob, 4)), 'DIRECTORY_REJECTED');
      await rejectsWith(dir.publishPrekey('bob', bob.secret, { ...makePrekey(bob, 5), createdAt: 'yesterday' }), 'DIRECTORY_REJECTED');
      await rejectsWith(dir.publishPrekey('bob', bob.secret, { ...makePrekey(bob, 6), id: -1 }), 'DIRECTORY_REJECTED');
      expect((await dir.lookup(['bob']))[0]?.prekeys.map((p) => p.id)).toEqual([3, 2]);
    });

    it('stores, hands out oldest first, and deletes on ack', async () => {
      const dir = await open();
      const bob = makeUser('bob');
      await claim(dir, bob);
      const drop = await giveCapability(dir, bob, 'drop');
      const sent = [envelope(10), envelope(20), envelope(30)];
      const ids: string[] = [];
      for (const item of sent) ids.push(await dir.mailboxPut('bob', item, drop));
      expect(new Set(ids).size).toBe(3);

      const all = await dir.mailboxTake('bob', bob.secret, 10);
      expect(all.map((m) => m.envelope)).toEqual(sent);
      expect(all.map((m) => m.id)).toEqual(ids);
      for (const item of all) expect(Number.isNaN(Date.parse(item.createdAt))).toBe(false);
      expect((await dir.mailboxTake('bob', bob.secret, 2)).map((m) => m.id)).toEqual(ids.slice(0, 2));

      await dir.mailboxAck('bob', bob.secret, ids.slice(0, 2));
      expect((await dir.mailboxTake('bob', bob.secret, 10)).map((m) => m.id)).toEqual([ids[2]]);
      await dir.mailboxAck('bob', bob.secret, [...ids, 'not-a-uuid']);
      expect(await dir.mailboxTake('bob', bob.secret, 10)).toEqual([]);
      await rejectsWith(dir.mailboxTake('bob', bob.secret, 0), 'DIRECTORY_REJECTED');
    });

    it("refuses to hand out or delete someone else's mail", async () => {
      const dir = await open();
      const alice = makeUser('alice');
      const bob = makeUser('bob');
      await claim(dir, alice);
      await claim(dir, bob);
      const drop = await giveCapability(dir, bob, 'drop');
      const id = await dir.mailboxPut('bob', envelope(16), drop);

      await rejectsWith(dir.mailboxTake('bob', alice.secret, 10), 'DIRECTORY_REJECTED');
      await rejectsWith(dir.mailboxAck('bob', alice.secret, [id]), 'DIRECTORY_REJECTED');
      expect(await dir.mailboxTake('alice', alice.secret, 10)).toEqual([]);
      await dir.mailboxAck('alice', alice.secret, [id]);
      expect((await dir.mailboxTake('bob', bob.secret, 10)).map((m) => m.id)).toEqual([id]);
    });

    it('rejects envelopes for unknown recipients and malformed envelopes', async () => {
      const dir = await open();
      const bob = makeUser('bob');
      await claim(dir, bob);
      const drop = await giveCapability(dir, bob, 'drop');
      await rejectsWith(dir.mailboxPut('nobody', envelope(8), drop), 'DIRECTORY_REJECTED');
      await rejectsWith(dir.mailboxPut('bob', '', drop), 'DIRECTORY_REJECTED');
      await rejectsWith(dir.mailboxPut('bob', 'not base64!', drop), 'DIRECTORY_REJECTED');
    });

    it('caps the envelope size', async () => {
      const dir = await open({ maxEnvelopeBytes: 100 });
      const bob = makeUser('bob');
      await claim(dir, bob);
      const drop = await giveCapability(dir, bob, 'drop');
      await dir.mailboxPut('bob', envelope(100), drop);
      await rejectsWith(dir.mailboxPut('bob', envelope(101), drop), 'DIRECTORY_LIMIT');
      await rejectsWith(dir.mailboxPut('bob', envelope(5000), drop), 'DIRECTORY_LIMIT');
    });

    it('caps pending envelopes per recipient', async () => {
      const dir = await open({ maxPendingPerRecipient: 3 });
      const alice = makeUser('alice');
      const bob = makeUser('bob');
      await claim(dir, alice);
      await claim(dir, bob);
      const drop = await giveCapability(dir, bob, 'drop');
      const ids = [];
      for (let i = 0; i < 3; i++) ids.push(await dir.mailboxPut('bob', envelope(8), drop));
      await rejectsWith(dir.mailboxPut('bob', envelope(8), drop), 'DIRECTORY_LIMIT');
      await dir.mailboxPut('alice', envelope(8), await giveCapability(dir, alice, 'drop'));
      await dir.mailboxAck('bob', bob.secret, [defined(ids[0])]);
      await dir.mailboxPut('bob', envelope(8), drop);
    });

    it('holds the pending cap and single ownership under concurrent calls', async () => {
      const dir = await open({ maxPendingPerRecipient: 5 });
      const bob = makeUser('bob');
      await claim(dir, bob);
      const drop = await giveCapability(dir, bob, 'drop');
      const puts = await Promise.allSettled(Array.from({ length: 12 }, () => dir.mailboxPut('bob', envelope(8), drop)));
      expect(puts.filter((p) => p.status === 'fulfilled')).toHaveLength(5);
      for (const p of puts) if (p.status === 'rejected') expect(p.reason).toMatchObject({ code: 'DIRECTORY_LIMIT' });
      expect(await dir.mailboxTake('bob', bob.secret, 100)).toHaveLength(5);

      const rivals = Array.from({ length: 6 }, () => makeUser('carol'));
      const claims = await Promise.allSettled(rivals.map((r) => claim(dir, r)));
      expect(claims.filter((c) => c.status === 'fulfilled')).toHaveLength(1);
      const winner = defined(rivals[claims.findIndex((c) => c.status === 'fulfilled')]);
      expect((await dir.lookup(['carol']))[0]?.publicKey).toBe(winner.record.publicKey);
    });

    it('caps take and ack batches', async () => {
      const dir = await open({ maxTakeBatch: 2 });
      const bob = makeUser('bob');
      await claim(dir, bob);
      const drop = await giveCapability(dir, bob, 'drop');
      const ids = [];
      for (let i = 0; i < 3; i++) ids.push(await dir.mailboxPut('bob', envelope(8), drop));
      expect((await dir.mailboxTake('bob', bob.secret, 10)).map((m) => m.id)).toEqual(ids.slice(0, 2));
      await rejectsWith(dir.mailboxAck('bob', bob.secret, ids), 'DIRECTORY_LIMIT');
    });

    it('drops envelopes older than the age cap', async () => {
      const dir = await open({ maxEnvelopeAgeMs: 300, maxPendingPerRecipient: 1 });
      const bob = makeUser('bob');
      await claim(dir, bob);
      const drop = await giveCapability(dir, bob, 'drop');
      await dir.mailboxPut('bob', envelope(8), drop);
      expect(await dir.mailboxTake('bob', bob.secret, 10)).toHaveLength(1);
      await rejectsWith(dir.mailboxPut('bob', envelope(8), drop), 'DIRECTORY_LIMIT');
      await sleep(600);
      expect(await dir.mailboxTake('bob', bob.secret, 10)).toEqual([]);
      const fresh = await dir.mailboxPut('bob', envelope(8), drop);
      expect((await dir.mailboxTake('bob', bob.secret, 10)).map((m) => m.id)).toEqual([fresh]);
    });
  });
}
