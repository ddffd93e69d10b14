import { createHash, randomInt } from 'node:crypto';

/**
 * Hashcash over SHA-256, which core PostgreSQL has (`sha256()`), so the SQL
 * directory checks proofs with no extension. A proof is a nonce that makes
 *
 *   SHA-256("parley/1 pow\n" + purpose + "\n" + subject + "\n" + minute + "\n" + nonce)
 *
 * start with `bits` zero bits. The stamp binds the operation (a sign-up for
 * this name; an introduction of this exact envelope to this recipient) and a
 * coarse time (minutes since the epoch) the directory accepts only within
 * its window, so a proof is good for one operation, only briefly, and
 * cannot be worked out in bulk ahead of time. The directory also remembers
 * spent proofs until their window closes.
 */
export type WorkPurpose = 'register' | 'intro';

export interface WorkProof {
  /** Minutes since the Unix epoch, by the solver's clock. */
  minute: number;
  /** Lower-case base-36 digits. */
  nonce: string;
}

export const NONCE_PATTERN = /^[0-9a-z]{1,32}$/;

export function workStamp(purpose: WorkPurpose, subject: string, minute: number, nonce: string): string {
  return `parley/1 pow\n${purpose}\n${subject}\n${minute}\n${nonce}`;
}

/** The subject an introduction's proof binds: the recipient and the envelope's own hash. */
export function introSubject(recipient: string, envelopeB64: string): string {
  return `${recipient}\n${createHash('sha256').update(envelopeB64, 'utf8').digest('hex')}`;
}

export function minuteOf(ms: number): number {
  return Math.floor(ms / 60_000);
}

/** True when `hash` starts with at least `bits` zero bits. */
export function hasLeadingZeroBits(hash: Uint8Array, bits: number): boolean {
  const full = Math.floor(bits / 8);
  for (let i = 0; i < full; i++) if (hash[i] !== 0) return false;
  const rest = bits % 8;
  return rest === 0 || (hash[full] ?? 0) < 1 << (8 - rest);
}

export type WorkVerdict = 'ok' | 'malformed' | 'stale' | 'weak';

/** Checks a proof against the directory's difficulty and clock (reuse is the caller's to refuse). */
export function checkWork(
  purpose: WorkPurpose,
  subject: string,
  proof: unknown,
  bits: number,
  nowMs: number,
  windowMinutes: number,
): WorkVerdict {
  if (typeof proof !== 'object' || proof === null) return 'malformed';
  const { minute, nonce } = proof as Partial<WorkProof>;
  if (typeof minute !== 'number' || !Number.isSafeInteger(minute) || typeof nonce !== 'string' || !NONCE_PATTERN.test(nonce)) return 'malformed';
  if (Math.abs(minuteOf(nowMs) - minute) > windowMinutes) return 'stale';
  const hash = createHash('sha256').update(workStamp(purpose, subject, minute, nonce), 'utf8').digest();
  return hasLeadingZeroBits(hash, bits) ? 'ok' : 'weak';
}

/** The stamp's SHA-256 (hex), which the directory keeps while the proof could still be replayed. */
export function workHash(purpose: WorkPurpose, subject: string, proof: WorkProof): string {
  return createHash('sha256').update(workStamp(purpose, subject, proof.minute, proof.nonce), 'utf8').digest('hex');
}

/** How many hashes one slice of solving tries before yielding to the event loop. */
const SLICE = 4096;

/**
 * Finds a proof: 2^bits hashes on average. Works in slices and yields
 * between them, so the host stays responsive while it solves; `signal`
 * stops it.
 */
export async function solveWork(
  purpose: WorkPurpose,
  subject: string,
  bits: number,
  options: { nowMs?: number; signal?: AbortSignal } = {},
): Promise<WorkProof & { tries: number }> {
  const minute = minuteOf(options.nowMs ?? Date.now());
  const prefix = createHash('sha256').update(workStamp(purpose, subject, minute, ''), 'utf8');
  // A random start, so two solvers of the same stamp (rivals for one name) do not find the same spent proof.
  const start = randomInt(2 ** 47);
  for (let counter = start; ; ) {
    options.signal?.throwIfAborted();
    for (const end = counter + SLICE; counter < end; counter++) {
      const nonce = counter.toString(36);
      if (hasLeadingZeroBits(prefix.copy().update(nonce, 'utf8').digest(), bits)) return { minute, nonce, tries: counter - start + 1 };
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}
