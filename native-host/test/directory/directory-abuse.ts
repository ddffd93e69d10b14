import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { capabilityHash, newCapability, newRecoveryCode, normalizeRecoveryCode, recoveryHash } from '../../src/directory/capability.js';
import type { Directory } from '../../src/directory/directory.js';
import { hasLeadingZeroBits, introSubject, minuteOf, solveWork, workStamp, type WorkPurpose } from '../../src/directory/proof-of-work.js';
import { directoryOpener, rejectsWith, type MakeDirectory } from './directory-contract.js';
import { claim, envelope, giveCapability, introduce, makePrekey, makePresence, makeUser, sleep, type TestUser } from './directory-fixtures.js';
import { defined } from '../../../shared/defined.js';

// Client addresses used only as header values (documentation ranges).
const ADDRESS = '198.18.0.7';
const OTHER_ADDRESS = '203.0.113.9';

/** A proof for `bits` that is certainly too weak for more: its hash has fewer than `bits` leading zero bits. */
function weakProof(purpose: WorkPurpose, subject: string, bits: number) {
  const minute = minuteOf(Date.now());
  for (let n = 0; ; n++) {
    const nonce = n.toString(36);
    const hash = createHash('sha256').update(workStamp(purpose, subject, minute, nonce)).digest();
    if (!hasLeadingZeroBits(hash, bits)) return { minute, nonce };
  }
}

async function claimWith(dir: Directory, user: TestUser, work: { minute: number; nonce: string }): Promise<void> {
  const hash = recoveryHash(defined(normalizeRecoveryCode(newRecoveryCode())));
  await dir.register(user.record, user.secret, { recoveryHash: hash, work });
}

/**
 * What an anonymous client can no longer do (issue 13). For the SQL
 * directory every call here runs as the `anon` role through postgrest-lite,
 * exactly as a client holding the public anon key would.
 */
export function runAbuseContract(name: string, makeDirectory: MakeDirectory): void {
  describe(`directory abuse: ${name}`, () => {
    const open = directoryOpener(makeDirectory);

    it('cuts 300 sign-ups from one address off at the limit', async () => {
      const { from, addresses } = await open({ rateRegisterPerHour: 30 });
      const dir = from(ADDRESS);
      const { powRegisterBits } = await dir.policy();
      const outcomes: string[] = [];
      for (let i = 0; i < 300; i++) {
        const user = makeUser(`signup${i}`);
        const work = await solveWork('register', user.record.username, powRegisterBits);
        outcomes.push(await claimWith(dir, user, work).then(() => 'ok', (err: { code?: string }) => err.code ?? 'error'));
      }
      expect(outcomes.filter((o) => o === 'ok')).toHaveLength(30);
      expect(outcomes.slice(30).every((o) => o === 'RATE_LIMITED')).toBe(true);
      // Another address has its own bucket; a forged entry to the left of the proxy's does not help.
      const late = makeUser('late');
      const lateWork = await solveWork('register', 'late', powRegisterBits);
      if (addresses) {
        await rejectsWith(claimWith(from(`${OTHER_ADDRESS}, ${ADDRESS}`), late, lateWork), 'RATE_LIMITED');
        await claimWith(from(OTHER_ADDRESS), late, lateWork);
      } else {
        await rejectsWith(claimWith(from(OTHER_ADDRESS), late, lateWork), 'RATE_LIMITED');
      }
    }, 120_000);

    it('wants a fresh proof of work bound to the name, at the difficulty it announces', async () => {
      const { directory: dir } = await open({ powRegisterBits: 16, powWindowMinutes: 5 });
      expect(await dir.policy()).toMatchObject({ powRegisterBits: 16, powWindowMinutes: 5 });
      const alice = makeUser('alice');
      await rejectsWith(dir.register(alice.record, alice.secret), 'PROOF_REQUIRED');
      await rejectsWith(claimWith(dir, alice, weakProof('register', 'alice', 16)), 'PROOF_REQUIRED');
      const forBob = await solveWork('register', 'bob', 16);
      await rejectsWith(claimWith(dir, alice, forBob), 'PROOF_REQUIRED');
      const stale = await solveWork('register', 'alice', 16, { nowMs: Date.now() - 6 * 60_000 });
      await rejectsWith(claimWith(dir, alice, stale), 'PROOF_REQUIRED');
      await rejectsWith(claimWith(dir, alice, { minute: minuteOf(Date.now()), nonce: 'NOT valid!' }), 'PROOF_REQUIRED');
      expect(await dir.lookup(['alice'])).toEqual([]);
      const good = await solveWork('register', 'alice', 16);
      await claimWith(dir, alice, good);
      // The claim's own repeat needs no proof; anyone else's use of the name is refused.
      await dir.register(alice.record, alice.secret);
      await rejectsWith(claimWith(dir, makeUser('alice'), await solveWork('register', 'alice', 16)), 'USERNAME_TAKEN');
    });

    it('refuses mail without a capability, with a foreign one, and with the wrong kind', async () => {
      const { directory: dir } = await open();
      const [bob, carol] = [makeUser('bob'), makeUser('carol')];
      await claim(dir, bob);
      await claim(dir, carol);
      const carolsDrop = await giveCapability(dir, carol, 'drop');
      const bobsPresence = await giveCapability(dir, bob, 'presence');
      for (const capability of [null, carolsDrop, bobsPresence, newCapability(), 'not a capability']) {
        await rejectsWith(dir.mailboxPut('bob', envelope(32), capability), 'CAPABILITY_REQUIRED');
      }
      const bobsDrop = await giveCapability(dir, bob, 'drop');
      const id = await dir.mailboxPut('bob', envelope(32), bobsDrop);
      expect((await dir.mailboxTake('bob', bob.secret, 10)).map((m) => m.id)).toEqual([id]);
    });

    it('stops a revoked capability at once', async () => {
      const { directory: dir } = await open();
      const bob = makeUser('bob');
      await claim(dir, bob);
      await dir.heartbeat('bob', bob.secret, makePresence(bob));
      const drop = await giveCapability(dir, bob, 'drop');
      const seeing = await giveCapability(dir, bob, 'presence');
      const other = await giveCapability(dir, bob, 'drop');
      await dir.mailboxPut('bob', envelope(8), drop);
      expect((await dir.lookup(['bob'], { bob: seeing }))[0]?.presence).not.toBeNull();
      await dir.revoke('bob', bob.secret, [capabilityHash(drop), capabilityHash(seeing)]);
      await rejectsWith(dir.mailboxPut('bob', envelope(8), drop), 'CAPABILITY_REQUIRED');
      expect((await dir.lookup(['bob'], { bob: seeing }))[0]).toMatchObject({ presence: null, lastSeen: null });
      // Exactly those: another friend's capability still works.
      await dir.mailboxPut('bob', envelope(8), other);
      await rejectsWith(dir.revoke('bob', 'wrong-secret-0123456789', [capabilityHash(other)]), 'DIRECTORY_REJECTED');
    });

    it('checks capability grants', async () => {
      const { directory: dir } = await open({ maxCapabilitiesPerUser: 3 });
      const [bob, carol] = [makeUser('bob'), makeUser('carol')];
      await claim(dir, bob);
      await claim(dir, carol);
      const hash = capabilityHash(newCapability());
      await rejectsWith(dir.grant('bob', carol.secret, [{ kind: 'drop', hash }]), 'DIRECTORY_REJECTED');
      await rejectsWith(dir.grant('bob', bob.secret, [{ kind: 'drop', hash: 'abc' }]), 'DIRECTORY_REJECTED');
      await rejectsWith(dir.grant('bob', bob.secret, [{ kind: 'admin' as 'drop', hash }]), 'DIRECTORY_REJECTED');
      await dir.grant('bob', bob.secret, [{ kind: 'drop', hash }]);
      await dir.grant('bob', bob.secret, [{ kind: 'drop', hash }]);
      await rejectsWith(dir.grant('carol', carol.secret, [{ kind: 'drop', hash }]), 'DIRECTORY_REJECTED');
      await rejectsWith(dir.grant('bob', bob.secret, [{ kind: 'presence', hash }]), 'DIRECTORY_REJECTED');
      const more = Array.from({ length: 3 }, () => ({ kind: 'presence' as const, hash: capabilityHash(newCapability()) }));
      await rejectsWith(dir.grant('bob', bob.secret, more), 'DIRECTORY_LIMIT');
      await dir.grant('bob', bob.secret, more.slice(0, 2));
    });

    it("shows a stranger the key record and prekeys, never the address or last_seen", async () => {
      const { directory: dir } = await open();
      const [bob, carol] = [makeUser('bob'), makeUser('carol')];
      await claim(dir, bob);
      await claim(dir, carol);
      const prekey = makePrekey(bob, 1);
      await dir.publishPrekey('bob', bob.secret, prekey);
      const presence = makePresence(bob, { addresses: ['198.18.3.4:9100'] });
      await dir.heartbeat('bob', bob.secret, presence);
      const carolsSeeing = await giveCapability(dir, carol, 'presence');
      const views: Array<Record<string, string> | undefined> = [undefined, {}, { bob: carolsSeeing }, { bob: newCapability() }, { carol: carolsSeeing }];
      for (const capabilities of views) {
        const [entry] = await dir.lookup(['bob'], capabilities);
        expect(entry).toEqual({ ...bob.record, prekeys: [prekey], rotations: [], presence: null, lastSeen: null });
      }
      const seeing = await giveCapability(dir, bob, 'presence');
      const [friendView, strangerView] = await dir.lookup(['bob', 'carol'], { bob: seeing });
      expect(friendView?.presence).toEqual(presence);
      expect(friendView?.lastSeen).not.toBeNull();
      expect(strangerView).toMatchObject({ username: 'carol', presence: null, lastSeen: null });
    });

    it('never lets an introduction flood block a friend’s mail', async () => {
      const { from, directory: dir } = await open({ introMaxPending: 4, maxPendingPerRecipient: 5, rateIntroPerHour: 100 });
      const bob = makeUser('bob');
      await claim(dir, bob);
      const drop = await giveCapability(dir, bob, 'drop');
      const stranger = from(ADDRESS);
      const intros: string[] = [];
      for (let i = 0; i < 4; i++) intros.push(await introduce(stranger, 'bob', envelope(200)));
      await rejectsWith(introduce(stranger, 'bob', envelope(200)), 'DIRECTORY_LIMIT');
      const mail: string[] = [];
      for (let i = 0; i < 5; i++) mail.push(await dir.mailboxPut('bob', envelope(64), drop));
      // Friends' mail comes first, whatever arrived before it.
      expect((await dir.mailboxTake('bob', bob.secret, 100)).map((m) => m.id)).toEqual([...mail, ...intros]);
      expect((await dir.mailboxTake('bob', bob.secret, 5)).map((m) => m.id)).toEqual(mail);
      await dir.mailboxAck('bob', bob.secret, intros);
      await introduce(stranger, 'bob', envelope(200));
    });

    it('keeps introductions small, paid for and rate limited', async () => {
      const { from, directory: dir, addresses } = await open({ introMaxBytes: 512, powIntroBits: 12, rateIntroPerHour: 3 });
      const bob = makeUser('bob');
      await claim(dir, bob);
      const stranger = from(ADDRESS);
      await rejectsWith(introduce(stranger, 'bob', envelope(513)), 'DIRECTORY_LIMIT');
      const sealed = envelope(100);
      await rejectsWith(stranger.introPut('bob', sealed, weakProof('intro', introSubject('bob', sealed), 12)), 'PROOF_REQUIRED');
      // A proof is for one envelope, once.
      const work = await solveWork('intro', introSubject('bob', sealed), 12);
      await rejectsWith(stranger.introPut('bob', envelope(100), work), 'PROOF_REQUIRED');
      await stranger.introPut('bob', sealed, work);
      await rejectsWith(stranger.introPut('bob', sealed, work), 'PROOF_REQUIRED');
      await rejectsWith(introduce(stranger, 'nobody', envelope(100)), 'DIRECTORY_REJECTED');
      await introduce(stranger, 'bob', envelope(100));
      await introduce(stranger, 'bob', envelope(100));
      await rejectsWith(introduce(stranger, 'bob', envelope(100)), 'RATE_LIMITED');
      if (addresses) await introduce(from(OTHER_ADDRESS), 'bob', envelope(100));
    });

    it('expires introductions sooner than mail', async () => {
      const { directory: dir } = await open({ introMaxAgeMs: 300 });
      const bob = makeUser('bob');
      await claim(dir, bob);
      await introduce(dir, 'bob', envelope(100));
      const mail = await dir.mailboxPut('bob', envelope(100), await giveCapability(dir, bob, 'drop'));
      await sleep(700);
      expect((await dir.mailboxTake('bob', bob.secret, 10)).map((m) => m.id)).toEqual([mail]);
    });

    it('rate limits puts per address', async () => {
      const { from, directory: dir, addresses } = await open({ rateDropPerMinute: 3 });
      const bob = makeUser('bob');
      await claim(dir, bob);
      const drop = await giveCapability(dir, bob, 'drop');
      const sender = from(ADDRESS);
      for (let i = 0; i < 3; i++) await sender.mailboxPut('bob', envelope(8), drop);
      await rejectsWith(sender.mailboxPut('bob', envelope(8), drop), 'RATE_LIMITED');
      if (addresses) await from(OTHER_ADDRESS).mailboxPut('bob', envelope(8), drop);
    });

    it('caps the names and bytes it holds for everyone', async () => {
      const { directory: dir } = await open({ maxUsers: 2, maxStoredBytes: 400 });
      const [alice, bob] = [makeUser('alice'), makeUser('bob')];
      await claim(dir, alice);
      await claim(dir, bob);
      await rejectsWith(claim(dir, makeUser('carol')), 'QUOTA_EXCEEDED');
      const drop = await giveCapability(dir, bob, 'drop');
      // 200 bytes of base64 each.
      const first = await dir.mailboxPut('bob', envelope(150), drop);
      await dir.mailboxPut('bob', envelope(150), drop);
      await rejectsWith(dir.mailboxPut('bob', envelope(150), drop), 'QUOTA_EXCEEDED');
      await rejectsWith(introduce(dir, 'bob', envelope(150)), 'QUOTA_EXCEEDED');
      await dir.mailboxAck('bob', bob.secret, [first]);
      await dir.mailboxPut('bob', envelope(150), drop);
    });
  });
}
