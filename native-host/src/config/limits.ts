import { MAX_PAGE_SIZE, MAX_TEXT_LENGTH } from '../../../shared/contract.js';

/**
 * Every limit the host enforces, with its default. Each can be overridden
 * with `--limit name=value` (repeatable) or `PARLEY_LIMITS="name=value,..."`.
 */
export interface Limits {
  /** Largest REST request body accepted (413 beyond). */
  maxBodyBytes: number;
  /** Longest message text, in characters. */
  maxTextLength: number;
  /** Largest `limit` on GET /messages. */
  maxPageSize: number;
  /** How long POST /messages waits for the peer's ack before answering offline. */
  sendAckTimeoutMs: number;
  /** How long POST /messages waits for the mailbox before answering queued (it carries on in the background). */
  mailboxDepositWaitMs: number;
  /** A WebSocket client further behind than this is disconnected. */
  wsMaxBufferedBytes: number;
  /** Most WebSocket clients at once. */
  wsMaxClients: number;
  /** Largest peer frame. */
  maxFrameBytes: number;
  /** A peer handshake not finished in this time is dropped. */
  handshakeTimeoutMs: number;
  /** A peer connection stuck mid-frame this long is dropped. */
  frameStallTimeoutMs: number;
  /** Keep-alive ping interval on idle peer sessions. */
  peerPingMs: number;
  /** A session with no traffic for this long is considered lost. */
  peerIdleTimeoutMs: number;
  /** Most simultaneous inbound peer connections still handshaking. */
  maxPendingHandshakes: number;
  /** First and largest delay between outbox retries. */
  retryMinMs: number;
  retryMaxMs: number;
  /** How often the mailbox is polled, and how many envelopes one take asks for. */
  mailboxPollMs: number;
  mailboxTakeBatch: number;
  /** Prekey lifetime before rotation, and how long an old one still opens mail. */
  prekeyRotateMs: number;
  prekeyGraceMs: number;
  /** Receiver-side auto-clear of a typing indicator. */
  typingClearMs: number;
  /** SQLite page cache of each database connection (the profile, the local directory), in KiB. */
  sqliteCacheKib: number;
  /** Quiet time after which the host collects garbage once, handing a burst's memory back. */
  idleCollectMs: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxBodyBytes: 256 * 1024,
  maxTextLength: MAX_TEXT_LENGTH,
  maxPageSize: MAX_PAGE_SIZE,
  sendAckTimeoutMs: 2000,
  mailboxDepositWaitMs: 1500,
  wsMaxBufferedBytes: 4 * 1024 * 1024,
  wsMaxClients: 1000,
  maxFrameBytes: 1024 * 1024,
  handshakeTimeoutMs: 10_000,
  frameStallTimeoutMs: 30_000,
  peerPingMs: 15_000,
  peerIdleTimeoutMs: 45_000,
  maxPendingHandshakes: 64,
  retryMinMs: 1000,
  retryMaxMs: 60_000,
  mailboxPollMs: 15_000,
  mailboxTakeBatch: 50,
  prekeyRotateMs: 7 * 24 * 3600 * 1000,
  prekeyGraceMs: 30 * 24 * 3600 * 1000,
  typingClearMs: 5000,
  // better-sqlite3 builds SQLite with a 16 MB cache per connection, which a
  // host filled with history pages and kept: the largest part of its memory
  // growth. Pages beyond it come from the OS page cache (bench/README.md,
  // "Memory over time").
  sqliteCacheKib: 1024,
  idleCollectMs: 20_000,
};

/** Applies `name=value` overrides; unknown names and non-positive numbers are errors. */
export function applyLimitOverrides(base: Limits, overrides: string[]): Limits {
  const limits = { ...base };
  for (const entry of overrides) {
    const [name, raw] = entry.split('=', 2).map((part) => part.trim());
    if (!name || raw === undefined || !(name in limits)) {
      throw new Error(`unknown limit '${entry}' (known: ${Object.keys(limits).join(', ')})`);
    }
    const value = Number(raw);
    if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`limit ${name} must be a positive integer`);
    limits[name as keyof Limits] = value;
  }
  return limits;
}
