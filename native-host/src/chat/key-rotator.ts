import { generateIdentity, toBase64 } from '../crypto/identity.js';
import type { Directory, KeyRecord } from '../directory/directory.js';
import { signKeyRecord } from '../directory/records.js';
import { isRotationShape, signRotation, type KeyRotation } from '../directory/rotation.js';
import { errors, isParleyError } from '../errors.js';
import type { OwnIdentity } from './own-identity.js';
import type { Registration } from './registration.js';

/** What a pending rotation keeps besides the new keys. */
interface RotationStatements {
  rotation: KeyRotation;
  record: KeyRecord;
}

/**
 * Rotating our keys: new key pairs, vouched for by the old signing key, so
 * friends' hosts move to them without a key-change alarm. The rotation is
 * written to the identity file before the directory is asked and finished
 * only once it answers, so a crash or an outage in between never leaves
 * the directory with keys this profile does not have.
 */
export class KeyRotator {
  constructor(
    private readonly deps: {
      identity: OwnIdentity;
      registration: Pick<Registration, 'username' | 'secret'>;
      directory: Pick<Directory, 'rotateKeys'>;
      /** Once the new keys are ours: a prekey signed by them, sessions again on them. */
      rotated: () => Promise<void>;
    },
  ) {}

  async rotate(): Promise<void> {
    const username = this.deps.registration.username();
    if (!username) throw errors.notSetUp();
    await this.finish();
    const old = this.deps.identity.keys;
    const next = generateIdentity();
    const newKeys = { publicKey: toBase64(next.publicKey), signingKey: toBase64(next.signingPublicKey) };
    const rotation = signRotation(
      username,
      {
        oldPublicKey: toBase64(old.publicKey),
        oldSigningKey: toBase64(old.signingPublicKey),
        newPublicKey: newKeys.publicKey,
        newSigningKey: newKeys.signingKey,
        issuedAt: new Date().toISOString(),
      },
      old.signingPrivateKey,
    );
    const record = signKeyRecord({ username, ...newKeys }, next.signingPrivateKey);
    this.deps.identity.begin({ keys: next, statements: { rotation, record } satisfies RotationStatements });
    await this.finish();
  }

  /**
   * Finishes a rotation written down but not yet confirmed. An unreachable
   * directory leaves it pending (this runs again with every directory
   * round); a refusal abandons it and the current keys stay.
   */
  async finish(): Promise<void> {
    const pending = this.deps.identity.pending();
    const username = this.deps.registration.username();
    if (!pending || !username) return;
    const statements = pending.statements as Partial<RotationStatements> | null;
    if (!statements || !isRotationShape(statements.rotation) || !statements.record) {
      this.deps.identity.abandon();
      return;
    }
    try {
      await this.deps.directory.rotateKeys(username, this.deps.registration.secret(), statements.record, statements.rotation);
    } catch (err) {
      if (!isParleyError(err, 'DIRECTORY_UNREACHABLE')) this.deps.identity.abandon();
      throw err;
    }
    this.deps.identity.complete();
    await this.deps.rotated();
  }
}
