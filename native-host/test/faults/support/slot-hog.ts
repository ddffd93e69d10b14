import net from 'node:net';

/**
 * One address trying to sit on a host's handshake slots: it keeps `count`
 * TCP connections open to the peer port, sending nothing, and opens a new
 * one `reopenMs` after the host closes one (so the pressure never lets up,
 * at a bounded rate). `stop()` ends it and closes them all.
 */
export class SlotHog {
  opened = 0;
  closedByHost = 0;
  private readonly sockets = new Set<net.Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  private constructor(
    private readonly port: number,
    private readonly localAddress: string,
    private readonly reopenMs: number,
  ) {}

  /** Resolves once all `count` connections are open. */
  static async start(port: number, count: number, options: { localAddress: string; reopenMs: number }): Promise<SlotHog> {
    const hog = new SlotHog(port, options.localAddress, options.reopenMs);
    await Promise.all(Array.from({ length: count }, () => hog.open()));
    return hog;
  }

  /** How many connections are open now. */
  get holding(): number {
    return this.sockets.size;
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    for (const socket of this.sockets) socket.destroy();
  }

  private open(): Promise<void> {
    return new Promise((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port: this.port, localAddress: this.localAddress });
      this.sockets.add(socket);
      socket.on('error', () => undefined);
      socket.once('connect', () => {
        this.opened += 1;
        resolve();
      });
      socket.once('close', () => {
        this.sockets.delete(socket);
        resolve();
        if (this.stopped) return;
        this.closedByHost += 1;
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          if (!this.stopped) void this.open();
        }, this.reopenMs);
        this.timers.add(timer);
      });
      socket.resume();
    });
  }
}
