/** The smallest window: about one chunk, so a transfer always moves. */
export const MIN_WINDOW_BYTES = 64 * 1024;

/**
 * The receiver's flow-control window, sized by delay in the spirit of
 * LEDBAT (RFC 6817): file data is background traffic. Every ask is timed
 * to the arrival of its first byte; the fastest round trip seen is the
 * link's own, anything above it is data queued somewhere on the way (a
 * socket buffer, a slow uplink's modem). The window grows while that queue
 * stays under the target and shrinks when it goes over, so a chat frame
 * sent during a transfer waits behind about `targetMs` of file data, not a
 * whole window of it, while a fast link still fills up to `maxBytes`.
 */
export class DelayWindow {
  private baseMs = Infinity;
  private size: number;

  constructor(
    private readonly maxBytes: number,
    private readonly targetMs: number,
  ) {
    this.size = clamp(maxBytes / 4, MIN_WINDOW_BYTES, maxBytes);
  }

  get bytes(): number {
    return Math.floor(this.size);
  }

  /** One round trip: from asking for a range to its first byte arriving. */
  sample(rttMs: number): void {
    this.baseMs = Math.min(this.baseMs, rttMs);
    const queued = rttMs - this.baseMs;
    // -1 (far over the target) .. 1 (nothing queued): shrink or grow by up to a quarter.
    const offTarget = clamp((this.targetMs - queued) / this.targetMs, -1, 1);
    this.size = clamp(this.size * (1 + offTarget / 4), MIN_WINDOW_BYTES, this.maxBytes);
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(Math.min(min, max), value));
}
