import { randomBytes } from 'node:crypto';
import { signKeyRecord } from '../directory/records.js';
import { errors, isParleyError } from '../errors.js';
import type { ChatContext } from './context.js';

/**
 * This profile's claim on its username in the directory. The claim is bound
 * to a random secret kept in the profile; the directory stores only its hash.
 */
export class Registration {
  constructor(private readonly ctx: ChatContext) {}

  secret(): string {
    let secret = this.ctx.store.meta.get('directory_secret');
    if (!secret) {
      secret = randomBytes(32).toString('base64url');
      this.ctx.store.meta.set('directory_secret', secret);
    }
    return secret;
  }

  /** Claims `username` for this profile (POST /setup, --username on first run). */
  async claim(username: string): Promise<void> {
    const current = this.ctx.username();
    if (current) throw errors.alreadySetUp(current);
    await this.register(username);
    this.ctx.store.meta.set('username', username);
  }

  /**
   * Repeats the claim for a profile already set up: registration is
   * idempotent, and a directory that lost its data (a new local file, a reset
   * project) learns the user again.
   */
  async reassert(): Promise<void> {
    const username = this.ctx.username();
    if (!username) return;
    try {
      await this.register(username);
    } catch (err) {
      if (isParleyError(err, 'USERNAME_TAKEN')) {
        this.ctx.log.error('the directory gives our username to other keys', { username });
      } else {
        throw err;
      }
    }
  }

  private async register(username: string): Promise<void> {
    const record = signKeyRecord(
      { username, publicKey: this.ctx.identityB64.publicKey, signingKey: this.ctx.identityB64.signingKey },
      this.ctx.identity.signingPrivateKey,
    );
    await this.ctx.directory.register(record, this.secret());
  }
}
