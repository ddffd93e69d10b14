import fs from 'node:fs';
import type { Limits } from '../../config/limits.js';
import type { AttachmentRow } from '../../store/attachments-repo.js';
import { DelayWindow } from './delay-window.js';

export type FetchEnd = { outcome: 'complete' } | { outcome: 'stopped' } | { outcome: 'failed'; error: NodeJS.ErrnoException };

/**
 * One attachment pulled over a session, into its partial file. The window
 * is the flow control: bytes asked for and not yet on disk stay under it
 * (at most `fileWindowBytes`, and less when the data queues on the way:
 * delay-window.ts), so neither side's memory grows with the file. Bytes
 * are accepted only in order, exactly where the next expected byte is, and
 * written at their offset: anything else (a late answer to an earlier ask,
 * more than asked) is dropped, and the file never grows past its size.
 * Every `fileCheckpointBytes` or `fileCheckpointMs` the file is synced and
 * its length recorded: that is where a resume starts after a cut or a
 * crash, overwriting whatever came after it.
 */
export class FileFetch {
  readonly id: string;
  readonly peer: string;
  readonly size: number;
  /** Where this run started, and the bytes it took: the cost of resuming, for the logs. */
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
  private writes: Promise<void> = Promise.resolve();
  private running = true;
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
    this.window = new DelayWindow(deps.limits.fileWindowBytes, deps.limits.fileQueueDelayMs);
    this.id = row.attachment_id;
    this.peer = row.peer!;
    this.size = row.size;
    this.startedAt = row.received_bytes;
    this.next = this.asked = this.written = this.synced = row.received_bytes;
  }

  /** Bytes written to the partial file by this run. */
  get taken(): number {
    return this.written - this.startedAt;
  }

  async start(): Promise<void> {
    try {
      this.handle = await fs.promises.open(this.deps.path, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600);
    } catch (err) {
      return this.end({ outcome: 'failed', error: err as NodeJS.ErrnoException });
    }
    if (!this.running) return this.close({ outcome: 'stopped' });
    if (this.written === this.size) return void this.queue(() => this.finish());
    this.askMore();
  }

  /** A data frame for this attachment. */
  data(offset: number, bytes: Uint8Array): void {
    if (!this.running || offset !== this.next || bytes.length === 0 || offset + bytes.length > this.asked) return;
    this.next += bytes.length;
    this.lastData = Date.now();
    while (this.asks.length > 0 && this.asks[0]!.offset < this.next) this.window.sample(this.lastData - this.asks.shift()!.at);
    this.queue(() => this.write(offset, bytes));
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
    if (!this.running) return void (await this.ended);
    this.running = false;
    this.queue(async () => {
      await this.checkpoint();
      await this.close({ outcome: 'stopped' });
    });
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

  private queue(step: () => Promise<void>): void {
    this.writes = this.writes.then(step).catch((err: NodeJS.ErrnoException) => this.close({ outcome: 'failed', error: err }));
  }

  private async write(offset: number, bytes: Uint8Array): Promise<void> {
    if (!this.handle) return;
    await this.handle.write(bytes, 0, bytes.length, offset);
    this.written = offset + bytes.length;
    const now = Date.now();
    const { fileCheckpointBytes, fileCheckpointMs } = this.deps.limits;
    if (this.written === this.size) return this.finish();
    if (this.written - this.synced >= fileCheckpointBytes || now - this.lastCheckpoint >= fileCheckpointMs) await this.checkpoint();
    if (this.running) this.askMore();
  }

  private async finish(): Promise<void> {
    await this.checkpoint();
    await this.close({ outcome: 'complete' });
  }

  private async checkpoint(): Promise<void> {
    if (!this.handle || this.written === this.synced) return;
    await this.handle.datasync();
    this.synced = this.written;
    this.lastCheckpoint = Date.now();
    this.deps.checkpoint(this.synced);
  }

  private async close(end: FetchEnd): Promise<void> {
    this.running = false;
    const handle = this.handle;
    this.handle = null;
    await handle?.close().catch(() => undefined);
    this.end(end);
  }

  private end(end: FetchEnd): void {
    this.running = false;
    this.resolveEnd(end);
  }
}
