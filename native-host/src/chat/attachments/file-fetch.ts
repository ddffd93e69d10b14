import fs from 'node:fs';
import type { Limits } from '../../config/limits.js';
import { ContentHasher } from '../../crypto/content-hash.js';
import type { AttachmentRow } from '../../store/attachments-repo.js';
import { DelayWindow } from './delay-window.js';
import { defined } from '../../../../shared/defined.js';

/** How a fetch ended; a complete one carries the BLAKE2b-256 of the whole file, to check against the offer. */
export type FetchEnd = { outcome: 'complete'; hash: string } | { outcome: 'stopped' } | { outcome: 'failed'; error: NodeJS.ErrnoException };

const PREFIX_READ_BYTES = 1024 * 1024;

/**
 * One attachment pulled over a session, into its partial file. The window
 * is the flow control: bytes asked for and not yet on disk stay under it
 * (at most `fileWindowBytes`, and less when the data queues on the way:
 * delay-window.ts), so neither side's memory grows with the file. Bytes
 * are accepted only in order, exactly where the next expected byte is, and
 * written at their offset (whatever has arrived meanwhile goes in one
 * write): anything else (a late answer to an earlier ask, more than asked)
 * is dropped, and the file never grows past its size. Every
 * `fileCheckpointBytes` or `fileCheckpointMs` the file is synced, beside the
 * writes that go on, and its length recorded: that is where a resume starts
 * after a cut or a crash, overwriting whatever came after it.
 *
 * The file is hashed as its bytes are accepted, in order; a run that
 * resumes first hashes what the partial file already holds, from disk. So
 * the whole file is verified without reading it all back at the end.
 */
export class FileFetch {
  readonly id: string;
  readonly peer: string;
  readonly size: number;
  /** Where this run started. */
  readonly startedAt: number;
  private next: number;
  private asked: number;
  private written: number;
  private synced: number;
  private lastData = Date.now();
  private lastCheckpoint = Date.now();
  private handle: fs.promises.FileHandle | null = null;
  private readonly window: DelayWindow;
  /** Asks not answered yet: where each starts and when it went, to time the round trip. */
  private asks: Array<{ offset: number; at: number }> = [];
  /** Bytes arrived in order and not written yet (contiguous, from `written`). */
  private pending: Uint8Array[] = [];
  private writing: Promise<void> | null = null;
  private syncing: Promise<void> | null = null;
  private readonly hasher = new ContentHasher();
  private running = true;
  private ending = false;
  private resolveEnd!: (end: FetchEnd) => void;
  /** Settles once: the whole file is on disk and synced, the fetch was stopped, or a write failed. */
  readonly ended: Promise<FetchEnd> = new Promise((resolve) => (this.resolveEnd = resolve));

  constructor(
    row: AttachmentRow,
    private readonly deps: {
      path: string;
      /** Sends a `file_get`; false without a session. */
      ask: (offset: number, length: number) => boolean;
      /** The file is synced up to `bytes`. */
      checkpoint: (bytes: number) => void;
      limits: Pick<Limits, 'fileWindowBytes' | 'fileQueueDelayMs' | 'fileCheckpointBytes' | 'fileCheckpointMs' | 'fileStallMs'>;
    },
  ) {
    this.id = row.attachment_id;
    this.peer = defined(row.peer);
    this.size = row.size;
    this.startedAt = row.received_bytes;
    this.next = this.asked = this.written = this.synced = row.received_bytes;
    this.window = new DelayWindow(deps.limits.fileWindowBytes, deps.limits.fileQueueDelayMs);
  }

  /** Bytes written to the partial file by this run. */
  get taken(): number {
    return this.written - this.startedAt;
  }

  async start(): Promise<void> {
    try {
      this.handle = await fs.promises.open(this.deps.path, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600);
    } catch (err) {
      return this.finish('failed', err as NodeJS.ErrnoException);
    }
    try {
      await this.hashPrefix(this.handle);
    } catch (err) {
      return this.finish('failed', err as NodeJS.ErrnoException);
    }
    if (!this.running) return this.finish('stopped');
    if (this.written === this.size) return this.finish('complete');
    this.askMore();
  }

  /** The bytes an earlier run left, up to where it recorded them, into the hash. */
  private async hashPrefix(handle: fs.promises.FileHandle): Promise<void> {
    const buffer = Buffer.allocUnsafe(Math.min(PREFIX_READ_BYTES, Math.max(1, this.startedAt)));
    for (let at = 0; at < this.startedAt && this.running; ) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, this.startedAt - at), at);
      if (bytesRead === 0) throw Object.assign(new Error('partial file shorter than recorded'), { code: 'EIO' });
      this.hasher.update(buffer.subarray(0, bytesRead));
      at += bytesRead;
    }
  }

  /** A data frame for this attachment. */
  data(offset: number, bytes: Uint8Array): void {
    if (!this.running || offset !== this.next || bytes.length === 0 || offset + bytes.length > this.asked) return;
    this.next += bytes.length;
    this.lastData = Date.now();
    while (this.asks.length > 0 && defined(this.asks[0]).offset < this.next) this.window.sample(this.lastData - defined(this.asks.shift()).at);
    this.hasher.update(bytes);
    this.pending.push(bytes);
    this.flush();
  }

  /** Called now and then: asks again from where it stands when the answers stopped coming. */
  tick(now: number): void {
    if (this.running && this.asked > this.next && now - this.lastData > this.deps.limits.fileStallMs) {
      this.asked = this.next;
      this.asks = [];
      this.lastData = now;
      this.askMore();
    }
  }

  /** Stops asking, finishes the writes under way, records how far it got. */
  async stop(): Promise<void> {
    if (this.running) {
      this.running = false;
      if (this.handle) void this.finish('stopped');
    }
    await this.ended;
  }

  private askMore(): void {
    const window = this.window.bytes;
    const free = window - (this.asked - this.written);
    const left = this.size - this.asked;
    // Ask in quarter windows, not per chunk: fewer frames, same flow control.
    if (left <= 0 || free < Math.min(window / 4, left)) return;
    const length = Math.min(free, left);
    if (!this.deps.ask(this.asked, length)) return;
    this.asks.push({ offset: this.asked, at: Date.now() });
    this.asked += length;
  }

  /** Writes everything that arrived since the last write, in one go, at its offset. */
  private flush(): void {
    if (this.writing || this.ending || !this.handle || this.pending.length === 0) return;
    const handle = this.handle;
    const buffers = this.pending;
    this.pending = [];
    const offset = this.written;
    this.writing = handle
      .writev(buffers, offset)
      .then(({ bytesWritten }) => {
        this.writing = null;
        this.written = offset + bytesWritten;
        if (this.written === this.size) return void this.finish('complete');
        this.maybeCheckpoint();
        if (this.running) this.askMore();
        this.flush();
      })
      .catch((err: NodeJS.ErrnoException) => {
        this.writing = null;
        void this.finish('failed', err);
      });
  }

  /** Syncs and records progress now and then, while writes go on beside it. */
  private maybeCheckpoint(): void {
    const { fileCheckpointBytes, fileCheckpointMs } = this.deps.limits;
    if (this.syncing || !this.handle) return;
    if (this.written - this.synced < fileCheckpointBytes && Date.now() - this.lastCheckpoint < fileCheckpointMs) return;
    this.syncing = this.sync().finally(() => (this.syncing = null));
  }

  private async sync(): Promise<void> {
    const upTo = this.written;
    if (!this.handle || upTo === this.synced) return;
    this.lastCheckpoint = Date.now();
    await this.handle.datasync();
    if (upTo > this.synced) {
      this.synced = upTo;
      this.deps.checkpoint(upTo);
    }
  }

  /** Lets the write and sync under way finish, syncs the rest, closes, and settles `ended`. */
  private async finish(outcome: 'complete' | 'stopped' | 'failed', error?: NodeJS.ErrnoException): Promise<void> {
    if (this.ending) return;
    this.ending = true;
    this.running = false;
    let end: FetchEnd = outcome === 'failed' ? { outcome, error: defined(error) } : { outcome: 'stopped' };
    try {
      await this.writing?.catch(() => undefined);
      await this.syncing?.catch(() => undefined);
      if (outcome !== 'failed') await this.sync();
      if (outcome === 'complete') end = { outcome, hash: this.hasher.digest() };
    } catch (err) {
      end = { outcome: 'failed', error: err as NodeJS.ErrnoException };
    }
    this.hasher.discard();
    const handle = this.handle;
    this.handle = null;
    this.pending = [];
    await handle?.close().catch(() => undefined);
    this.end(end);
  }

  private end(end: FetchEnd): void {
    this.running = false;
    this.resolveEnd(end);
  }
}
