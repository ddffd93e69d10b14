import fs from 'node:fs';
import path from 'node:path';
import { fromBase64, generateIdentity, toBase64, type IdentityKeys } from '../crypto/identity.js';
import { writeFileAtomic } from './data-dir.js';

/** An X25519 identity key pair we rotated away from: mail sealed for it may still arrive. */
export interface RetiredKey {
  publicKey: Uint8Array;
  privateKey: Uint8Array;
  retiredAt: string;
}

/**
 * A rotation written down before the directory is asked, so a crash in
 * between loses nothing: the new keys, and what the chat layer needs to
 * finish it (its signed statements, kept as given).
 */
export interface PendingRotation {
  keys: IdentityKeys;
  statements: unknown;
}

export interface IdentityState {
  current: IdentityKeys;
  previous: RetiredKey[];
  pending: PendingRotation | null;
}

interface KeysJson {
  public_key: string;
  private_key: string;
  signing_public_key: string;
  signing_private_key: string;
}

interface IdentityJson extends KeysJson {
  version: 1;
  created_at: string;
  previous?: Array<{ public_key: string; private_key: string; retired_at: string }>;
  pending?: { keys: KeysJson; statements: unknown } | null;
}

export const IDENTITY_FILE = 'identity.json';

/**
 * The profile's identity keys, created on first run, with the X25519 keys it
 * rotated away from and a rotation under way. The file holds private keys:
 * it is written 0600 and replaced atomically, so a crash mid-write never
 * leaves a profile without its identity.
 */
export class IdentityFile {
  private readonly file: string;
  private createdAt = new Date().toISOString();

  constructor(dataDir: string) {
    this.file = path.join(dataDir, IDENTITY_FILE);
  }

  load(): IdentityState {
    if (!fs.existsSync(this.file)) {
      const state: IdentityState = { current: generateIdentity(), previous: [], pending: null };
      this.save(state);
      return state;
    }
    const json = JSON.parse(fs.readFileSync(this.file, 'utf8')) as IdentityJson;
    fs.chmodSync(this.file, 0o600);
    this.createdAt = json.created_at;
    return {
      current: keysFrom(json),
      previous: (json.previous ?? []).map((p) => ({
        publicKey: fromBase64(p.public_key),
        privateKey: fromBase64(p.private_key),
        retiredAt: p.retired_at,
      })),
      pending: json.pending ? { keys: keysFrom(json.pending.keys), statements: json.pending.statements } : null,
    };
  }

  save(state: IdentityState): void {
    const json: IdentityJson = {
      version: 1,
      created_at: this.createdAt,
      ...keysJson(state.current),
      previous: state.previous.map((p) => ({ public_key: toBase64(p.publicKey), private_key: toBase64(p.privateKey), retired_at: p.retiredAt })),
      pending: state.pending && { keys: keysJson(state.pending.keys), statements: state.pending.statements },
    };
    writeFileAtomic(this.file, JSON.stringify(json, null, 2) + '\n', 0o600);
  }
}

function keysFrom(json: KeysJson): IdentityKeys {
  return {
    publicKey: fromBase64(json.public_key),
    privateKey: fromBase64(json.private_key),
    signingPublicKey: fromBase64(json.signing_public_key),
    signingPrivateKey: fromBase64(json.signing_private_key),
  };
}

function keysJson(keys: IdentityKeys): KeysJson {
  return {
    public_key: toBase64(keys.publicKey),
    private_key: toBase64(keys.privateKey),
    signing_public_key: toBase64(keys.signingPublicKey),
    signing_private_key: toBase64(keys.signingPrivateKey),
  };
}
