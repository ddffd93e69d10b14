import { errors } from '../errors.js';
import { CAPABILITY_HASH_PATTERN, type CapabilityGrant } from './capability.js';
import { authenticate, type LocalCall } from './local-accounts.js';

/** Registers capability hashes for `username`; a hash already someone else's is refused. */
export function grant({ db, settings, now }: LocalCall, username: string, secret: string, grants: CapabilityGrant[]): void {
  authenticate(db, username, secret);
  if (!Array.isArray(grants) || grants.length > settings.maxCapabilitiesPerUser) {
    throw errors.directoryLimit(`At most ${settings.maxCapabilitiesPerUser} capabilities`);
  }
  const insert = db.prepare('INSERT INTO capabilities (hash, owner, kind, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING');
  const owner = db.prepare('SELECT owner, kind FROM capabilities WHERE hash = ?');
  for (const g of grants) {
    const ok = typeof g === 'object' && g !== null && (g.kind === 'drop' || g.kind === 'presence') && typeof g.hash === 'string';
    if (!ok || !CAPABILITY_HASH_PATTERN.test(g.hash)) throw errors.directoryRejected('Malformed capability grant');
    const hash = Buffer.from(g.hash, 'hex');
    insert.run(hash, username, g.kind, now);
    const held = owner.get(hash) as { owner: string; kind: string };
    if (held.owner !== username || held.kind !== g.kind) throw errors.directoryRejected('Capability hash already registered');
  }
  const { count } = db.prepare('SELECT count(*) AS count FROM capabilities WHERE owner = ?').get(username) as { count: number };
  if (count > settings.maxCapabilitiesPerUser) throw errors.directoryLimit(`At most ${settings.maxCapabilitiesPerUser} capabilities`);
}

export function revoke({ db, settings }: LocalCall, username: string, secret: string, hashes: string[]): void {
  authenticate(db, username, secret);
  if (!Array.isArray(hashes) || hashes.length > settings.maxCapabilitiesPerUser) {
    throw errors.directoryLimit(`At most ${settings.maxCapabilitiesPerUser} capabilities`);
  }
  const remove = db.prepare('DELETE FROM capabilities WHERE owner = ? AND hash = ?');
  for (const hash of hashes) {
    if (typeof hash === 'string' && CAPABILITY_HASH_PATTERN.test(hash)) remove.run(username, Buffer.from(hash, 'hex'));
  }
}

export function endLegacy({ db }: LocalCall, username: string, secret: string): void {
  authenticate(db, username, secret);
  db.prepare('UPDATE users SET legacy_until = NULL WHERE username = ?').run(username);
}
