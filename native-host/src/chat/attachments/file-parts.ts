import fs from 'node:fs';
import * as z from 'zod';
import { contentHash } from '../../crypto/content-hash.js';
import type { Logger } from '../../logger.js';
import { itemId } from '../../peer/peer-protocol.js';
import type { AttachmentFiles } from '../../store/attachment-files.js';
import type { AttachmentRow, AttachmentsRepo } from '../../store/attachments-repo.js';
import type { OutboxItem } from '../../store/outbox-repo.js';
import type { ItemHandler } from '../item-kinds.js';
import type { NewItem } from '../outbox-item.js';
import type { FailureCode } from './attachment-view.js';
import type { StatusNotices } from './status-notices.js';

/** The item kind of one part of a small attachment. */
export const FILE_PART_KIND = 'file-part';

/**
 * Bytes of a small attachment per part. An envelope holds at most 48 KiB
 * (the directory's 64 KiB of base64), and the directory's cap is not ours
 * to raise: a 16 KiB part is about 22 KB as a base64 item frame, which
 * leaves room for the envelope's own layers and any padding of them.
 */
export const PART_BYTES = 16 * 1024;
/** Largest part accepted from a friend. */
const MAX_PART_BYTES = 32 * 1024;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export interface PartBody {
  attachment_id: string;
  start: number;
  data: Uint8Array;
}

/** The id of part `index` of an attachment: known in advance, so a canceled attachment's parts can be dropped. */
export function partItemId(attachmentId: string, index: number): string {
  return `${attachmentId}-p${index}`;
}

/** How many parts a file of `size` bytes travels in. */
export function partCount(size: number): number {
  return Math.ceil(size / PART_BYTES);
}

/** Sender: the parts of a small attachment, as items that follow its message (same friend, same message). */
export function partItems(row: AttachmentRow, to: string, msgId: string, files: Pick<AttachmentFiles, 'filePath'>): NewItem[] {
  const bytes = fs.readFileSync(files.filePath(row.hash));
  const items: NewItem[] = [];
  for (let index = 0; index < partCount(bytes.length); index++) {
    const start = index * PART_BYTES;
    items.push({
      id: partItemId(row.attachment_id, index),
      peer: to,
      kind: FILE_PART_KIND,
      body: { attachment_id: row.attachment_id, start, data: bytes.subarray(start, start + PART_BYTES).toString('base64') },
      msgId,
    });
  }
  return items;
}

/**
 * Receiver: parts of a small attachment, live or from the mailbox, in any
 * order and any number of times. Each is kept (in SQLite, with the ack);
 * when they cover the file exactly it is put together, checked against its
 * hash and stored. A part that overlaps another differently or runs past
 * the declared size fails the attachment, and never makes it bigger.
 */
export function filePartItem(deps: {
  repo: Pick<AttachmentsRepo, 'get' | 'partSpans' | 'addPart' | 'parts' | 'dropParts' | 'update' | 'progress'>;
  files: Pick<AttachmentFiles, 'writeFile'>;
  statuses: Pick<StatusNotices, 'add' | 'drain'>;
  changed: (row: AttachmentRow, kind: 'state' | 'progress') => void;
  log: Logger;
}): ItemHandler<PartBody> {
  const schema = z.object({
    attachment_id: itemId,
    start: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    data: z.string().min(1).max(Math.ceil(MAX_PART_BYTES / 3) * 4).regex(BASE64),
  });
  const settle = (row: AttachmentRow, from: string, outcome: 'available' | FailureCode) => {
    deps.repo.dropParts(row.attachment_id);
    const ok = outcome === 'available';
    deps.repo.update({ ...row, state: ok ? 'available' : 'failed', received_bytes: ok ? row.size : 0, error: ok ? null : outcome });
    const notice: OutboxItem = deps.statuses.add(
      from,
      ok ? { attachment_id: row.attachment_id, status: 'received' } : { attachment_id: row.attachment_id, status: 'refused', reason: outcome },
    );
    if (!ok) deps.log.warn('an attachment failed', { from, id: row.attachment_id, why: outcome });
    return { ack: true as const, announce: () => (deps.statuses.drain(from, [notice]), deps.changed(row, 'state')) };
  };
  return {
    kind: FILE_PART_KIND,
    parse: (body) => {
      const parsed = schema.safeParse(body);
      return parsed.success ? { ...parsed.data, data: Buffer.from(parsed.data.data, 'base64') } : null;
    },
    commit: (from, _id, body) => {
      const row = deps.repo.get(body.attachment_id);
      // Parts always follow their message; without a row here the message was deleted (or refused): nothing to add to.
      if (!row || row.direction !== 'received' || row.peer !== from || row.state !== 'receiving' || row.via !== 'mailbox') return { ack: true };
      const end = body.start + body.data.length;
      if (body.data.length === 0 || end > row.size) return settle(row, from, 'corrupt');
      const spans = deps.repo.partSpans(row.attachment_id);
      let have = 0;
      for (const span of spans) {
        if (span.start === body.start && span.length === body.data.length) return { ack: true };
        if (span.start < end && body.start < span.start + span.length) return settle(row, from, 'corrupt');
        have += span.length;
      }
      deps.repo.addPart(row.attachment_id, body.start, body.data);
      have += body.data.length;
      if (have < row.size) {
        deps.repo.progress(row.attachment_id, have);
        return { ack: true, announce: () => deps.changed(row, 'progress') };
      }
      const bytes = Buffer.concat(deps.repo.parts(row.attachment_id).map((p) => p.data));
      if (contentHash(bytes) !== row.hash) return settle(row, from, 'corrupt');
      deps.files.writeFile(row.hash, bytes);
      return settle(row, from, 'available');
    },
  };
}
