import type { Attachment, Message } from '../../../../shared/contract.js';
import type { AttachmentRow, AttachmentsRepo } from '../../store/attachments-repo.js';
import { defined } from '../../../../shared/defined.js';

/**
 * Why an attachment failed, as stored. A sent attachment the friend's host
 * refused is stored as `refused:<their reason>`.
 */
export type FailureCode = 'too_large' | 'no_space' | 'corrupt' | 'canceled' | 'withdrawn' | 'unavailable' | 'disk';

const FAILURE_TEXT: Record<FailureCode, string> = {
  too_large: 'Larger than the attachment limit',
  no_space: 'Not enough room for attachments: delete some, then retry',
  corrupt: 'The file did not match its hash',
  canceled: 'Canceled',
  withdrawn: 'The sender canceled it',
  unavailable: 'The sender no longer has it',
  disk: 'Could not write it to disk',
};

export function isFailureCode(value: string): value is FailureCode {
  return Object.hasOwn(FAILURE_TEXT, value);
}

function failureText(row: AttachmentRow): string | null {
  if (row.state !== 'failed' || !row.error) return null;
  const [head, reason] = row.error.split(':', 2) as [string, string | undefined];
  if (head === 'refused' && reason !== undefined) {
    return `${row.peer ?? 'The friend'}'s host refused it: ${isFailureCode(reason) ? FAILURE_TEXT[reason].toLowerCase() : 'no reason given'}`;
  }
  return isFailureCode(head) ? FAILURE_TEXT[head] : 'Failed';
}

/** A stored attachment in the contract's shape. */
export function toAttachment(row: AttachmentRow): Attachment {
  return {
    attachment_id: row.attachment_id,
    name: row.name,
    size: row.size,
    mime: row.mime,
    state: row.state,
    received_bytes: row.state === 'available' && row.direction === 'received' ? row.size : row.received_bytes,
    hash: row.hash,
    error: failureText(row),
    mailbox: row.via === 'mailbox',
  };
}

/** Fills in the attachments of these messages (one query for all). */
export function withAttachments<M extends Message>(messages: M[], repo: Pick<AttachmentsRepo, 'forMessages'>): M[] {
  const rows = repo.forMessages(messages.map((m) => m.msg_id));
  if (rows.length === 0) return messages;
  const byMessage = new Map<string, Attachment[]>();
  for (const row of rows) {
    const list = byMessage.get(defined(row.msg_id)) ?? [];
    list.push(toAttachment(row));
    byMessage.set(defined(row.msg_id), list);
  }
  return messages.map((m) => (byMessage.has(m.msg_id) ? { ...m, attachments: defined(byMessage.get(m.msg_id)) } : m));
}
