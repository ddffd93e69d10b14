import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * How a running host proves it is the one `host.json` describes before a
 * launcher (or the doctor) hands it anything. Each host writes a fresh
 * random key into host.json (0600, in the 0700 data dir) and answers a
 * challenge with HMAC-SHA256(key, context ‖ nonce). Whoever merely listens on
 * the port a stale host.json names sees a random nonce and learns nothing;
 * it cannot answer without the key, which only this profile's user can read.
 */
const CONTEXT = 'parley/1 host proof\n';

/** A challenge: 32 random bytes, hex. */
export const NONCE_PATTERN = /^[0-9a-f]{64}$/;

export function newProofKey(): string {
  return randomBytes(32).toString('hex');
}

export function newNonce(): string {
  return randomBytes(32).toString('hex');
}

/** The answer to `nonce` from the host holding `proofKey` (hex). */
export function hostProof(proofKey: string, nonce: string): string {
  return createHmac('sha256', Buffer.from(proofKey, 'hex')).update(CONTEXT + nonce).digest('hex');
}

/** Whether `answer` is the proof for `nonce` under `proofKey`; compared in constant time. */
export function isHostProof(proofKey: string, nonce: string, answer: unknown): boolean {
  if (typeof answer !== 'string' || !/^[0-9a-f]{64}$/.test(answer)) return false;
  return timingSafeEqual(Buffer.from(hostProof(proofKey, nonce), 'hex'), Buffer.from(answer, 'hex'));
}
