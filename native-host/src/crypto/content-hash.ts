import { loadSodium } from './sodium.js';

const sodium = await loadSodium();

/** Bytes of an attachment's content hash: BLAKE2b-256. */
export const CONTENT_HASH_BYTES = 32;
/** The hex form that names a file in the attachment store and travels in offers. */
export const CONTENT_HASH_PATTERN = /^[0-9a-f]{64}$/;

/**
 * BLAKE2b-256 over a stream of chunks (libsodium's streaming generichash),
 * so a file is hashed as it passes without being held whole. The state
 * lives in libsodium's heap until `digest` or `discard` frees it: call one
 * of them exactly once.
 */
export class ContentHasher {
  private state: ReturnType<typeof sodium.crypto_generichash_init> | null = sodium.crypto_generichash_init(null, CONTENT_HASH_BYTES);
  private length = 0;

  update(chunk: Uint8Array): void {
    if (this.state === null) throw new Error('hasher already finished');
    sodium.crypto_generichash_update(this.state, chunk);
    this.length += chunk.length;
  }

  /** Bytes hashed so far. */
  get bytes(): number {
    return this.length;
  }

  /** The hex digest; frees the state. */
  digest(): string {
    if (this.state === null) throw new Error('hasher already finished');
    const state = this.state;
    this.state = null;
    return sodium.to_hex(sodium.crypto_generichash_final(state, CONTENT_HASH_BYTES));
  }

  /** Frees the state without a digest (an upload that failed). */
  discard(): void {
    if (this.state !== null) this.digest();
  }
}

/** BLAKE2b-256 of bytes in memory, hex. */
export function contentHash(bytes: Uint8Array): string {
  return sodium.to_hex(sodium.crypto_generichash(CONTENT_HASH_BYTES, bytes, null));
}
