import net, { type AddressInfo } from 'node:net';
import { defined } from '../../../shared/defined.js';

export type Direction = 'up' | 'down';

export interface ProxyFaults {
  /** Flip one bit in the next chunk going this way whose size is at least minBytes. */
  flipNext?: { direction: Direction; minBytes: number } | null;
  /** Delay every chunk by this many ms. */
  delayMs?: number;
  /** Cut every connection after this many bytes have gone up (mid-frame cuts). */
  cutAfterBytes?: number | null;
  /** A link of this many bytes per second each way: bytes queue in the proxy, as at a real bottleneck. */
  rateBytesPerSec?: number | null;
}

/**
 * A TCP proxy on 127.0.0.1 that records every byte in both directions
 * ("up" = client → target) and can inject faults: bit flips, delays, cuts.
 * The target port can be set after the proxy listens, so a host can
 * advertise the proxy before it knows its own peer port.
 */
export class TcpProxy {
  readonly recorded: Array<{ direction: Direction; connection: number; bytes: Buffer }> = [];
  /** Bytes carried each way over every connection, recorded or not. */
  readonly carried: Record<Direction, number> = { up: 0, down: 0 };
  /** Keep a copy of every byte (off for large transfers: only `carried` is counted). */
  record = true;
  faults: ProxyFaults = {};
  targetPort = 0;
  flips = 0;
  private server: net.Server;
  private sockets = new Set<net.Socket>();
  private connections = 0;

  private constructor(server: net.Server) {
    this.server = server;
  }

  static async start(): Promise<TcpProxy> {
    const server = net.createServer();
    const proxy = new TcpProxy(server);
    server.on('connection', (client) => proxy.handle(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Everything one direction carried, connection by connection. */
  stream(direction: Direction, connection?: number): Buffer {
    return Buffer.concat(
      this.recorded.filter((r) => r.direction === direction && (connection === undefined || r.connection === connection)).map((r) => r.bytes),
    );
  }

  connectionIds(): number[] {
    return [...new Set(this.recorded.map((r) => r.connection))];
  }

  /** Cuts every open connection now. */
  cutAll(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  async close(): Promise<void> {
    this.cutAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(client: net.Socket): void {
    const id = ++this.connections;
    const target = net.connect({ host: '127.0.0.1', port: this.targetPort });
    this.sockets.add(client).add(target);
    let upBytes = 0;
    const pipe = (from: net.Socket, to: net.Socket, direction: Direction) => {
      // When the link is rate-limited: the time its queue is free again. Delayed
      // chunks leave from one queue, in order: timers set a few ms apart in one
      // turn of the loop can fire out of order.
      let freeAt = 0;
      const queue: Array<{ at: number; forward: () => void }> = [];
      let timer: NodeJS.Timeout | null = null;
      const flush = () => {
        timer = null;
        const now = Date.now();
        while (queue.length > 0 && defined(queue[0]).at <= now) defined(queue.shift()).forward();
        if (queue.length > 0) timer = setTimeout(flush, defined(queue[0]).at - now);
      };
      from.on('data', (chunk: Buffer) => {
        const bytes = Buffer.from(chunk);
        this.carried[direction] += bytes.length;
        if (this.record) this.recorded.push({ direction, connection: id, bytes: Buffer.from(bytes) });
        const flip = this.faults.flipNext;
        if (flip && flip.direction === direction && bytes.length >= flip.minBytes) {
          const at = bytes.length - 20;
          bytes[at] = defined(bytes[at]) ^ 0x01;
          this.faults.flipNext = null;
          this.flips++;
        }
        if (direction === 'up') upBytes += bytes.length;
        const cut = this.faults.cutAfterBytes;
        const forward = () => {
          if (typeof cut === 'number' && direction === 'up' && upBytes > cut) {
            to.write(bytes.subarray(0, Math.max(0, bytes.length - (upBytes - cut))));
            from.destroy();
            to.destroy();
            return;
          }
          to.write(bytes);
        };
        const rate = this.faults.rateBytesPerSec;
        let wait = this.faults.delayMs ?? 0;
        if (rate) {
          const now = Date.now();
          freeAt = Math.max(now, freeAt) + (bytes.length / rate) * 1000;
          wait += freeAt - now;
        }
        if (wait <= 0 && queue.length === 0) return forward();
        queue.push({ at: Date.now() + wait, forward });
        if (timer === null) timer = setTimeout(flush, wait);
      });
      const stop = () => {
        if (timer !== null) clearTimeout(timer);
        queue.length = 0;
        to.destroy();
      };
      from.on('close', stop);
      from.on('error', stop);
    };
    pipe(client, target, 'up');
    pipe(target, client, 'down');
    client.on('close', () => this.sockets.delete(client));
    target.on('close', () => this.sockets.delete(target));
  }
}
