import * as z from 'zod';
import { itemId } from '../../peer/peer-protocol.js';
import type { AttachmentRow, AttachmentsRepo } from '../../store/attachments-repo.js';
import type { OutboxItem } from '../../store/outbox-repo.js';
import type { ItemHandler } from '../item-kinds.js';
import { isFailureCode, type FailureCode } from './attachment-view.js';
import { ATTACHMENT_STATUS_KIND, type StatusBody, type StatusNotices } from './status-notices.js';

/**
 * Receiving attachment statuses. Each applies only to an attachment between
 * us and that friend, in the direction it makes sense (a receiver cannot
 * withdraw our file, a sender cannot say it has it), and only from the
 * states it moves on from: repeated or late statuses change nothing.
 */
export function attachmentStatusItem(deps: {
  repo: Pick<AttachmentsRepo, 'get' | 'update' | 'dropParts'>;
  statuses: Pick<StatusNotices, 'add' | 'drain'>;
  /** Whether a file offered again may come in now (limits, room), or why not. */
  judge: (row: AttachmentRow) => 'receiving' | 'available' | FailureCode;
  /** After the commit: what else the change needs (stop serving or fetching, fetch again), and its event. */
  changed: (before: AttachmentRow, after: AttachmentRow) => void;
}): ItemHandler<StatusBody> {
  const schema = z.object({
    attachment_id: itemId,
    status: z.enum(['received', 'refused', 'canceled', 'offered']),
    reason: z.string().max(32).optional(),
  });
  const next = (row: AttachmentRow, body: StatusBody): AttachmentRow | null => {
    if (row.direction === 'sent') {
      if (body.status === 'received' && row.state !== 'available') return { ...row, state: 'available', received_bytes: row.size, error: null };
      if (body.status === 'refused' && row.state === 'sending') return { ...row, state: 'failed', error: `refused:${body.reason ?? ''}` };
      return null;
    }
    if (body.status === 'canceled' && row.state === 'receiving') return { ...row, state: 'failed', received_bytes: 0, error: 'withdrawn' };
    // Offered again after a failure: taken unless we canceled it ourselves. It comes over a session now (its parts are gone).
    if (body.status === 'offered' && row.state === 'failed' && row.error !== 'canceled') {
      const verdict = deps.judge(row);
      if (verdict === 'receiving') return { ...row, state: 'receiving', received_bytes: 0, error: null, via: 'session' };
      if (verdict === 'available') return { ...row, state: 'available', received_bytes: row.size, error: null };
      return { ...row, error: verdict };
    }
    return null;
  };
  /** The sender who offered again hears the outcome at once when there is one. */
  const reply = (from: string, body: StatusBody, after: AttachmentRow): OutboxItem | null => {
    if (body.status !== 'offered') return null;
    if (after.state === 'available') return deps.statuses.add(from, { attachment_id: after.attachment_id, status: 'received' });
    if (after.state === 'failed' && isFailureCode(after.error ?? '')) {
      return deps.statuses.add(from, { attachment_id: after.attachment_id, status: 'refused', reason: after.error as FailureCode });
    }
    return null;
  };
  return {
    kind: ATTACHMENT_STATUS_KIND,
    parse: (body) => {
      const parsed = schema.safeParse(body);
      if (!parsed.success) return null;
      const { reason, ...rest } = parsed.data;
      return reason !== undefined && isFailureCode(reason) ? { ...rest, reason } : rest;
    },
    commit: (from, _id, body) => {
      const row = deps.repo.get(body.attachment_id);
      if (!row || row.peer !== from) return { ack: true };
      const after = next(row, body);
      if (!after) return { ack: true };
      if (after.state !== 'receiving') deps.repo.dropParts(row.attachment_id);
      deps.repo.update(after);
      const notice = reply(from, body, after);
      return {
        ack: true,
        announce: () => {
          if (notice) deps.statuses.drain(from, [notice]);
          deps.changed(row, after);
        },
      };
    },
  };
}
