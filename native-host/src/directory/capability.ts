import { createHash, randomBytes } from 'node:crypto';
import { defined } from '../../../shared/defined.js';

/**
 * Capabilities: random tokens a user gives one friend each. A *drop*
 * capability lets its holder put mail in the giver's mailbox; a *presence*
 * capability lets its holder read the giver's presence record and
 * last_seen. The directory stores only their SHA-256 (hex), registered by
 * the giver with no word of whom each is for, and removing one refuses its
 * holder at once.
 */
export type CapabilityKind = 'drop' | 'presence';

export interface CapabilityGrant {
  kind: CapabilityKind;
  /** SHA-256 of the capability, lower-case hex. */
  hash: string;
}

/** 256 bits from the CSPRNG, base64url without padding (43 characters). */
export const CAPABILITY_PATTERN = /^[A-Za-z0-9_-]{43}$/;
export const CAPABILITY_HASH_PATTERN = /^[0-9a-f]{64}$/;

export function newCapability(): string {
  return randomBytes(32).toString('base64url');
}

export function capabilityHash(capability: string): string {
  return createHash('sha256').update(capability, 'utf8').digest('hex');
}

export function isCapability(value: unknown): value is string {
  return typeof value === 'string' && CAPABILITY_PATTERN.test(value);
}

/**
 * Recovery codes: 160 random bits shown once at setup as eight groups of
 * four Crockford base-32 digits. The directory stores the SHA-256 of the
 * normalised code (32 digits, no separators) and re-binds the name to new
 * keys for whoever presents the code.
 */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const RECOVERY_CODE_PATTERN = /^[0-9A-HJKMNP-TV-Z]{32}$/;

export function newRecoveryCode(): string {
  const bytes = randomBytes(20);
  let bits = 0;
  let value = 0;
  let digits = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      digits += CROCKFORD[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return defined(digits.match(/.{4}/g)).join('-');
}

/** What the user typed, as the directory hashes it: upper case, no separators, O→0 and I/L→1. Null when it cannot be a code. */
export function normalizeRecoveryCode(input: string): string | null {
  const code = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return RECOVERY_CODE_PATTERN.test(code) ? code : null;
}

export function recoveryHash(normalizedCode: string): string {
  return createHash('sha256').update(normalizedCode, 'utf8').digest('hex');
}
