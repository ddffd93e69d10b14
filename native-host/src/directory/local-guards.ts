import type Database from 'better-sqlite3';
import { errors } from '../errors.js';
import { checkWork, workHash, type WorkPurpose } from './proof-of-work.js';
import type { DirectorySettings } from './settings.js';

// What stands between an anonymous caller and the local directory's state:
// rate limits, proofs of work and the global caps. The SQL directory has the
// same guards as private functions (supabase/migrations/…_parley_abuse.sql),
// with the same numbers and the same refusals.

export const HOUR_MS = 3600_000;
export const MINUTE_MS = 60_000;

/**
 * Counts one call in `bucket` for a fixed window, or refuses it with
 * RATE_LIMITED. The local directory cannot tell callers apart (every host on
 * the machine shares the file), so its buckets are global. The count is part
 * of the caller's transaction: a call refused later does not count.
 */
export function hit(db: Database.Database, bucket: string, limit: number, windowMs: number, now: number): void {
  db.prepare('DELETE FROM rate_limits WHERE window_start <= ?').run(now - 2 * windowMs);
  const row = db.prepare('SELECT window_start, hits FROM rate_limits WHERE bucket = ?').get(bucket) as
    | { window_start: number; hits: number }
    | undefined;
  if (row === undefined || row.window_start <= now - windowMs) {
    db.prepare('INSERT INTO rate_limits (bucket, window_start, hits) VALUES (?, ?, 1) ON CONFLICT (bucket) DO UPDATE SET window_start = excluded.window_start, hits = 1').run(bucket, now);
    return;
  }
  if (row.hits >= limit) {
    const wait = Math.ceil((row.window_start + windowMs - now) / 1000);
    throw errors.rateLimited(`${bucket.split(':')[0]}: at most ${limit} per ${windowMs / MINUTE_MS} min, try again in ${wait} s`);
  }
  db.prepare('UPDATE rate_limits SET hits = hits + 1 WHERE bucket = ?').run(bucket);
}

/** Checks a proof of work and spends it (a proof is good once), or refuses with PROOF_REQUIRED. */
export function requireWork(
  db: Database.Database,
  settings: DirectorySettings,
  purpose: WorkPurpose,
  subject: string,
  proof: unknown,
  bits: number,
  now: number,
): void {
  const verdict = checkWork(purpose, subject, proof, bits, now, settings.powWindowMinutes);
  if (verdict !== 'ok') throw errors.proofRequired(workDetail(purpose, bits, settings.powWindowMinutes, verdict));
  const hash = workHash(purpose, subject, proof as { minute: number; nonce: string });
  db.prepare('DELETE FROM pow_spent WHERE expires_at <= ?').run(now);
  const spent = db
    .prepare('INSERT INTO pow_spent (hash, expires_at) VALUES (?, ?) ON CONFLICT (hash) DO NOTHING')
    .run(hash, now + (2 * settings.powWindowMinutes + 1) * MINUTE_MS);
  if (spent.changes === 0) throw errors.proofRequired(workDetail(purpose, bits, settings.powWindowMinutes, 'spent'));
}

/** The same words the SQL directory uses, so clients parse one format. */
export function workDetail(purpose: string, bits: number, windowMinutes: number, why: string): string {
  return `${purpose} bits=${bits} window=${windowMinutes} (${why})`;
}

export function requireRoomForUser(db: Database.Database, settings: DirectorySettings): void {
  const { users } = db.prepare('SELECT users FROM usage').get() as { users: number };
  if (users >= settings.maxUsers) throw errors.quotaExceeded(`it holds ${settings.maxUsers} names`);
}

export function requireRoomForBytes(db: Database.Database, settings: DirectorySettings, bytes: number): void {
  const { stored_bytes: stored } = db.prepare('SELECT stored_bytes FROM usage').get() as { stored_bytes: number };
  if (stored + bytes > settings.maxStoredBytes) throw errors.quotaExceeded(`it stores ${settings.maxStoredBytes} bytes of mail`);
}
