import * as z from 'zod';
import type { Limits } from '../../config/limits.js';
import { CONTENT_HASH_PATTERN, contentHash } from '../../crypto/content-hash.js';
import { errors } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { itemId } from '../../peer/peer-protocol.js';
import type { AttachmentFiles } from '../../store/attachment-files.js';
import type { AttachmentRow, AttachmentsRepo, AttachmentVia } from '../../store/attachments-repo.js';
import type { OutboxItem } from '../../store/outbox-repo.js';
import type { NewItem } from '../outbox-item.js';
import type { FailureCode } from './attachment-view.js';
import { declaredType } from './declared-type.js';
import { partItems } from './file-parts.js';
import { safeFileName } from './file-name.js';
import type { Quota } from './quota.js';
import type { StatusNotices } from './status-notices.js';

/**
 * An attachment as a chat message carries it: the message and its file list
 * arrive together, through the one outbox path. `via` says how the bytes
 * follow: `mailbox` as part items right after the message, `session`
 * pulled by the receiver over a live session.
 */
export const offerSchema = z.object({
  id: itemId,
  hash: z.string().regex(CONTENT_HASH_PATTERN),
  name: z.string().max(1024),
  size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  mime: z.string().max(255),
  via: z.enum(['mailbox', 'session']),
});

export type Offer = z.infer<typeof offerSchema>;

function offerOf(row: AttachmentRow, via: AttachmentVia): Offer {
  return { id: row.attachment_id, hash: row.hash, name: row.name, size: row.size, mime: row.mime, via };
}

/** The sending side: uploads put on a message by POST /messages. */
export class OutgoingAttachments {
  constructor(
    private readonly deps: {
      repo: Pick<AttachmentsRepo, 'get' | 'attach'>;
      files: Pick<AttachmentFiles, 'filePath'>;
      limits: Pick<Limits, 'maxAttachmentsPerMessage' | 'mailboxAttachmentBytes'>;
    },
  ) {}

  /** Before the commit: each id is an upload of ours, there once, not on a message yet. */
  check(ids: readonly string[]): AttachmentRow[] {
    const max = this.deps.limits.maxAttachmentsPerMessage;
    if (ids.length > max) throw errors.tooManyAttachments(max);
    if (new Set(ids).size !== ids.length) throw errors.badRequest('The same attachment is listed twice');
    return ids.map((id) => {
      const row = this.deps.repo.get(id);
      if (!row || row.direction !== 'sent') throw errors.attachmentNotFound(id);
      if (row.msg_id !== null) throw errors.attachmentInUse(id);
      return row;
    });
  }

  /**
   * Inside the send's transaction: puts the uploads on the message and
   * returns their offers, and the part items of the small ones, which the
   * caller queues right after the message item.
   */
  attach(rows: readonly AttachmentRow[], to: string, msgId: string): { offers: Offer[]; parts: NewItem[] } {
    const offers: Offer[] = [];
    const parts: NewItem[] = [];
    rows.forEach((row, position) => {
      const via: AttachmentVia = row.size <= this.deps.limits.mailboxAttachmentBytes ? 'mailbox' : 'session';
      if (!this.deps.repo.attach(row.attachment_id, to, msgId, position, via)) throw errors.attachmentInUse(row.attachment_id);
      offers.push(offerOf(row, via));
      if (via === 'mailbox') parts.push(...partItems(row, to, msgId, this.deps.files));
    });
    return { offers, parts };
  }
}

/** The receiving side: a friend's offers, recorded with their message. */
export class IncomingAttachments {
  constructor(
    private readonly deps: {
      repo: Pick<AttachmentsRepo, 'insertReceived' | 'isStored'>;
      files: Pick<AttachmentFiles, 'has' | 'writeFile'>;
      quota: Pick<Quota, 'fits'>;
      statuses: Pick<StatusNotices, 'add'>;
      limits: Pick<Limits, 'maxAttachmentBytes' | 'mailboxAttachmentBytes'>;
      log: Logger;
    },
  ) {}

  /**
   * Inside the message's transaction. Each offer becomes a row: receiving,
   * or at once available (we hold a file with that hash already: content
   * addressing makes it the same file) or failed (over the limit, no room).
   * Returns the status items to drain after the commit.
   */
  accept(from: string, msgId: string, offers: readonly Offer[]): OutboxItem[] {
    const notices: OutboxItem[] = [];
    offers.forEach((offer, position) => {
      const via: AttachmentVia = offer.via === 'mailbox' && offer.size <= this.deps.limits.mailboxAttachmentBytes ? 'mailbox' : 'session';
      const outcome = this.judge(offer.size, offer.hash);
      const inserted = this.deps.repo.insertReceived({
        attachment_id: offer.id,
        peer: from,
        msg_id: msgId,
        position,
        hash: offer.hash,
        name: safeFileName(offer.name),
        size: offer.size,
        mime: declaredType(offer.mime),
        via,
        ...(outcome === 'receiving' ? {} : outcome === 'available' ? { state: 'available', received_bytes: offer.size } : { state: 'failed', error: outcome }),
      });
      if (!inserted) {
        this.deps.log.warn('ignored an attachment whose id is taken', { from, id: offer.id });
        return;
      }
      if (outcome === 'available') notices.push(this.deps.statuses.add(from, { attachment_id: offer.id, status: 'received' }));
      else if (outcome !== 'receiving') notices.push(this.deps.statuses.add(from, { attachment_id: offer.id, status: 'refused', reason: outcome }));
    });
    return notices;
  }

  /**
   * Whether a file of this size and hash may come in now: over the limit,
   * already here (content addressing makes it the same file), or room for it.
   */
  judge(size: number, hash: string): 'receiving' | 'available' | FailureCode {
    if (size > this.deps.limits.maxAttachmentBytes) return 'too_large';
    if (this.deps.repo.isStored(hash) && this.deps.files.has(hash)) return 'available';
    if (size === 0) {
      if (contentHash(new Uint8Array(0)) !== hash) return 'corrupt';
      this.deps.files.writeFile(hash, new Uint8Array(0));
      return 'available';
    }
    return this.deps.quota.fits(size) ? 'receiving' : 'no_space';
  }
}
