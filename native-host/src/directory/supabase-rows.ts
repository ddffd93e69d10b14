import type { DirectoryEntry, MailboxItem, SignedPrekey, SignedPresence } from './directory.js';
import { isRotationShape, rotationFields, type KeyRotation } from './rotation.js';
import type { DirectoryPolicy } from './settings.js';

// Rows coming back from the SQL directory are untrusted: malformed ones are
// dropped here, and signatures are the caller's to verify (records.ts,
// rotation.ts).

export function toEntry(row: unknown): DirectoryEntry[] {
  if (typeof row !== 'object' || row === null) return [];
  const r = row as Record<string, unknown>;
  if (!isString(r.username) || !isString(r.public_key) || !isString(r.signing_key) || !isString(r.signature)) return [];
  return [
    {
      username: r.username,
      publicKey: r.public_key,
      signingKey: r.signing_key,
      signature: r.signature,
      prekeys: Array.isArray(r.prekeys) ? r.prekeys.flatMap(toPrekey) : [],
      rotations: Array.isArray(r.rotations) ? r.rotations.flatMap(toRotation) : [],
      presence: toPresence(r.presence),
      lastSeen: toIso(r.last_seen),
    },
  ];
}

export function toMailboxItem(row: unknown): MailboxItem[] {
  if (typeof row !== 'object' || row === null) return [];
  const r = row as Record<string, unknown>;
  const createdAt = toIso(r.created_at);
  if (!isString(r.id) || !isString(r.envelope) || createdAt === null) return [];
  return [{ id: r.id, envelope: r.envelope, createdAt }];
}

/** The policy as the directory states it; null when it is not one. */
export function toPolicy(value: unknown): DirectoryPolicy | null {
  if (typeof value !== 'object' || value === null) return null;
  const p = value as Record<string, unknown>;
  const keys = ['powRegisterBits', 'powIntroBits', 'powWindowMinutes', 'introMaxBytes', 'maxEnvelopeBytes'] as const;
  if (!keys.every((k) => Number.isSafeInteger(p[k]) && (p[k] as number) >= 0)) return null;
  return Object.fromEntries(keys.map((k) => [k, p[k]])) as unknown as DirectoryPolicy;
}

function toPrekey(value: unknown): SignedPrekey[] {
  if (typeof value !== 'object' || value === null) return [];
  const p = value as Record<string, unknown>;
  if (typeof p.id !== 'number' || !isString(p.publicKey) || !isString(p.createdAt) || !isString(p.signature)) return [];
  return [{ id: p.id, publicKey: p.publicKey, createdAt: p.createdAt, signature: p.signature }];
}

function toRotation(value: unknown): KeyRotation[] {
  return isRotationShape(value) ? [rotationFields(value)] : [];
}

/** Only the record's four fields, as sent; their shape and signature are the client's to verify. */
function toPresence(value: unknown): SignedPresence | null {
  if (typeof value !== 'object' || value === null) return null;
  const p = value as Record<string, unknown>;
  return { addresses: p.addresses, dhtKey: p.dhtKey, issuedAt: p.issuedAt, signature: p.signature } as SignedPresence;
}

function toIso(value: unknown): string | null {
  if (!isString(value)) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}
