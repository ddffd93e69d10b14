import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Attachment, Message } from '../../../shared/contract.js';
import { contentHash } from '../../src/crypto/content-hash.js';
import { eventually } from '../../../testkit/eventually.js';
import type { TestHost } from '../../../testkit/test-host.js';

/** Bytes that differ for every seed and size, quickly, without holding a PRNG state. */
export function fileBytes(size: number, seed = 1): Uint8Array {
  const bytes = new Uint8Array(size);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

export { contentHash };

/** A tiny valid PNG (1×1, red). */
export const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
  'base64',
);

/** The message with this id on `host`, in its chat with `peer`. */
export async function messageOn(host: TestHost, peer: string, msgId: string): Promise<Message | undefined> {
  return (await host.api.messages(peer, { limit: 500 })).messages.find((m) => m.msg_id === msgId);
}

/** Waits until the attachment on that message matches `check`; returns it. */
export async function attachmentOn(
  host: TestHost,
  peer: string,
  msgId: string,
  check: (a: Attachment) => boolean,
  timeoutMs = 20_000,
  what = 'the attachment',
): Promise<Attachment> {
  return eventually(
    async () => (await messageOn(host, peer, msgId))?.attachments.find(check),
    timeoutMs,
    `${what} on ${host.info.api_port}`,
  );
}

/** The bytes the host serves for an attachment. */
export async function fetchBytes(host: TestHost, id: string): Promise<Uint8Array> {
  return new Uint8Array(await (await host.api.attachmentBlob(id)).arrayBuffer());
}

/** Files in one folder of a host's attachment store (files, partial, incoming). */
export function storeFiles(host: TestHost, folder: 'files' | 'partial' | 'incoming'): string[] {
  const dir = path.join(host.dataDir, 'attachments', folder);
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

/**
 * Changes a stored attachment row in a stopped host's database: a host made
 * to lie. A new hash also gets the real bytes filed under it, so the host
 * still serves the file it has while claiming another hash.
 */
export function tamperAttachment(host: TestHost, id: string, set: Record<string, string | number>): void {
  const db = new Database(path.join(host.dataDir, 'parley.db'));
  try {
    const { hash } = db.prepare('SELECT hash FROM attachments WHERE attachment_id = ?').get(id) as { hash: string };
    const columns = Object.keys(set);
    db.prepare(`UPDATE attachments SET ${columns.map((c) => `${c} = @${c}`).join(', ')} WHERE attachment_id = @id`).run({ ...set, id });
    if (typeof set.hash === 'string') {
      const files = path.join(host.dataDir, 'attachments', 'files');
      fs.copyFileSync(path.join(files, hash), path.join(files, set.hash));
    }
  } finally {
    db.close();
  }
}
