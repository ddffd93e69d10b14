import fs from 'node:fs';
import type { Attachment } from '../../../../shared/contract.js';
import { IMAGE_SNIFF_BYTES, sniffImageType, type InlineImageType } from '../../../../shared/image-type.js';
import type { Limits } from '../../config/limits.js';
import { errors } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { FileDataFrame, PeerMessage } from '../../peer/peer-protocol.js';
import type { AttachmentFiles } from '../../store/attachment-files.js';
import type { AttachmentRow, AttachmentsRepo } from '../../store/attachments-repo.js';
import type { OutboxItem, OutboxRepo } from '../../store/outbox-repo.js';
import type { MessageViews } from '../message-views.js';
import type { ItemHandler } from '../item-kinds.js';
import type { Outbox } from '../outbox.js';
import { repeat } from '../repeat.js';
import type { PeerTransport } from '../transport.js';
import { AttachmentEvents } from './attachment-events.js';
import { toAttachment } from './attachment-view.js';
import { Downloads } from './downloads.js';
import { filePartItem, partCount, partItemId } from './file-parts.js';
import { FileServer } from './file-server.js';
import { IncomingAttachments, OutgoingAttachments } from './offers.js';
import { Quota } from './quota.js';
import { attachmentStatusItem } from './status-item.js';
import { StatusNotices, type StatusBody } from './status-notices.js';
import { Uploads, type UploadInput } from './uploads.js';
import { defined } from '../../../../shared/defined.js';

/** How often uploads never sent are cleared, and the store swept of files nothing needs. */
const UPKEEP_MS = 3600_000;

/** What GET /attachments/:id serves. */
export interface AttachmentDownload {
  file: string;
  size: number;
  name: string;
  /** The declared type: only a hint. */
  mime: string;
  /** The inline image type read from the file's own first bytes; null: served only as a download. */
  inline: InlineImageType | null;
}

type FileFrame = FileDataFrame | Extract<PeerMessage, { type: 'file_get' | 'file_error' }>;

/**
 * Files sent and received with messages: uploads, offers on messages,
 * small files as parts through the outbox, large ones pulled over sessions
 * (resumable, verified), cancel and retry, the store's quota and upkeep.
 * The messenger routes to it; its parts each take what they use.
 */
export class Attachments {
  readonly outgoing: OutgoingAttachments;
  readonly incoming: IncomingAttachments;
  private readonly uploads: Uploads;
  private readonly server: FileServer;
  private readonly downloads: Downloads;
  private readonly events: AttachmentEvents;
  private readonly statuses: StatusNotices;
  private readonly sentAt = new Map<string, number>();
  private upkeep: { stop(): void } | undefined;
  private sweeping: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly deps: {
      repo: AttachmentsRepo;
      files: AttachmentFiles;
      outbox: Pick<Outbox, 'add' | 'drain'>;
      outboxRepo: Pick<OutboxRepo, 'drop'>;
      transaction: <T>(fn: () => T) => T;
      transport: PeerTransport;
      views: Pick<MessageViews, 'updated'>;
      limits: Limits;
      log: Logger;
    },
  ) {
    const { repo, files, limits, log, transaction, transport } = deps;
    const quota = new Quota(repo, limits.attachmentQuotaBytes);
    this.statuses = new StatusNotices({ outbox: deps.outbox, transaction });
    this.events = new AttachmentEvents({ views: deps.views, intervalMs: limits.fileProgressMs });
    this.uploads = new Uploads({ repo, files, quota, maxAttachmentBytes: limits.maxAttachmentBytes });
    this.outgoing = new OutgoingAttachments({ repo, files, limits });
    this.incoming = new IncomingAttachments({ repo, files, quota, statuses: this.statuses, limits, log });
    this.server = new FileServer({ repo, files, transport, limits, log, reopen: (row) => this.reopen(row), progress: (row, bytes) => this.sent(row, bytes) });
    this.downloads = new Downloads({
      repo,
      files,
      transport,
      statuses: this.statuses,
      transaction,
      limits,
      log,
      changed: (row, kind) => this.events.changed(row.msg_id, kind),
    });
  }

  /** The item kinds attachments add: parts of small files, and statuses. */
  handlers(): ItemHandler[] {
    const { repo, files, log } = this.deps;
    return [
      filePartItem({ repo, files, statuses: this.statuses, log, changed: (row, kind) => this.events.changed(row.msg_id, kind) }),
      attachmentStatusItem({
        repo,
        statuses: this.statuses,
        judge: (row) => this.incoming.judge(row.size, row.hash),
        changed: (before, after) => this.statusChanged(before, after),
      }),
    ] as ItemHandler[];
  }

  start(): void {
    this.deps.transport.attachBulk((peer) => this.server.next(peer));
    this.downloads.start();
    let first = true;
    this.upkeep = repeat(async () => {
      this.expireUnsent();
      await this.collect(first);
      first = false;
    }, UPKEEP_MS);
  }

  async stop(): Promise<void> {
    this.upkeep?.stop();
    this.server.stop();
    this.events.stop();
    await this.downloads.stop();
    await this.sweeping;
  }

  upload(input: UploadInput): Promise<Attachment> {
    return this.uploads.receive(input);
  }

  /** What GET /attachments/:id serves: 404 unknown, 409 not all here yet. */
  download(id: string): AttachmentDownload {
    const row = this.require(id);
    if (row.direction === 'received' && row.state !== 'available') throw errors.attachmentNotReady(id);
    const file = this.deps.files.filePath(row.hash);
    const head = Buffer.alloc(IMAGE_SNIFF_BYTES);
    let read: number;
    try {
      const fd = fs.openSync(file, 'r');
      try {
        read = fs.readSync(fd, head, 0, head.length, 0);
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      throw errors.attachmentNotFound(id);
    }
    return { file, size: row.size, name: row.name, mime: row.mime, inline: sniffImageType(head.subarray(0, read)) };
  }

  /** Stops a transfer under way, on either side, and tells the friend. */
  cancel(id: string): Attachment {
    const row = this.require(id);
    const peer = row.peer;
    if (peer && row.direction === 'sent' && row.state === 'sending') {
      this.change(row, { ...row, state: 'failed', error: 'canceled' }, { attachment_id: id, status: 'canceled' }, () => this.unsendParts(row));
      this.server.withdraw(id);
    } else if (peer && row.direction === 'received' && row.state === 'receiving') {
      this.change(row, { ...row, state: 'failed', received_bytes: 0, error: 'canceled' }, { attachment_id: id, status: 'refused', reason: 'canceled' }, () =>
        this.deps.repo.dropParts(id),
      );
      void this.downloads.discard(id);
    }
    return toAttachment(this.require(id));
  }

  /** Tries a failed attachment again; from now on it travels over a session. */
  retry(id: string): Attachment {
    const row = this.require(id);
    const peer = row.peer;
    if (!peer || row.state !== 'failed') return toAttachment(row);
    if (row.direction === 'sent') {
      this.change(row, { ...row, state: 'sending', received_bytes: 0, error: null, via: 'session' }, { attachment_id: id, status: 'offered' });
      return toAttachment(this.require(id));
    }
    const verdict = this.incoming.judge(row.size, row.hash);
    this.deps.files.removePartial(id);
    if (verdict === 'receiving') this.change(row, { ...row, state: 'receiving', received_bytes: 0, error: null, via: 'session' }, null);
    else if (verdict === 'available') this.change(row, { ...row, state: 'available', received_bytes: row.size, error: null }, { attachment_id: id, status: 'received' });
    else this.change(row, { ...row, error: verdict }, null);
    this.downloads.wake(peer);
    return toAttachment(this.require(id));
  }

  /** A file frame from a friend's session. */
  frame(from: string, frame: FileFrame): void {
    if (frame.type === 'file_get') this.server.request(from, frame.id, frame.offset, frame.length);
    else if (frame.type === 'file_data') this.downloads.data(from, frame.id, frame.offset, frame.data);
    else this.downloads.senderError(from, frame.id, frame.reason);
  }

  sessionUp(peer: string): void {
    this.downloads.wake(peer);
  }

  sessionDown(peer: string): void {
    this.server.sessionDown(peer);
    this.downloads.sessionDown(peer);
  }

  /** A message with offers from `from` was committed: send the statuses it owes, and start on the files if a session is up. */
  accepted(from: string, notices: readonly OutboxItem[]): void {
    this.statuses.drain(from, notices);
    this.downloads.wake(from);
  }

  /** The attachments of a message about to be deleted. */
  ofMessage(msgId: string): AttachmentRow[] {
    return this.deps.repo.forMessages([msgId]);
  }

  /**
   * Their message was deleted for everyone (the tombstone stays): inside
   * that transaction, its attachments go the way a deleted message's do.
   */
  withdrawn(msgId: string): void {
    const rows = this.ofMessage(msgId);
    for (const row of rows) {
      if (row.direction === 'sent') this.unsendParts(row);
      this.deps.repo.delete(row.attachment_id);
    }
    this.deleted(rows);
  }

  /** A small sent file's parts still in the outbox stay there unsent. */
  private unsendParts(row: AttachmentRow): void {
    if (row.via === 'mailbox' && row.peer) this.deps.outboxRepo.drop(row.peer, Array.from({ length: partCount(row.size) }, (_, i) => partItemId(row.attachment_id, i)));
  }

  /** Their message was deleted (its rows with it): stop moving them, and free their files. */
  deleted(rows: readonly AttachmentRow[]): void {
    for (const row of rows) {
      this.server.withdraw(row.attachment_id);
      if (row.state === 'receiving') void this.downloads.discard(row.attachment_id);
    }
    if (rows.length > 0) void this.collect(false);
  }

  private require(id: string): AttachmentRow {
    const row = this.deps.repo.get(id);
    if (!row) throw errors.attachmentNotFound(id);
    return row;
  }

  /** Records a change and, in the same transaction, the status that tells the friend; then its event. */
  private change(before: AttachmentRow, after: AttachmentRow, status: StatusBody | null, also?: () => void): void {
    const peer = defined(before.peer);
    const notice = this.deps.transaction(() => {
      this.deps.repo.update(after);
      also?.();
      return status ? this.statuses.add(peer, status) : null;
    });
    if (notice) this.statuses.drain(peer, [notice]);
    this.events.changed(before.msg_id, 'state');
  }

  /** The friend asks again for a file it had refused: it is on its way once more. */
  private reopen(row: AttachmentRow): AttachmentRow {
    const after: AttachmentRow = { ...row, state: 'sending', received_bytes: 0, error: null };
    this.deps.repo.update(after);
    this.events.changed(row.msg_id, 'state');
    return after;
  }

  /** Progress of a file we send, recorded and announced at most once per `fileProgressMs`. */
  private sent(row: AttachmentRow, bytes: number): void {
    const now = Date.now();
    if (bytes < row.size && now - (this.sentAt.get(row.attachment_id) ?? 0) < this.deps.limits.fileProgressMs) return;
    this.sentAt.set(row.attachment_id, now);
    this.deps.repo.progress(row.attachment_id, bytes);
    this.events.changed(row.msg_id, 'progress');
  }

  private statusChanged(before: AttachmentRow, after: AttachmentRow): void {
    const id = after.attachment_id;
    if (after.direction === 'sent' && after.state !== 'sending') {
      this.server.withdraw(id);
      this.sentAt.delete(id);
    }
    if (after.direction === 'received' && before.state === 'receiving' && after.state !== 'receiving') void this.downloads.discard(id);
    if (after.direction === 'received' && after.state === 'receiving') this.downloads.wake(defined(after.peer));
    this.events.changed(after.msg_id, 'state');
  }

  private expireUnsent(): void {
    const ids = this.deps.repo.unsentBefore(Date.now() - this.deps.limits.unsentAttachmentTtlMs);
    for (const id of ids) this.deps.repo.delete(id);
    if (ids.length > 0) this.deps.log.info('deleted uploads never sent', { count: ids.length });
  }

  /** Deletes files nothing needs any more; one sweep at a time. */
  private collect(startUp: boolean): Promise<unknown> {
    const { repo, files, log } = this.deps;
    this.sweeping = this.sweeping
      .then(() => files.sweep((hash) => repo.isStored(hash), (id) => repo.get(id)?.state === 'receiving', startUp))
      .then((removed) => (removed > 0 ? log.debug('attachment store swept', { removed }) : undefined))
      .catch((err: unknown) => log.warn('attachment store sweep failed', { err }));
    return this.sweeping;
  }
}
