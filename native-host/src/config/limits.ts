import {
  MAX_ATTACHMENTS_PER_MESSAGE,
  MAX_PAGE_SIZE,
  MAX_SEARCH_QUERY_LENGTH,
  MAX_SEARCH_TERMS,
  MAX_TEXT_LENGTH,
} from '../../../shared/contract.js';
import { TYPING_CLEAR_MS } from '../../../shared/typing.js';

/**
 * Every limit the host enforces, with its default. Each can be overridden
 * with `--limit name=value` (repeatable) or `PARLEY_LIMITS="name=value,..."`.
 */
export interface Limits {
  /** Largest REST request body accepted (413 beyond). */
  maxBodyBytes: number;
  /** Longest message text, in characters. */
  maxTextLength: number;
  /** Largest `limit` on GET /messages and GET /search. */
  maxPageSize: number;
  /** Longest GET /search query in characters, and most words in one (each word is one index lookup). */
  maxSearchQueryLength: number;
  maxSearchTerms: number;
  /** How long a friend has to ack an item sent on a session before the mailbox is tried too (and POST /messages waits). */
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
  /**
   * Most inbound peer connections still handshaking at once, in all and
   * from one address (an IPv4 address, an IPv6 /64). Past either, the
   * oldest pending one of that address (or of the busiest) makes room.
   */
  maxPendingHandshakes: number;
  maxPendingHandshakesPerAddress: number;
  /** Refused peers (strangers, other keys under a friend's name, failed handshakes) are logged once per key per interval, with a count. */
  refusalLogIntervalMs: number;
  /** How long a TCP dial to an advertised address may take. */
  tcpDialTimeoutMs: number;
  /** TCP's head start before the DHT path is tried too (when TCP has not failed by then). */
  dialHeadStartMs: number;
  /** How long the friend with the larger key waits before punching, so the two do not punch at once. */
  dhtYieldMs: number;
  /** How long a DHT dial (lookup, hole punch or relay) may take; punching through a NAT that randomises ports can take ~35 s. */
  dhtDialTimeoutMs: number;
  /** The punch's head start before a relay is tried too (when punching has not failed by then). */
  relayHeadStartMs: number;
  /** First wait before a relayed session tries for a direct path; doubles up to 16 times. */
  relayUpgradeMs: number;
  /** How often configured relays are checked. */
  relayProbeMs: number;
  /** First and largest delay between outbox retries. */
  retryMinMs: number;
  retryMaxMs: number;
  /** How often the mailbox is polled, and how many envelopes one take asks for. */
  mailboxPollMs: number;
  mailboxTakeBatch: number;
  /** Mailbox poll while a friend is online but no session can form; backs off after `mailboxFastIdleMs` without mail. */
  mailboxFastPollMs: number;
  mailboxFastIdleMs: number;
  /** Prekey lifetime before rotation, and how long an old one still opens mail. */
  prekeyRotateMs: number;
  prekeyGraceMs: number;
  /** Receiver-side auto-clear of a typing indicator. */
  typingClearMs: number;
  /** Most changes (edits, deletions, reactions) kept per friend for messages that have not arrived yet, and for how long. */
  maxEarlyChanges: number;
  earlyChangeTtlMs: number;
  /** Largest attachment in bytes: a larger upload gets 413, a friend's larger offer fails on arrival. */
  maxAttachmentBytes: number;
  /** Disk the attachment store may use: uploads, received files and room held for files being received. */
  attachmentQuotaBytes: number;
  /** Most attachments on one message. */
  maxAttachmentsPerMessage: number;
  /** Attachments up to this size travel sealed through the mailbox with their message; larger ones wait for a session. */
  mailboxAttachmentBytes: number;
  /** Bytes of file data in one data frame. */
  fileChunkBytes: number;
  /** Receiver: most bytes asked for and not yet on disk, per transfer (the flow-control window's ceiling). */
  fileWindowBytes: number;
  /** Receiver: queueing delay the window aims for on top of the link's own round trip, so chat frames behind file data wait little. */
  fileQueueDelayMs: number;
  /** Receiver: transfers pulled from one friend at once. */
  fileParallel: number;
  /** Receiver: progress is synced to disk and recorded (where a resume starts) every this many bytes or ms, whichever comes first. */
  fileCheckpointBytes: number;
  fileCheckpointMs: number;
  /** Receiver: asks again from where it stands after this long without data. */
  fileStallMs: number;
  /** Least time between two progress events of one message. */
  fileProgressMs: number;
  /** An upload not sent with a message within this time is deleted. */
  unsentAttachmentTtlMs: number;
  /** Sender: `file_get` requests one session may have waiting. */
  maxFileRequests: number;
  /** A friend's message dated further ahead of our clock than this is shown at the time it arrived. */
  maxClockSkewMs: number;
  /** Grants from people who are not friends yet ("wants to chat") kept at most, and for how long. */
  maxIntroductions: number;
  introductionMaxAgeMs: number;
  /** SQLite page cache of each database connection (the profile, the local directory), in KiB. */
  sqliteCacheKib: number;
  /** Quiet time after which the host collects garbage once, handing a burst's memory back. */
  idleCollectMs: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxBodyBytes: 256 * 1024,
  maxTextLength: MAX_TEXT_LENGTH,
  maxPageSize: MAX_PAGE_SIZE,
  maxSearchQueryLength: MAX_SEARCH_QUERY_LENGTH,
  maxSearchTerms: MAX_SEARCH_TERMS,
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
  maxPendingHandshakesPerAddress: 8,
  refusalLogIntervalMs: 10 * 60_000,
  tcpDialTimeoutMs: 5000,
  dialHeadStartMs: 300,
  dhtYieldMs: 2000,
  dhtDialTimeoutMs: 40_000,
  relayHeadStartMs: 2000,
  relayUpgradeMs: 30_000,
  relayProbeMs: 5 * 60_000,
  retryMinMs: 1000,
  retryMaxMs: 60_000,
  mailboxPollMs: 15_000,
  mailboxTakeBatch: 50,
  mailboxFastPollMs: 2000,
  mailboxFastIdleMs: 60_000,
  prekeyRotateMs: 7 * 24 * 3600 * 1000,
  prekeyGraceMs: 30 * 24 * 3600 * 1000,
  typingClearMs: TYPING_CLEAR_MS,
  maxEarlyChanges: 1000,
  earlyChangeTtlMs: 30 * 24 * 3600 * 1000,
  maxAttachmentBytes: 100 * 1024 * 1024,
  attachmentQuotaBytes: 100 * 1024 * 1024,
  maxAttachmentsPerMessage: MAX_ATTACHMENTS_PER_MESSAGE,
  mailboxAttachmentBytes: 256 * 1024,
  // With its header a data frame stays inside one Noise message (65,519 bytes of plaintext).
  fileChunkBytes: 64_000,
  fileWindowBytes: 4 * 1024 * 1024,
  fileQueueDelayMs: 25,
  fileParallel: 2,
  fileCheckpointBytes: 4 * 1024 * 1024,
  fileCheckpointMs: 1000,
  fileStallMs: 15_000,
  fileProgressMs: 250,
  unsentAttachmentTtlMs: 24 * 3600 * 1000,
  maxFileRequests: 256,
  maxClockSkewMs: 5 * 60_000,
  maxIntroductions: 50,
  introductionMaxAgeMs: 30 * 24 * 3600 * 1000,
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
