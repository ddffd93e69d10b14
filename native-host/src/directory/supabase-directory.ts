import { createClient, type SupabaseClient, type SupabaseClientOptions } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { errors, type ParleyError } from '../errors.js';
import type { Directory, DirectoryEntry, KeyRecord, MailboxItem, SignedPrekey, SignedPresence } from './directory.js';

/** How long one directory call may take before it counts as unreachable. */
export const DEFAULT_SUPABASE_TIMEOUT_MS = 10_000;

export interface SupabaseDirectoryOptions {
  url: string;
  anonKey: string;
  timeoutMs?: number;
}

type RealtimeTransport = NonNullable<NonNullable<SupabaseClientOptions<'public'>['realtime']>['transport']>;

interface PostgrestErrorLike {
  code?: string;
  message?: string;
  details?: string | null;
}

/**
 * The directory on Supabase: every method is one RPC to a `parley_*`
 * function from supabase/migrations/, which enforces secrets and caps
 * server-side. Rows coming back are untrusted; malformed ones are dropped,
 * and signatures are the caller's to verify (records.ts).
 */
export class SupabaseDirectory implements Directory {
  readonly kind = 'supabase' as const;
  private readonly client: SupabaseClient;
  private readonly timeoutMs: number;

  constructor(options: SupabaseDirectoryOptions) {
    this.client = createClient(options.url, options.anonKey, {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      // Realtime is unused, but supabase-js builds its client eagerly and
      // Node 20 has no global WebSocket.
      realtime: { transport: WebSocket as unknown as RealtimeTransport },
    });
    this.timeoutMs = options.timeoutMs ?? DEFAULT_SUPABASE_TIMEOUT_MS;
  }

  async register(record: KeyRecord, secret: string): Promise<void> {
    await this.call('parley_register', {
      p_username: record.username,
      p_public_key: record.publicKey,
      p_signing_key: record.signingKey,
      p_signature: record.signature,
      p_secret: secret,
    });
  }

  async heartbeat(username: string, secret: string, presence: SignedPresence): Promise<void> {
    await this.call('parley_heartbeat_presence', { p_username: username, p_secret: secret, p_presence: presence });
  }

  async lookup(usernames: string[]): Promise<DirectoryEntry[]> {
    if (usernames.length === 0) return [];
    const rows = await this.call('parley_lookup', { p_usernames: usernames });
    return Array.isArray(rows) ? rows.flatMap(toEntry) : [];
  }

  async publishPrekey(username: string, secret: string, prekey: SignedPrekey): Promise<void> {
    await this.call('parley_publish_prekey', {
      p_username: username,
      p_secret: secret,
      p_id: prekey.id,
      p_public_key: prekey.publicKey,
      p_created_at: prekey.createdAt,
      p_signature: prekey.signature,
    });
  }

  async mailboxPut(recipient: string, envelope: string): Promise<string> {
    const id = await this.call('parley_mailbox_put', { p_recipient: recipient, p_envelope: envelope });
    if (typeof id !== 'string') throw errors.directoryUnreachable(new Error('mailbox put returned no id'));
    return id;
  }

  async mailboxTake(username: string, secret: string, limit: number): Promise<MailboxItem[]> {
    const rows = await this.call('parley_mailbox_take', { p_username: username, p_secret: secret, p_limit: limit });
    return Array.isArray(rows) ? rows.flatMap(toMailboxItem) : [];
  }

  async mailboxAck(username: string, secret: string, ids: string[]): Promise<void> {
    await this.call('parley_mailbox_ack', { p_username: username, p_secret: secret, p_ids: ids });
  }

  async close(): Promise<void> {
    await this.client.removeAllChannels();
  }

  private async call(fn: string, args: Record<string, unknown>): Promise<unknown> {
    let result: { data: unknown; error: PostgrestErrorLike | null; status: number };
    try {
      result = await this.client.rpc(fn, args).abortSignal(AbortSignal.timeout(this.timeoutMs));
    } catch (err) {
      throw errors.directoryUnreachable(err);
    }
    if (result.error) throw mapError(result.error, result.status);
    return result.data;
  }
}

/**
 * Maps a PostgREST answer to Parley's directory errors. The migration raises
 * P0001 with message username_taken / directory_rejected / directory_limit.
 * No answer, 5xx, or an endpoint that refuses us outright (401/403: bad key
 * or grants, 404: migration not applied) all mean the directory is not
 * usable as configured, which callers treat like an outage.
 */
export function mapError(error: PostgrestErrorLike, status: number): ParleyError {
  const detail = error.details ?? error.message ?? 'rejected';
  if (error.code === 'P0001') {
    if (error.message === 'username_taken') return errors.usernameTaken(detail);
    if (error.message === 'directory_limit') return errors.directoryLimit(detail);
    return errors.directoryRejected(detail);
  }
  if (status === 0 || status >= 500 || status === 401 || status === 403 || status === 404) {
    return errors.directoryUnreachable(error);
  }
  return errors.directoryRejected(error.message ?? 'Request rejected by the directory');
}

function toEntry(row: unknown): DirectoryEntry[] {
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
      presence: toPresence(r.presence),
      lastSeen: toIso(r.last_seen),
      lastIp: isString(r.last_ip) ? r.last_ip : null,
    },
  ];
}

function toPrekey(value: unknown): SignedPrekey[] {
  if (typeof value !== 'object' || value === null) return [];
  const p = value as Record<string, unknown>;
  if (typeof p.id !== 'number' || !isString(p.publicKey) || !isString(p.createdAt) || !isString(p.signature)) return [];
  return [{ id: p.id, publicKey: p.publicKey, createdAt: p.createdAt, signature: p.signature }];
}

/** Only the record's four fields, as sent; their shape and signature are the client's to verify. */
function toPresence(value: unknown): SignedPresence | null {
  if (typeof value !== 'object' || value === null) return null;
  const p = value as Record<string, unknown>;
  return { addresses: p.addresses, dhtKey: p.dhtKey, issuedAt: p.issuedAt, signature: p.signature } as SignedPresence;
}

function toMailboxItem(row: unknown): MailboxItem[] {
  if (typeof row !== 'object' || row === null) return [];
  const r = row as Record<string, unknown>;
  const createdAt = toIso(r.created_at);
  if (!isString(r.id) || !isString(r.envelope) || createdAt === null) return [];
  return [{ id: r.id, envelope: r.envelope, createdAt }];
}

function toIso(value: unknown): string | null {
  if (!isString(value)) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}
