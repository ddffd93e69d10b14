import type { Attachment, Contact, Direction, MessageStatus } from '../../shared/contract.js';
import { formatBytes } from './file-size.js';
import { defined } from '../../shared/defined.js';

export type AttachmentPhase = 'uploading' | 'waiting' | 'moving' | 'done' | 'failed';

export interface AttachmentStatusView {
  phase: AttachmentPhase;
  /** One line for people, under the file's name. */
  label: string;
  /** 0..1 while bytes move; null when there is nothing to show as a bar. */
  progress: number | null;
  canCancel: boolean;
  canRetry: boolean;
  /** The bytes can be fetched from the host (ours to send, or here and verified). */
  canOpen: boolean;
}

interface Context {
  direction: Direction;
  /** The message is still being sent by this page (uploads, then POST /messages). */
  local: 'sending' | 'failed' | undefined;
  messageStatus: MessageStatus;
  peer: string;
  /** The friend's contact, for whether a session reaches them now. */
  contact: Pick<Contact, 'online' | 'path'> | undefined;
}

/**
 * How an attachment reads in its bubble. Large files need both hosts
 * online, so "waiting for bob to come online" says what the user can
 * expect; small ones travel through the mailbox and arrive on their own.
 */
export function attachmentStatus(a: Attachment, ctx: Context): AttachmentStatusView {
  const sent = ctx.direction === 'sent';
  const size = formatBytes(a.size);
  const reachable = !!ctx.contact && ctx.contact.path !== null && ctx.contact.path !== undefined;
  const share = a.size > 0 ? Math.min(1, a.received_bytes / a.size) : 1;
  const base = { canCancel: false, canRetry: false, canOpen: sent && !ctx.local };
  if (ctx.local === 'sending') return { ...base, phase: 'uploading', label: `Preparing · ${size}`, progress: null };
  if (ctx.local === 'failed') return { ...base, phase: 'failed', label: 'Not sent', progress: null };
  if (a.state === 'failed') return { ...base, phase: 'failed', label: a.error ?? 'Failed', progress: null, canRetry: true };
  if (a.state === 'available') return { ...base, phase: 'done', label: size, progress: null, canOpen: true };
  const moving = (verb: string) => ({
    ...base,
    phase: 'moving' as const,
    label: `${verb} · ${formatBytes(a.received_bytes)} of ${size}`,
    progress: share,
    canCancel: true,
  });
  if (a.mailbox) {
    if (sent && ctx.messageStatus === 'stored') return { ...base, phase: 'waiting', label: `In ${ctx.peer}'s mailbox · ${size}`, progress: null, canCancel: true };
    return sent ? moving('Sending') : moving('Arriving');
  }
  if (!reachable) return { ...base, phase: 'waiting', label: `Waiting for ${ctx.peer} to come online · ${size}`, progress: share > 0 ? share : null, canCancel: true };
  return sent ? moving('Sending') : moving('Receiving');
}

/** A message as one line (contact list, notifications): its text, or what it carries when it has none. */
export function previewText(m: { text: string; attachments?: readonly Pick<Attachment, 'name'>[] }): string {
  return m.text || attachmentsSummary(m.attachments ?? []);
}

/** A message's preview line when it has no text: what it carries. */
export function attachmentsSummary(attachments: readonly Pick<Attachment, 'name'>[]): string {
  if (attachments.length === 0) return '';
  if (attachments.length === 1) return `📎 ${defined(attachments[0]).name}`;
  return `📎 ${attachments.length} files`;
}
