import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import type { NetworkStatus, PeerPath } from '../../../shared/contract.js';
import { DEFAULT_LIMITS, type Limits } from '../config/limits.js';
import type { BulkFrame, BulkSource } from '../peer/bulk-lane.js';
import type { PeerMessage } from '../peer/peer-protocol.js';
import type { FriendRow } from '../store/friends-repo.js';
import { AttachmentFiles } from '../store/attachment-files.js';
import type { OutboxItem } from '../store/outbox-repo.js';
import { Store } from '../store/store.js';
import type { OutgoingAttachments } from './attachments/offers.js';
import type { OfferIntake } from './message-item.js';
import type { MailboxDrop } from './outbox-item.js';
import type { PeerTransport } from './transport.js';

/**
 * Edges for the chat layer's in-process tests: a transport and a mailbox
 * the test drives, and short limits. Everything else in those tests is
 * real: SQLite (in memory), repositories, crypto.
 */

/** The defaults, with every wait short enough for a test. */
export function fastLimits(overrides: Partial<Limits> = {}): Limits {
  return {
    ...DEFAULT_LIMITS,
    sendAckTimeoutMs: 120,
    mailboxDepositWaitMs: 120,
    retryMinMs: 20,
    retryMaxMs: 200,
    mailboxPollMs: 40,
    typingClearMs: 100,
    ...overrides,
  };
}

/** A profile database in memory, closed when the test that opened it ends. */
export function memoryStore(): Store {
  const store = new Store(':memory:');
  onTestFinished(() => store.close());
  return store;
}

/** An attachment store in a temp dir, removed when the test that made it ends. */
export function tempFiles(): AttachmentFiles {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-files-'));
  onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
  return new AttachmentFiles(dir);
}

/** For tests whose messages carry no attachments: any offer is a test bug. */
export const NO_OFFERS: OfferIntake = {
  accept: () => {
    throw new Error('a message with attachments in a test without them');
  },
};

/** For tests that send no attachments. */
export const NO_UPLOADS: Pick<OutgoingAttachments, 'check' | 'attach'> = {
  check: (ids) => {
    if (ids.length > 0) throw new Error('attachments in a test without them');
    return [];
  },
  attach: () => {
    throw new Error('attachments in a test without them');
  },
};

/** A friend row as `Contacts.add` writes it. */
export function friendRow(
  username: string,
  over: Partial<FriendRow> = {},
): Omit<FriendRow, 'verified' | 'seen_public_key' | 'seen_signing_key' | 'dht_key' | 'presence_at' | 'keys_rotated_at'> {
  return {
    username,
    public_key: Buffer.alloc(32, 1).toString('base64'),
    signing_key: Buffer.alloc(32, 2).toString('base64'),
    addresses: ['127.0.0.1:9'],
    last_seen: null,
    last_ip: null,
    added_at: new Date().toISOString(),
    ...over,
  };
}

/**
 * The peer transport at the edge. Sessions are switched on and off by the
 * test; frames sent on a session are recorded and handed to `deliver`.
 */
export class FakeTransport implements PeerTransport {
  readonly sent: Array<{ to: string; message: PeerMessage }> = [];
  readonly dials: string[] = [];
  /** Where frames on a live session go: the friend's side, when the test links one. */
  deliver: (to: string, message: PeerMessage) => void = () => {};
  /** File data the bulk lane took, per friend, in order. */
  readonly bulkSent: Array<{ to: string; frame: BulkFrame }> = [];
  private readonly sessions = new Set<string>();
  private bulk: BulkSource | null = null;

  up(username: string): void {
    this.sessions.add(username);
  }

  down(username: string): void {
    this.sessions.delete(username);
  }

  sessionCount(): number {
    return this.sessions.size;
  }

  isConnected(username: string): boolean {
    return this.sessions.has(username);
  }

  path(username: string): PeerPath | null {
    return this.sessions.has(username) ? 'tcp' : null;
  }

  network(): NetworkStatus {
    return { dht: 'off', relays: 0 };
  }

  send(username: string, message: PeerMessage): boolean {
    if (!this.sessions.has(username)) return false;
    this.sent.push({ to: username, message });
    this.deliver(username, message);
    return true;
  }

  attachBulk(source: BulkSource): void {
    this.bulk = source;
  }

  /** A link that always has room: takes every frame the source has ready now. */
  wakeBulk(username: string): void {
    if (!this.sessions.has(username) || !this.bulk) return;
    for (let frame = this.bulk(username); frame; frame = this.bulk(username)) this.bulkSent.push({ to: username, frame });
  }

  connect(username: string): void {
    this.dials.push(username);
  }

  disconnect(username: string): void {
    this.sessions.delete(username);
  }

  async close(): Promise<void> {}

  /** The frames of one type sent so far, in order. */
  framesOf<T extends PeerMessage['type']>(type: T): Array<Extract<PeerMessage, { type: T }>> {
    return this.sent.map((s) => s.message).filter((m): m is Extract<PeerMessage, { type: T }> => m.type === type);
  }
}

/** The mailbox at the edge: up or down, and able to refuse one item, as a full or failing directory would. */
export class FakeMailbox implements MailboxDrop {
  up = true;
  /** Items whose deposit fails (the directory refuses them). */
  refuse: ((item: OutboxItem) => boolean) | null = null;
  /** Every call: the ids offered, in order. */
  readonly offered: string[][] = [];
  /** Ids now in the mailbox, in the order they were stored. */
  readonly stored: string[] = [];

  async deposit(_peer: string, items: readonly OutboxItem[]): Promise<string[]> {
    this.offered.push(items.map((item) => item.id));
    const ids: string[] = [];
    for (const item of items) {
      if (!this.up || this.refuse?.(item)) break;
      ids.push(item.id);
      this.stored.push(item.id);
    }
    return ids;
  }
}

/** Counts the transactions run through it. */
export function countingTransaction(store: Store): { run: <T>(fn: () => T) => T; count: () => number } {
  let count = 0;
  return {
    run: (fn) => {
      count += 1;
      return store.transaction(fn);
    },
    count: () => count,
  };
}

/** Lets every setImmediate queued so far (one tick of batching) run. */
export function nextTick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
