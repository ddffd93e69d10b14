import { describe, expect, it } from 'vitest';
import { hostProof, isHostProof, newNonce, newProofKey, NONCE_PATTERN } from './host-proof.js';

describe('host proof', () => {
  it('is accepted for its key and nonce only', () => {
    const key = newProofKey();
    const nonce = newNonce();
    expect(nonce).toMatch(NONCE_PATTERN);
    const proof = hostProof(key, nonce);
    expect(isHostProof(key, nonce, proof)).toBe(true);
    expect(isHostProof(newProofKey(), nonce, proof)).toBe(false);
    expect(isHostProof(key, newNonce(), proof)).toBe(false);
    for (const junk of [undefined, null, 42, '', proof.toUpperCase(), proof.slice(1), `${proof}00`, nonce]) {
      expect(isHostProof(key, nonce, junk)).toBe(false);
    }
  });

  it('is a fixed function of key and nonce (HMAC-SHA256 over the context and the nonce)', () => {
    expect(hostProof('00'.repeat(32), 'ab'.repeat(32))).toBe(hostProof('00'.repeat(32), 'ab'.repeat(32)));
    expect(hostProof('00'.repeat(32), 'ab'.repeat(32))).toMatch(/^[0-9a-f]{64}$/);
  });
});
