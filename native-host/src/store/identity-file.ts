import fs from 'node:fs';
import path from 'node:path';
import { fromBase64, generateIdentity, toBase64, type IdentityKeys } from '../crypto/identity.js';
import { writeFileAtomic } from './data-dir.js';

interface IdentityJson {
  version: 1;
  created_at: string;
  public_key: string;
  private_key: string;
  signing_public_key: string;
  signing_private_key: string;
}

export const IDENTITY_FILE = 'identity.json';

/**
 * Loads the profile's identity keys, creating them on first run. The file
 * holds private keys: it is written 0600 and replaced atomically, so a crash
 * mid-write never leaves a profile without its identity.
 */
export function loadOrCreateIdentity(dataDir: string): IdentityKeys {
  const file = path.join(dataDir, IDENTITY_FILE);
  if (fs.existsSync(file)) {
    const json = JSON.parse(fs.readFileSync(file, 'utf8')) as IdentityJson;
    fs.chmodSync(file, 0o600);
    return {
      publicKey: fromBase64(json.public_key),
      privateKey: fromBase64(json.private_key),
      signingPublicKey: fromBase64(json.signing_public_key),
      signingPrivateKey: fromBase64(json.signing_private_key),
    };
  }
  const keys = generateIdentity();
  const json: IdentityJson = {
    version: 1,
    created_at: new Date().toISOString(),
    public_key: toBase64(keys.publicKey),
    private_key: toBase64(keys.privateKey),
    signing_public_key: toBase64(keys.signingPublicKey),
    signing_private_key: toBase64(keys.signingPrivateKey),
  };
  writeFileAtomic(file, JSON.stringify(json, null, 2) + '\n', 0o600);
  return keys;
}
