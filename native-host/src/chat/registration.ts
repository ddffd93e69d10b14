import { randomBytes } from 'node:crypto';
import type { Directory } from '../directory/directory.js';
import { signKeyRecord } from '../directory/records.js';
import { errors, isParleyError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { MetaRepo } from '../store/meta-repo.js';

/**
 * This profile's claim on its username in the directory. The claim is bound
 * to a random secret kept in the profile; the directory stores only its hash.
 * Also the one place that knows our username (read on every message, so kept
 * in memory).
 */
export class Registration {
  private name: string | null;

  constructor(
    private readonly deps: {
      meta: MetaRepo;
      directory: Pick<Directory, 'register'>;
      /** Our public keys, base64, and the signing private key for the key record. */
      identity: { publicKey: string; signingKey: string; signingPrivateKey: Uint8Array };
      log: Logger;
    },
  ) {
    this.name = deps.meta.get('username');
  }

  /** This profile's username; null until set up. */
  username(): string | null {
    return this.name;
  }

  secret(): string {
    let secret = this.deps.meta.get('directory_secret');
    if (!secret) {
      secret = randomBytes(32).toString('base64url');
      this.deps.meta.set('directory_secret', secret);
    }
    return secret;
  }

  /** Claims `username` for this profile (POST /setup, --username on first run). */
  async claim(username: string): Promise<void> {
    if (this.name) throw errors.alreadySetUp(this.name);
    await this.register(username);
    this.deps.meta.set('username', username);
    this.name = username;
  }

  /**
   * Repeats the claim for a profile already set up: registration is
   * idempotent, and a directory that lost its data (a new local file, a reset
   * project) learns the user again.
   */
  async reassert(): Promise<void> {
    if (!this.name) return;
    try {
      await this.register(this.name);
    } catch (err) {
      if (isParleyError(err, 'USERNAME_TAKEN')) {
        this.deps.log.error('the directory gives our username to other keys', { username: this.name });
      } else {
        throw err;
      }
    }
  }

  private async register(username: string): Promise<void> {
    const { publicKey, signingKey, signingPrivateKey } = this.deps.identity;
    const record = signKeyRecord({ username, publicKey, signingKey }, signingPrivateKey);
    await this.deps.directory.register(record, this.secret());
  }
}
