import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Message } from '../../../../shared/contract.js';
import type { EventClient } from '../../../../testkit/event-client.js';
import { eventually } from '../../../../testkit/eventually.js';
import type { HostOptions, Testnet } from '../../../../testkit/testnet.js';
import type { TestHost } from '../../../../testkit/test-host.js';
import { defined } from '../../../../shared/defined.js';

/** Starts two hosts and makes them friends; resolves once their session is up. */
export async function friends(net: Testnet, a: HostOptions, b: HostOptions): Promise<[TestHost, TestHost]> {
  const [x, y] = await Promise.all([net.start(a), net.start(b)]);
  await x.api.addFriend(defined(b.username));
  await y.api.addFriend(defined(a.username));
  await eventually(async () => (await x.api.status()).peer_count === 1 && (await y.api.status()).peer_count === 1, 20_000, 'session');
  return [x, y];
}

/**
 * The messages in a stopped host's database, read straight from its file:
 * what it had committed when it died, before any restart could add more.
 */
export function committedMessages(host: TestHost, peer: string): Pick<Message, 'msg_id' | 'text' | 'status'>[] {
  const db = new Database(path.join(host.dataDir, 'parley.db'), { fileMustExist: true });
  try {
    return db.prepare('SELECT msg_id, text, status FROM messages WHERE peer = ? ORDER BY id').all(peer) as Pick<Message, 'msg_id' | 'text' | 'status'>[];
  } finally {
    db.close();
  }
}

/** Every `new_message` any of these clients saw (one client per incarnation of a host). */
export function announced(clients: EventClient[]): Array<{ msg_id: string }> {
  return clients.flatMap((c) => c.of('new_message'));
}

/** Waits until every message this host sent to `peer` is delivered (or read). */
export async function allDelivered(host: TestHost, peer: string, expected: number, timeoutMs = 60_000): Promise<void> {
  await eventually(
    async () => {
      const sent = (await host.api.messages(peer, { limit: 500 })).messages.filter((m) => m.direction === 'sent');
      return sent.length >= expected && sent.every((m) => m.delivered);
    },
    timeoutMs,
    `all ${expected} messages to ${peer} marked delivered`,
  );
}

/** Moves the local directory file away (an outage); the returned function puts it back, once. */
export function takeDirectoryAway(directoryPath: string): () => void {
  const away = `${directoryPath}.away`;
  fs.renameSync(directoryPath, away);
  let back = false;
  return () => {
    if (back) return;
    back = true;
    fs.renameSync(away, directoryPath);
  };
}

/**
 * How many of these messages the sender shows delivered, waiting up to
 * `timeoutMs` for all of them. It does not fail: a delivery receipt lost on a
 * cut connection is never re-sent (see receipt-loss.test.ts), so callers
 * report the number, and assert on it only where the issue asks for it.
 */
export async function deliveredAtSender(host: TestHost, peer: string, ids: Iterable<string>, timeoutMs = 45_000): Promise<number> {
  const wanted = new Set(ids);
  const count = async () =>
    (await host.api.messages(peer, { limit: 500 })).messages.filter((m) => wanted.has(m.msg_id) && m.delivered).length;
  await eventually(async () => (await count()) === wanted.size, timeoutMs, 'sender marks all delivered').catch(() => undefined);
  return count();
}
