import { describe, expect, it } from 'vitest';
import { newRecoveryCode, normalizeRecoveryCode, recoveryHash } from '../../src/directory/capability.js';
import type { Directory } from '../../src/directory/directory.js';
import { signRotation, verifyRotationChain } from '../../src/directory/rotation.js';
import { directoryOpener, rejectsWith, type MakeDirectory } from './directory-contract.js';
import { claim, envelope, giveCapability, makePrekey, makePresence, makeUser, sleep, type TestUser } from './directory-fixtures.js';
import { defined } from '../../../shared/defined.js';

/** `user` with new keys, and the rotation their old signing key signs for it. */
function rotated(user: TestUser): { next: TestUser; rotation: ReturnType<typeof signRotation> } {
  const next = { ...makeUser(user.record.username), secret: user.secret };
  const rotation = signRotation(
    user.record.username,
    {
      oldPublicKey: user.record.publicKey,
      oldSigningKey: user.record.signingKey,
      newPublicKey: next.record.publicKey,
      newSigningKey: next.record.signingKey,
      issuedAt: new Date().toISOString(),
    },
    user.signingPrivateKey,
  );
  return { next, rotation };
}

const keysOf = (user: TestUser) => ({ publicKey: user.record.publicKey, signingKey: user.record.signingKey });

async function recoverWith(dir: Directory, user: TestUser, code: string): Promise<string> {
  const next = newRecoveryCode();
  await dir.recover(user.record, normalizeRecoveryCode(code) ?? code, user.secret, recoveryHash(defined(normalizeRecoveryCode(next))));
  return next;
}

/** Names expire when idle, move to new keys by a signed rotation, and come back with a recovery code. */
export function runLifecycleContract(name: string, makeDirectory: MakeDirectory): void {
  describe(`directory name lifecycle: ${name}`, () => {
    const open = directoryOpener(makeDirectory);

    it('lets an idle name be claimed again, and a heartbeat keeps it', async () => {
      const { directory: dir } = await open({ nameIdleMs: 1500 });
      const alice = makeUser('alice');
      await claim(dir, alice);
      const drop = await giveCapability(dir, alice, 'drop');
      await dir.mailboxPut('alice', envelope(8), drop);
      await sleep(1000);
      await dir.heartbeat('alice', alice.secret, makePresence(alice));
      await sleep(1000);
      await rejectsWith(claim(dir, makeUser('alice')), 'USERNAME_TAKEN');
      await sleep(1000);
      // Still alice's own until someone claims it.
      await dir.register(alice.record, alice.secret);
      const newcomer = makeUser('alice');
      await claim(dir, newcomer);
      expect((await dir.lookup(['alice']))[0]?.publicKey).toBe(newcomer.record.publicKey);
      // Nothing of the old holder's survives: secret, capabilities, mail.
      await rejectsWith(dir.register(alice.record, alice.secret), 'USERNAME_TAKEN');
      await rejectsWith(dir.mailboxTake('alice', alice.secret, 10), 'DIRECTORY_REJECTED');
      await rejectsWith(dir.mailboxPut('alice', envelope(8), drop), 'CAPABILITY_REQUIRED');
      expect(await dir.mailboxTake('alice', newcomer.secret, 10)).toEqual([]);
    }, 20_000);

    it('moves a user to new keys with a rotation their old key signed', async () => {
      const { directory: dir } = await open({ maxRotationsKept: 2 });
      const alice = makeUser('alice');
      await claim(dir, alice);
      await dir.publishPrekey('alice', alice.secret, makePrekey(alice, 1));
      const { next, rotation } = rotated(alice);
      await rejectsWith(dir.rotateKeys('alice', 'wrong-secret-0123456789', next.record, rotation), 'DIRECTORY_REJECTED');
      await rejectsWith(dir.rotateKeys('alice', alice.secret, alice.record, rotation), 'DIRECTORY_REJECTED');
      await rejectsWith(dir.rotateKeys('alice', alice.secret, next.record, { ...rotation, signature: 'x' }), 'DIRECTORY_REJECTED');
      await dir.rotateKeys('alice', alice.secret, next.record, rotation);
      // Repeating it is fine (a host unsure it landed); a rotation from keys no longer current is not.
      await dir.rotateKeys('alice', alice.secret, next.record, rotation);
      await rejectsWith(dir.rotateKeys('alice', alice.secret, rotated(alice).next.record, rotated(alice).rotation), 'DIRECTORY_REJECTED');

      const [entry] = await dir.lookup(['alice']);
      expect(entry).toMatchObject({ ...next.record, prekeys: [], rotations: [rotation] });
      expect(verifyRotationChain('alice', keysOf(alice), entry?.rotations, keysOf(next))).toBe(true);
      expect(verifyRotationChain('mallory', keysOf(alice), entry?.rotations, keysOf(next))).toBe(false);

      // Two more: the oldest falls out of the kept chain.
      const second = rotated(next);
      await dir.rotateKeys('alice', alice.secret, second.next.record, second.rotation);
      const third = rotated(second.next);
      await dir.rotateKeys('alice', alice.secret, third.next.record, third.rotation);
      const [latest] = await dir.lookup(['alice']);
      expect(latest?.rotations).toEqual([second.rotation, third.rotation]);
      expect(verifyRotationChain('alice', keysOf(next), latest?.rotations, keysOf(third.next))).toBe(true);
      expect(verifyRotationChain('alice', keysOf(alice), latest?.rotations, keysOf(third.next))).toBe(false);
    });

    it('re-claims a name with its recovery code, dropping what the lost keys left', async () => {
      const { directory: dir } = await open({ rateRecoverPerHour: 3 });
      const alice = makeUser('alice');
      const code = await claim(dir, alice);
      const drop = await giveCapability(dir, alice, 'drop');
      await dir.mailboxPut('alice', envelope(8), drop);
      await dir.publishPrekey('alice', alice.secret, makePrekey(alice, 1));
      const lost = makeUser('alice');
      await rejectsWith(recoverWith(dir, lost, newRecoveryCode()), 'RECOVERY_REFUSED');
      await rejectsWith(recoverWith(dir, { ...lost, record: { ...lost.record, username: 'nobody' } }, code), 'RECOVERY_REFUSED');
      // Typed the way people do: lower case, spaces for dashes.
      const next = await recoverWith(dir, lost, code.toLowerCase().replace(/-/g, ' '));
      expect((await dir.lookup(['alice']))[0]).toMatchObject({ ...lost.record, prekeys: [], rotations: [] });
      await dir.heartbeat('alice', lost.secret, makePresence(lost));
      await rejectsWith(dir.heartbeat('alice', alice.secret, makePresence(alice)), 'DIRECTORY_REJECTED');
      await rejectsWith(dir.mailboxPut('alice', envelope(8), drop), 'CAPABILITY_REQUIRED');
      expect(await dir.mailboxTake('alice', lost.secret, 10)).toEqual([]);
      // The code is spent; the new one works. Refused attempts counted: the limit is reached.
      await rejectsWith(recoverWith(dir, makeUser('alice'), next), 'RATE_LIMITED');
    });

    it('spends a recovery code once', async () => {
      const { directory: dir } = await open();
      const alice = makeUser('alice');
      const code = await claim(dir, alice);
      const phone = makeUser('alice');
      const next = await recoverWith(dir, phone, code);
      await rejectsWith(recoverWith(dir, makeUser('alice'), code), 'RECOVERY_REFUSED');
      const laptop = makeUser('alice');
      await recoverWith(dir, laptop, next);
      expect((await dir.lookup(['alice']))[0]?.publicKey).toBe(laptop.record.publicKey);
    });
  });
}
