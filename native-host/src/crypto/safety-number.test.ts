import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { safetyNumber, SAFETY_NUMBER_ITERATIONS, type SafetyNumberParty } from './safety-number.js';
import { loadSodium } from './sodium.js';

const sodium = await loadSodium();
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const party = (username: string): SafetyNumberParty => ({
  username,
  publicKey: b64(sodium.crypto_box_keypair().publicKey),
  signingKey: b64(sodium.crypto_sign_keypair().publicKey),
});

// The same recipe written against node:crypto, to check the libsodium one.
function referenceHalf(p: SafetyNumberParty): string {
  const keys = Buffer.concat([Buffer.from(p.publicKey as string, 'base64'), Buffer.from(p.signingKey as string, 'base64')]);
  let hash = createHash('sha512').update(Buffer.from([0, 0])).update(keys).update(p.username).digest();
  for (let i = 0; i < SAFETY_NUMBER_ITERATIONS; i++) hash = createHash('sha512').update(hash).update(keys).digest();
  let out = '';
  for (let i = 0; i < 30; i += 5) out += String(Number(hash.readUIntBE(i, 5) % 100_000)).padStart(5, '0');
  return out;
}

describe('safetyNumber', () => {
  const alice = party('alice');
  const bob = party('bob');

  it('is 60 digits in 12 groups of 5', () => {
    expect(safetyNumber(alice, bob)).toMatch(/^\d{5}( \d{5}){11}$/);
  });

  it('is the same for both parties', () => {
    expect(safetyNumber(alice, bob)).toBe(safetyNumber(bob, alice));
  });

  it('matches an independent SHA-512 implementation of the recipe', () => {
    const halves = [referenceHalf(alice), referenceHalf(bob)].sort().join('');
    expect(safetyNumber(alice, bob).replaceAll(' ', '')).toBe(halves);
  });

  it('changes when any key or username changes', () => {
    const base = safetyNumber(alice, bob);
    const fresh = party('x');
    const variants = [
      { ...alice, publicKey: fresh.publicKey },
      { ...alice, signingKey: fresh.signingKey },
      { ...alice, username: 'alicia' },
    ];
    for (const changed of variants) {
      expect(safetyNumber(changed, bob)).not.toBe(base);
      expect(safetyNumber(bob, changed)).toBe(safetyNumber(changed, bob));
    }
    expect(safetyNumber(alice, { ...bob, publicKey: fresh.publicKey })).not.toBe(base);
    expect(safetyNumber(alice, { ...bob, signingKey: fresh.signingKey })).not.toBe(base);
  });

  it('accepts raw key bytes', () => {
    const raw = { ...alice, publicKey: Buffer.from(alice.publicKey as string, 'base64') };
    expect(safetyNumber(raw, bob)).toBe(safetyNumber(alice, bob));
  });
});
