import fs from 'node:fs';
import type { Limits } from '../../config/limits.js';
import type { Logger } from '../../logger.js';
import type { BulkFrame } from '../../peer/bulk-lane.js';
import type { AttachmentFiles } from '../../store/attachment-files.js';
import type { AttachmentRow, AttachmentsRepo } from '../../store/attachments-repo.js';
import type { PeerTransport } from '../transport.js';
import { defined } from '../../../../shared/defined.js';

/**
 * Reads go to the disk in blocks of this many chunks, and up to twice that
 * waits ready per attachment: enough that the lane never waits on a read
 * (each costs a trip through libuv's thread pool), little enough to keep
 * memory flat (about 1 MB per file being sent).
 */
const BLOCK_CHUNKS = 8;
const READ_AHEAD = 2 * BLOCK_CHUNKS;

interface Served {
  row: AttachmentRow;
  /** Byte ranges asked for and not read yet, in order. */
  ranges: Array<{ start: number; end: number }>;
  ready: BulkFrame[];
  reading: boolean;
  handle: fs.promises.FileHandle | null;
  /** No longer served: the handle closes once a read under way settles. */
  dropped: boolean;
}

interface PeerServing {
  served: Map<string, Served>;
  /** Round robin: the attachment whose chunk goes next. */
  turn: number;
}

/**
 * The sending side of transfers over a session. The friend asks for ranges
 * (`file_get`); each range is read from the store a couple of chunks ahead
 * and handed to the session's bulk lane, which takes them only while its
 * link has room. Several attachments to one friend share the lane in turn.
 * A file is served only to the friend it was sent to, and only while it is
 * offered (not withdrawn, its message not deleted).
 */
export class FileServer {
  private readonly peers = new Map<string, PeerServing>();

  constructor(
    private readonly deps: {
      repo: Pick<AttachmentsRepo, 'get'>;
      files: Pick<AttachmentFiles, 'filePath'>;
      transport: Pick<PeerTransport, 'send' | 'wakeBulk'>;
      /** The friend asks again for a file it had refused: it is being sent once more. */
      reopen: (row: AttachmentRow) => AttachmentRow;
      /** Bytes of this attachment handed to the session so far. */
      progress: (row: AttachmentRow, sentBytes: number) => void;
      limits: Pick<Limits, 'fileChunkBytes' | 'maxFileRequests'>;
      log: Logger;
    },
  ) {}

  /** A `file_get` from `from`. */
  request(from: string, id: string, offset: number, length: number): void {
    let row = this.deps.repo.get(id);
    const refuse = (reason: 'unknown' | 'canceled' | 'range') => void this.deps.transport.send(from, { type: 'file_error', id, reason });
    if (!row || row.direction !== 'sent' || row.peer !== from || row.msg_id === null) return refuse('unknown');
    if (row.state === 'failed' && row.error === 'canceled') return refuse('canceled');
    if (offset + length > row.size) return refuse('range');
    if (row.state === 'failed') row = this.deps.reopen(row);
    const peer = this.peer(from);
    let served = peer.served.get(id);
    if (!served) peer.served.set(id, (served = { row, ranges: [], ready: [], reading: false, handle: null, dropped: false }));
    if (served.ranges.length >= this.deps.limits.maxFileRequests) {
      this.deps.log.warn('dropped a file request over the limit', { peer: from, id });
      return;
    }
    const last = served.ranges.at(-1);
    if (last && last.end === offset) last.end += length;
    else served.ranges.push({ start: offset, end: offset + length });
    this.fill(from, served);
  }

  /** The bulk lane of `peer`'s session takes the next chunk, attachments in turn. */
  next(peer: string): BulkFrame | null {
    const serving = this.peers.get(peer);
    if (!serving) return null;
    const all = [...serving.served.values()];
    for (let i = 0; i < all.length; i++) {
      const served = defined(all[(serving.turn + i) % all.length]);
      const frame = served.ready.shift();
      if (!frame) continue;
      serving.turn = (serving.turn + i + 1) % Math.max(1, all.length);
      this.deps.progress(served.row, frame.offset + frame.data.length);
      this.fill(peer, served);
      return frame;
    }
    return null;
  }

  /** Stops serving an attachment (withdrawn, refused, or its message deleted). */
  withdraw(id: string): void {
    for (const serving of this.peers.values()) {
      const served = serving.served.get(id);
      if (served) this.drop(serving, served);
    }
  }

  /** The session is gone: what it asked for goes with it; the next session asks again. */
  sessionDown(peer: string): void {
    const serving = this.peers.get(peer);
    if (!serving) return;
    for (const served of serving.served.values()) this.drop(serving, served);
    this.peers.delete(peer);
  }

  stop(): void {
    for (const peer of [...this.peers.keys()]) this.sessionDown(peer);
  }

  private peer(username: string): PeerServing {
    let serving = this.peers.get(username);
    if (!serving) this.peers.set(username, (serving = { served: new Map(), turn: 0 }));
    return serving;
  }

  /** Reads the next chunk unless one read runs or enough are ready. */
  private fill(peer: string, served: Served): void {
    const serving = this.peers.get(peer);
    if (!serving || served.dropped) return;
    if (served.reading || served.ready.length > READ_AHEAD - BLOCK_CHUNKS) return;
    // Nothing asked for: the file stays open for the friend's next request, until the session ends or the file is done.
    const range = served.ranges[0];
    if (!range) return;
    const chunk = this.deps.limits.fileChunkBytes;
    const start = range.start;
    const length = Math.min(chunk * BLOCK_CHUNKS, range.end - start);
    range.start += length;
    if (range.start === range.end) served.ranges.shift();
    served.reading = true;
    void this.read(served, start, length).then(
      (data) => {
        served.reading = false;
        if (served.dropped) return this.close(served);
        if (data.length < length) {
          // The file is shorter than the size offered: nothing more to give.
          this.deps.log.warn('an attachment is shorter than its offer', { peer, id: served.row.attachment_id });
          this.deps.transport.send(peer, { type: 'file_error', id: served.row.attachment_id, reason: 'range' });
          this.drop(serving, served);
          return;
        }
        for (let at = 0; at < data.length; at += chunk) served.ready.push({ id: served.row.attachment_id, offset: start + at, data: data.subarray(at, at + chunk) });
        this.deps.transport.wakeBulk(peer);
        this.fill(peer, served);
      },
      (err: unknown) => {
        served.reading = false;
        if (served.dropped) return this.close(served);
        this.deps.log.warn('could not read an attachment to send', { peer, id: served.row.attachment_id, err });
        this.deps.transport.send(peer, { type: 'file_error', id: served.row.attachment_id, reason: 'unknown' });
        this.drop(serving, served);
      },
    );
  }

  private async read(served: Served, position: number, length: number): Promise<Uint8Array> {
    served.handle ??= await fs.promises.open(this.deps.files.filePath(served.row.hash), 'r');
    const buffer = Buffer.allocUnsafe(length);
    const { bytesRead } = await served.handle.read(buffer, 0, length, position);
    return buffer.subarray(0, bytesRead);
  }

  private drop(serving: PeerServing, served: Served): void {
    if (serving.served.get(served.row.attachment_id) === served) serving.served.delete(served.row.attachment_id);
    served.dropped = true;
    served.ranges = [];
    served.ready = [];
    if (!served.reading) this.close(served);
  }

  private close(served: Served): void {
    const handle = served.handle;
    served.handle = null;
    void handle?.close().catch(() => undefined);
  }
}
