import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { errors } from '../errors.js';
import { isCapability } from './capability.js';
import type { MailboxItem } from './directory.js';
import type { LocalCall } from './local-accounts.js';
import { HOUR_MS, MINUTE_MS, hit, requireRoomForBytes, requireWork } from './local-guards.js';
import { holds, legacyOpen } from './local-queries.js';
import { introSubject, type WorkProof } from './proof-of-work.js';
import { envelopeBytes, isUsername } from './validation.js';

const EVERYONE = '*';

/** A friend's mail: needs the recipient's drop capability (or a mailbox still open from before capabilities). */
export function put({ db, settings, now }: LocalCall, recipient: string, envelope: string, capability: string | null): string {
  checkEnvelope(envelope, settings.maxEnvelopeBytes);
  requireRecipient(db, recipient);
  hit(db, `drop:${EVERYONE}`, settings.rateDropPerMinute, MINUTE_MS, now);
  if (capability === null || capability === undefined) {
    if (!legacyOpen(db, recipient, now)) throw errors.capabilityRequired(`${recipient} takes mail only from friends they added`);
  } else if (!isCapability(capability) || !holds(db, recipient, 'drop', capability)) {
    throw errors.capabilityRequired(`That capability does not open ${recipient}'s mailbox (never given, or revoked)`);
  }
  purgeExpired({ db, settings, now });
  const { pending } = db.prepare('SELECT count(*) AS pending FROM mailbox WHERE recipient = ? AND intro = 0').get(recipient) as {
    pending: number;
  };
  if (pending >= settings.maxPendingPerRecipient) {
    throw errors.directoryLimit(`Mailbox of '${recipient}' holds ${settings.maxPendingPerRecipient} envelopes already`);
  }
  return insert(db, settings, now, recipient, envelope, false);
}

/** First contact, before any capability: the small introduction queue, paid with a proof of work. */
export function introPut({ db, settings, now }: LocalCall, recipient: string, envelope: string, work: WorkProof): string {
  checkEnvelope(envelope, settings.introMaxBytes);
  requireRecipient(db, recipient);
  hit(db, `intro:${EVERYONE}`, settings.rateIntroPerHour, HOUR_MS, now);
  requireWork(db, settings, 'intro', introSubject(recipient, envelope), work, settings.powIntroBits, now);
  purgeExpired({ db, settings, now });
  const { pending } = db.prepare('SELECT count(*) AS pending FROM mailbox WHERE recipient = ? AND intro = 1').get(recipient) as {
    pending: number;
  };
  if (pending >= settings.introMaxPending) {
    throw errors.directoryLimit(`Introduction queue of '${recipient}' holds ${settings.introMaxPending} envelopes already`);
  }
  return insert(db, settings, now, recipient, envelope, true);
}

/** The owner's mail, friends' first, then introductions, each oldest first. */
export function take(db: Database.Database, username: string, limit: number): MailboxItem[] {
  const rows = db
    .prepare('SELECT id, envelope, created_at FROM mailbox WHERE recipient = ? ORDER BY intro, seq LIMIT ?')
    .all(username, limit) as { id: string; envelope: string; created_at: number }[];
  return rows.map((row) => ({ id: row.id, envelope: row.envelope, createdAt: new Date(row.created_at).toISOString() }));
}

/** Deletes mail past its age cap (introductions have a shorter one); put and take call it, so no scheduler is needed. */
export function purgeExpired({ db, settings, now }: LocalCall): void {
  db.prepare('DELETE FROM mailbox WHERE created_at < ? OR (intro = 1 AND created_at < ?)').run(
    now - settings.maxEnvelopeAgeMs,
    now - settings.introMaxAgeMs,
  );
}

function checkEnvelope(envelope: string, maxBytes: number): void {
  // Length first, so an oversized body is refused before it is scanned.
  if (typeof envelope === 'string' && envelope.length > Math.ceil(maxBytes / 3) * 4) {
    throw errors.directoryLimit(`Envelope larger than ${maxBytes} bytes`);
  }
  const size = envelopeBytes(envelope);
  if (size <= 0) throw errors.directoryRejected('Envelope must be non-empty standard base64');
  if (size > maxBytes) throw errors.directoryLimit(`Envelope larger than ${maxBytes} bytes`);
}

function requireRecipient(db: Database.Database, recipient: string): void {
  const known = isUsername(recipient) && db.prepare('SELECT 1 FROM users WHERE username = ?').get(recipient);
  if (!known) throw errors.directoryRejected(`Unknown recipient '${String(recipient).slice(0, 64)}'`);
}

function insert(db: Database.Database, settings: LocalCall['settings'], now: number, recipient: string, envelope: string, intro: boolean): string {
  requireRoomForBytes(db, settings, envelope.length);
  const id = randomUUID();
  db.prepare('INSERT INTO mailbox (id, recipient, envelope, created_at, intro, bytes) VALUES (?, ?, ?, ?, ?, ?)').run(
    id,
    recipient,
    envelope,
    now,
    intro ? 1 : 0,
    envelope.length,
  );
  return id;
}
