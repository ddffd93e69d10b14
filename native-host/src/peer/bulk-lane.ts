import type { FileDataFrame } from './peer-protocol.js';

/** Bulk data ready to go out: sealed as a data frame when the lane takes it. */
export type BulkFrame = Omit<FileDataFrame, 'type'>;

/** Hands out the next bulk frame for a friend's session, or null when it has none ready now. */
export type BulkSource = (username: string) => BulkFrame | null;

/**
 * The low-priority lane of a session. Chat frames (items, acks, typing,
 * receipts) are written the moment they are sealed; bulk frames only while
 * the link's own buffer is under its high-water mark, one at a time, so a
 * chat frame never queues behind more than one bulk frame in this process.
 * It rests on the stream's backpressure (write() returning false, then
 * 'drain'), which TCP sockets and HyperDHT streams both give.
 */
export class BulkLane {
  private blocked = false;
  private pumping = false;

  constructor(
    private readonly next: () => BulkFrame | null,
    /** Writes the frame; false when the link's buffer is now over its mark. */
    private readonly write: (frame: BulkFrame) => boolean,
  ) {}

  /** A write on the link (of any frame) returned false: bulk waits for the drain. */
  full(): void {
    this.blocked = true;
  }

  /** The link's buffer emptied. */
  drained(): void {
    this.blocked = false;
    this.pump();
  }

  /** Writes bulk frames while the link has room and the source has frames. */
  pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.blocked) {
        const frame = this.next();
        if (!frame) break;
        if (!this.write(frame)) this.blocked = true;
      }
    } finally {
      this.pumping = false;
    }
  }
}
