import { toBase64, type IdentityKeys } from '../crypto/identity.js';
import type { IdentityFile, IdentityState, PendingRotation } from '../store/identity-file.js';

/**
 * This profile's identity keys. The key pairs object is live: the peer
 * layer holds the same object, and a key rotation changes it in place, so
 * every handshake, signature and envelope from then on uses the new keys.
 * X25519 pairs rotated away from are kept as long as mail sealed for them
 * can still arrive.
 */
export class OwnIdentity {
  constructor(
    private readonly state: IdentityState,
    private readonly file: Pick<IdentityFile, 'save'>,
    /** How long a retired key pair still opens mail (prekey lifetime and grace). */
    private readonly retiredKeyMs: number,
  ) {}

  get keys(): IdentityKeys {
    return this.state.current;
  }

  publicKey(): string {
    return toBase64(this.state.current.publicKey);
  }

  signingKey(): string {
    return toBase64(this.state.current.signingPublicKey);
  }

  /** X25519 pairs that may open mail sealed for us: the current one first. */
  openers(now = Date.now()): Array<Pick<IdentityKeys, 'publicKey' | 'privateKey'>> {
    const retired = this.state.previous.filter((p) => now - Date.parse(p.retiredAt) < this.retiredKeyMs);
    return [this.state.current, ...retired];
  }

  pending(): PendingRotation | null {
    return this.state.pending;
  }

  /** Writes the rotation down before the directory hears of it. */
  begin(pending: PendingRotation): void {
    this.state.pending = pending;
    this.file.save(this.state);
  }

  /** The directory refused the rotation: the current keys stay. */
  abandon(): void {
    this.state.pending = null;
    this.file.save(this.state);
  }

  /** The directory took the rotation: the pending keys become the current ones, here and in the peer layer. */
  complete(now = Date.now()): void {
    const pending = this.state.pending;
    if (!pending) return;
    const { publicKey, privateKey } = this.state.current;
    const retired = { publicKey: publicKey.slice(), privateKey: privateKey.slice(), retiredAt: new Date(now).toISOString() };
    Object.assign(this.state.current, pending.keys);
    this.state.previous = [retired, ...this.state.previous].filter((p) => now - Date.parse(p.retiredAt) < this.retiredKeyMs);
    this.state.pending = null;
    this.file.save(this.state);
  }
}
