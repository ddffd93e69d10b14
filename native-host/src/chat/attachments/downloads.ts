import type { Limits } from '../../config/limits.js';
import type { Logger } from '../../logger.js';
import type { AttachmentFiles } from '../../store/attachment-files.js';
import type { AttachmentRow, AttachmentsRepo } from '../../store/attachments-repo.js';
import type { OutboxItem } from '../../store/outbox-repo.js';
import type { PeerTransport } from '../transport.js';
import type { FailureCode } from './attachment-view.js';
import { FileFetch, type FetchEnd } from './file-fetch.js';
import type { StatusNotices } from './status-notices.js';
import { defined } from '../../../../shared/defined.js';

/** What a sender's `file_error` means for our copy. */
const SENDER_ERROR: Record<'unknown' | 'canceled' | 'range', FailureCode> = {
  unknown: 'unavailable',
  canceled: 'withdrawn',
  // The sender's file is shorter than the size it offered.
  range: 'corrupt',
};

/**
 * The receiving side of transfers over sessions: which of a friend's
 * attachments are pulled now (`fileParallel` at a time, oldest first),
 * starting whenever a session is up, pausing when it drops, and what
 * happens once a file is all here: it is hashed from disk and, only if it
 * matches, moved into the store and reported `received`; otherwise it is
 * deleted and reported `refused`.
 */
export class Downloads {
  private readonly active = new Map<string, FileFetch>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly deps: {
      repo: Pick<AttachmentsRepo, 'get' | 'receivingFrom' | 'receivingPeers' | 'progress' | 'update'>;
      files: Pick<AttachmentFiles, 'partialPath' | 'adoptPartial' | 'removePartial'>;
      transport: Pick<PeerTransport, 'send' | 'isConnected'>;
      statuses: Pick<StatusNotices, 'add' | 'drain'>;
      transaction: <T>(fn: () => T) => T;
      changed: (row: AttachmentRow, kind: 'state' | 'progress') => void;
      limits: Pick<Limits, 'fileParallel' | 'fileWindowBytes' | 'fileQueueDelayMs' | 'fileCheckpointBytes' | 'fileCheckpointMs' | 'fileStallMs'>;
      log: Logger;
    },
  ) {}

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => {
      const now = Date.now();
      for (const fetch of this.active.values()) fetch.tick(now);
    }, Math.max(50, Math.floor(this.deps.limits.fileStallMs / 3)));
    this.timer.unref();
    for (const peer of this.deps.repo.receivingPeers()) this.wake(peer);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await Promise.all([...this.active.values()].map((fetch) => fetch.stop()));
  }

  /** Starts pulling the friend's waiting attachments, if a session is up and there is room. */
  wake(peer: string): void {
    if (this.stopped || !this.deps.transport.isConnected(peer)) return;
    let running = [...this.active.values()].filter((f) => f.peer === peer).length;
    for (const row of this.deps.repo.receivingFrom(peer)) {
      if (running >= this.deps.limits.fileParallel) break;
      if (this.active.has(row.attachment_id)) continue;
      this.begin(row);
      running += 1;
    }
  }

  /** The session dropped: each transfer records how far it got and waits for the next one. */
  sessionDown(peer: string): void {
    for (const fetch of this.active.values()) if (fetch.peer === peer) void fetch.stop();
  }

  /** A data frame; ignored unless it belongs to a transfer from that friend under way (late data after a cancel is normal). */
  data(from: string, id: string, offset: number, data: Uint8Array): void {
    const fetch = this.active.get(id);
    if (fetch?.peer === from) fetch.data(offset, data);
  }

  /** The sender will not serve it: the transfer fails, saying why. */
  senderError(from: string, id: string, reason: keyof typeof SENDER_ERROR): void {
    const fetch = this.active.get(id);
    if (fetch?.peer !== from) return;
    // The row first: once it is no longer receiving, nothing starts this transfer again.
    const row = this.deps.repo.get(id);
    if (row?.state === 'receiving') this.fail(row, SENDER_ERROR[reason]);
    void fetch.stop();
  }

  /** Stops a transfer and deletes what it received (canceled, withdrawn, or its message deleted); call once its row no longer says receiving. */
  async discard(id: string): Promise<void> {
    await this.active.get(id)?.stop();
    this.deps.files.removePartial(id);
  }

  private begin(row: AttachmentRow): void {
    const fetch = new FileFetch(row, {
      path: this.deps.files.partialPath(row.attachment_id),
      ask: (offset, length) => this.deps.transport.send(defined(row.peer), { type: 'file_get', id: row.attachment_id, offset, length }),
      checkpoint: (bytes) => {
        this.deps.repo.progress(row.attachment_id, bytes);
        this.deps.changed(row, 'progress');
      },
      limits: this.deps.limits,
    });
    this.active.set(row.attachment_id, fetch);
    void fetch.start();
    void fetch.ended.then((end) => this.ended(fetch, row, end));
  }

  private async ended(fetch: FileFetch, row: AttachmentRow, end: FetchEnd): Promise<void> {
    this.deps.log.info('attachment transfer ended', { peer: fetch.peer, id: fetch.id, outcome: end.outcome, from: fetch.startedAt, taken: fetch.taken, size: fetch.size });
    try {
      if (end.outcome === 'complete') this.verify(row, end.hash);
      else if (end.outcome === 'failed') this.fail(row, end.error.code === 'ENOSPC' ? 'no_space' : 'disk');
    } catch (err) {
      this.deps.log.error('could not finish an attachment', { id: row.attachment_id, err });
    } finally {
      if (this.active.get(fetch.id) === fetch) this.active.delete(fetch.id);
      this.wake(fetch.peer);
    }
  }

  /** The whole file is on disk: it becomes available only if its hash is the one offered. */
  private verify(row: AttachmentRow, hash: string): void {
    const current = this.deps.repo.get(row.attachment_id);
    if (current?.state !== 'receiving') {
      // Canceled or deleted while it was being checked.
      this.deps.files.removePartial(row.attachment_id);
      return;
    }
    if (hash !== row.hash) return this.fail(current, 'corrupt');
    // The move and the row in one tick: a sweep never sees one without the other.
    this.deps.files.adoptPartial(row.attachment_id, row.hash);
    const notice = this.deps.transaction(() => {
      this.deps.repo.update({ ...current, state: 'available', received_bytes: current.size, error: null });
      return this.deps.statuses.add(defined(row.peer), { attachment_id: row.attachment_id, status: 'received' });
    });
    this.settled(current, [notice]);
  }

  private fail(row: AttachmentRow, error: FailureCode): void {
    this.deps.log.warn('an attachment failed', { peer: row.peer, id: row.attachment_id, why: error });
    this.deps.files.removePartial(row.attachment_id);
    const notice = this.deps.transaction(() => {
      this.deps.repo.update({ ...row, state: 'failed', received_bytes: 0, error });
      return error === 'withdrawn' || error === 'unavailable'
        ? null
        : this.deps.statuses.add(defined(row.peer), { attachment_id: row.attachment_id, status: 'refused', reason: error });
    });
    this.settled(row, notice ? [notice] : []);
  }

  private settled(row: AttachmentRow, notices: OutboxItem[]): void {
    this.deps.statuses.drain(defined(row.peer), notices);
    this.deps.changed(row, 'state');
  }
}
