import type { Limits } from '../config/limits.js';
import type { EnvelopeRecipient } from '../crypto/envelope.js';
import { fromBase64, generateX25519, toBase64 } from '../crypto/identity.js';
import type { Directory } from '../directory/directory.js';
import { signPrekey } from '../directory/records.js';
import type { PrekeysRepo } from '../store/prekeys-repo.js';
import type { Registration } from './registration.js';
import { defined } from '../../../shared/defined.js';

/**
 * Our signed X25519 prekeys, which friends seal mail for: created, published,
 * rotated every `prekeyRotateMs`, private halves kept `prekeyGraceMs` longer
 * so mail sealed for an older one still opens.
 */
export class Prekeys {
  constructor(
    private readonly deps: {
      prekeys: PrekeysRepo;
      directory: Pick<Directory, 'publishPrekey'>;
      registration: Pick<Registration, 'username' | 'secret'>;
      /** Our current signing key (a key rotation changes it). */
      signingKey: () => Uint8Array;
      limits: Pick<Limits, 'prekeyRotateMs' | 'prekeyGraceMs'>;
    },
  ) {}

  /** How old a prekey may be and still open mail. */
  get maxAgeMs(): number {
    return this.deps.limits.prekeyRotateMs + this.deps.limits.prekeyGraceMs;
  }

  /**
   * Creates and publishes a prekey when there is none, the newest is due for
   * rotation, or `fresh` asks for one (our keys rotated: the directory
   * dropped the prekeys the old key signed).
   */
  async ensure(fresh = false): Promise<void> {
    const username = this.deps.registration.username();
    if (!username) return;
    const { prekeys } = this.deps;
    let newest = prekeys.newest();
    if (fresh || !newest || Date.now() - Date.parse(newest.created_at) > this.deps.limits.prekeyRotateMs) {
      const pair = generateX25519();
      const signed = signPrekey(
        username,
        { id: (newest?.id ?? 0) + 1, publicKey: toBase64(pair.publicKey), createdAt: new Date().toISOString() },
        this.deps.signingKey(),
      );
      prekeys.insert({
        id: signed.id,
        public_key: signed.publicKey,
        private_key: toBase64(pair.privateKey),
        created_at: signed.createdAt,
        signature: signed.signature,
      });
      newest = defined(prekeys.newest());
    }
    if (!newest.published) {
      await this.deps.directory.publishPrekey(username, this.deps.registration.secret(), {
        id: newest.id,
        publicKey: newest.public_key,
        createdAt: newest.created_at,
        signature: newest.signature,
      });
      prekeys.markPublished(newest.id);
    }
    prekeys.prune(new Date(Date.now() - this.maxAgeMs).toISOString());
  }

  /** The private halves still allowed to open mail. */
  openingKeys(): EnvelopeRecipient['prekeys'] {
    return this.deps.prekeys.all().map((p) => ({
      id: p.id,
      keyPair: { publicKey: fromBase64(p.public_key), privateKey: fromBase64(p.private_key) },
      createdAt: p.created_at,
    }));
  }
}
