import { randomBytes } from 'node:crypto';
import { newRecoveryCode, normalizeRecoveryCode, recoveryHash } from '../directory/capability.js';
import type { Directory, KeyRecord } from '../directory/directory.js';
import { solveWork } from '../directory/proof-of-work.js';
import { signKeyRecord } from '../directory/records.js';
import { errors, isParleyError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { MetaRepo } from '../store/meta-repo.js';
import { defined } from '../../../shared/defined.js';

/** Our keys as the key record needs them; read on every call (a rotation changes them). */
export interface RecordKeys {
  publicKey: string;
  signingKey: string;
  signingPrivateKey: Uint8Array;
}

/**
 * This profile's claim on its username in the directory. The claim is bound
 * to a random secret kept in the profile (the directory stores only its
 * hash), paid for with a proof of work, and can be taken back with the
 * recovery code shown once at setup. Also the one place that knows our
 * username (read on every message, so kept in memory).
 */
export class Registration {
  private name: string | null;

  constructor(
    private readonly deps: {
      meta: MetaRepo;
      directory: Pick<Directory, 'register' | 'policy' | 'recover'>;
      keys: () => RecordKeys;
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

  /** Our key record for `username`, signed now. */
  record(username: string): KeyRecord {
    const { publicKey, signingKey, signingPrivateKey } = this.deps.keys();
    return signKeyRecord({ username, publicKey, signingKey }, signingPrivateKey);
  }

  /** Claims `username` for this profile (POST /setup, --username on first run); returns the recovery code, shown once. */
  async claim(username: string): Promise<string> {
    if (this.name) throw errors.alreadySetUp(this.name);
    const code = newRecoveryCode();
    const hash = recoveryHash(defined(normalizeRecoveryCode(code)));
    await this.claimWithWork(username, hash);
    this.settle(username, hash);
    return code;
  }

  /**
   * Takes a name back with its recovery code, for this profile's keys (a new
   * data dir: friends will see a key change, as they should). Returns the
   * new recovery code: the old one is spent.
   */
  async recover(username: string, code: string): Promise<string> {
    if (this.name) throw errors.alreadySetUp(this.name);
    const normalized = normalizeRecoveryCode(code);
    if (!normalized) throw errors.badRequest('A recovery code is 32 letters and digits (dashes and spaces are ignored)');
    const next = newRecoveryCode();
    const hash = recoveryHash(defined(normalizeRecoveryCode(next)));
    await this.deps.directory.recover(this.record(username), normalized, this.secret(), hash);
    this.settle(username, hash);
    return next;
  }

  /**
   * Repeats the claim for a profile already set up, with no cost: the
   * directory knows it. One that lost it (a reset directory, or the name
   * expired unclaimed) is claimed again, paying a new proof of work.
   */
  async reassert(): Promise<void> {
    const username = this.name;
    if (!username) return;
    try {
      await this.deps.directory.register(this.record(username), this.secret());
    } catch (err) {
      if (isParleyError(err, 'PROOF_REQUIRED')) {
        // A profile from before recovery codes has none: the name can then only be claimed, not recovered.
        const hash = this.deps.meta.get('recovery_hash') ?? recoveryHash(defined(normalizeRecoveryCode(newRecoveryCode())));
        await this.claimWithWork(username, hash);
      } else if (isParleyError(err, 'USERNAME_TAKEN')) {
        this.deps.log.error('the directory gives our username to other keys', { username });
      } else {
        throw err;
      }
    }
  }

  /** Pays the directory's current price; asks once more if the price or its clock moved meanwhile. */
  private async claimWithWork(username: string, hash: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const { powRegisterBits } = await this.deps.directory.policy();
      const work = await solveWork('register', username, powRegisterBits);
      try {
        await this.deps.directory.register(this.record(username), this.secret(), { recoveryHash: hash, work });
        return;
      } catch (err) {
        if (!isParleyError(err, 'PROOF_REQUIRED') || attempt >= 2) throw err;
      }
    }
  }

  private settle(username: string, hash: string): void {
    this.deps.meta.set('recovery_hash', hash);
    this.deps.meta.set('username', username);
    this.name = username;
  }
}
