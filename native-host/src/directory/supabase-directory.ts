import { createClient, type SupabaseClient, type SupabaseClientOptions } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { errors, type ParleyError } from '../errors.js';
import type { CapabilityGrant } from './capability.js';
import type { ClaimProof, Directory, DirectoryEntry, KeyRecord, MailboxItem, SignedPrekey, SignedPresence } from './directory.js';
import type { WorkProof } from './proof-of-work.js';
import type { KeyRotation } from './rotation.js';
import type { DirectoryPolicy } from './settings.js';
import { toEntry, toMailboxItem, toPolicy } from './supabase-rows.js';

/** How long one directory call may take before it counts as unreachable. */
export const DEFAULT_SUPABASE_TIMEOUT_MS = 10_000;

export interface SupabaseDirectoryOptions {
  url: string;
  anonKey: string;
  timeoutMs?: number;
  /** Extra headers on every call (a proxy's forwarding headers, in tests). */
  headers?: Record<string, string>;
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
      global: { headers: options.headers ?? {} },
      // Realtime is unused, but supabase-js builds its client eagerly and
      // Node 20 has no global WebSocket.
      realtime: { transport: WebSocket as unknown as RealtimeTransport },
    });
    this.timeoutMs = options.timeoutMs ?? DEFAULT_SUPABASE_TIMEOUT_MS;
  }

  async policy(): Promise<DirectoryPolicy> {
    const policy = toPolicy(await this.call('parley_policy', {}));
    if (!policy) throw errors.directoryUnreachable(new Error('the directory answered no policy'));
    return policy;
  }

  async register(record: KeyRecord, secret: string, claim?: ClaimProof): Promise<void> {
    const args = { ...keyArgs(record), p_secret: secret };
    if (!claim) {
      await this.call('parley_register', args);
      return;
    }
    await this.call('parley_claim', {
      ...args,
      p_recovery_hash: claim.recoveryHash,
      p_minute: claim.work.minute,
      p_nonce: claim.work.nonce,
    });
  }

  async heartbeat(username: string, secret: string, presence: SignedPresence): Promise<void> {
    await this.call('parley_heartbeat_presence', { p_username: username, p_secret: secret, p_presence: presence });
  }

  async lookup(usernames: string[], capabilities: Readonly<Record<string, string>> = {}): Promise<DirectoryEntry[]> {
    if (usernames.length === 0) return [];
    const rows = await this.call('parley_lookup_with_capabilities', {
      p_usernames: usernames,
      p_capabilities: usernames.map((name) => (Object.hasOwn(capabilities, name) ? capabilities[name] : null)),
    });
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

  async grant(username: string, secret: string, grants: CapabilityGrant[]): Promise<void> {
    await this.call('parley_grant', { p_username: username, p_secret: secret, p_grants: grants });
  }

  async revoke(username: string, secret: string, hashes: string[]): Promise<void> {
    await this.call('parley_revoke', { p_username: username, p_secret: secret, p_hashes: hashes });
  }

  async endLegacy(username: string, secret: string): Promise<void> {
    await this.call('parley_end_legacy', { p_username: username, p_secret: secret });
  }

  async mailboxPut(recipient: string, envelope: string, capability: string | null): Promise<string> {
    return idOf(await this.call('parley_mailbox_drop', { p_recipient: recipient, p_envelope: envelope, p_capability: capability }));
  }

  async introPut(recipient: string, envelope: string, work: WorkProof): Promise<string> {
    return idOf(
      await this.call('parley_intro_put', { p_recipient: recipient, p_envelope: envelope, p_minute: work.minute, p_nonce: work.nonce }),
    );
  }

  async mailboxTake(username: string, secret: string, limit: number): Promise<MailboxItem[]> {
    const rows = await this.call('parley_mailbox_take', { p_username: username, p_secret: secret, p_limit: limit });
    return Array.isArray(rows) ? rows.flatMap(toMailboxItem) : [];
  }

  async mailboxAck(username: string, secret: string, ids: string[]): Promise<void> {
    await this.call('parley_mailbox_ack', { p_username: username, p_secret: secret, p_ids: ids });
  }

  async rotateKeys(username: string, secret: string, record: KeyRecord, rotation: KeyRotation): Promise<void> {
    if (record.username !== username) throw errors.directoryRejected('Malformed key record: username');
    await this.call('parley_rotate_keys', { ...keyArgs(record), p_secret: secret, p_rotation: rotation });
  }

  async recover(record: KeyRecord, recoveryCode: string, secret: string, recoveryHash: string): Promise<void> {
    const recovered = await this.call('parley_recover', {
      ...keyArgs(record),
      p_code: recoveryCode,
      p_secret: secret,
      p_recovery_hash: recoveryHash,
    });
    if (recovered !== true) throw errors.recoveryRefused();
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
 * Maps a PostgREST answer to Parley's directory errors. The migrations raise
 * P0001 with the refusal's name as message and the reason as detail.
 * No answer, 5xx, or an endpoint that refuses us outright (401/403: bad key
 * or grants, 404: migration not applied) all mean the directory is not
 * usable as configured, which callers treat like an outage.
 */
export function mapError(error: PostgrestErrorLike, status: number): ParleyError {
  const detail = error.details ?? error.message ?? 'rejected';
  if (error.code === 'P0001') {
    if (error.message === 'username_taken') return errors.usernameTaken(detail);
    if (error.message === 'directory_limit') return errors.directoryLimit(detail);
    if (error.message === 'rate_limited') return errors.rateLimited(detail);
    if (error.message === 'proof_required') return errors.proofRequired(detail);
    if (error.message === 'capability_required') return errors.capabilityRequired(detail);
    if (error.message === 'quota_exceeded') return errors.quotaExceeded(detail);
    return errors.directoryRejected(detail);
  }
  if (status === 0 || status >= 500 || status === 401 || status === 403 || status === 404) {
    return errors.directoryUnreachable(error);
  }
  return errors.directoryRejected(error.message ?? 'Request rejected by the directory');
}

function keyArgs(record: KeyRecord) {
  return {
    p_username: record.username,
    p_public_key: record.publicKey,
    p_signing_key: record.signingKey,
    p_signature: record.signature,
  };
}

function idOf(id: unknown): string {
  if (typeof id !== 'string') throw errors.directoryUnreachable(new Error('the directory returned no id'));
  return id;
}
