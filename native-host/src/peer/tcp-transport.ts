import net, { type AddressInfo } from 'node:net';
import type { Logger } from '../logger.js';
import { parseAddress } from './peer-address.js';
import { TcpLink } from './tcp-link.js';

/** The TCP side of the peer layer: the listener on the peer port, and dialling advertised addresses. */
export class TcpTransport {
  private server: net.Server | undefined;

  constructor(private readonly log: Logger) {}

  listen(port: number, host: string, maxConnections: number, onLink: (link: TcpLink) => void): Promise<number> {
    const server = net.createServer((socket) => onLink(new TcpLink(socket, this.log)));
    server.maxConnections = maxConnections;
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  }

  /** Connects to `host:port`; null when it fails, times out or is aborted. */
  dial(address: string, timeoutMs: number, signal: AbortSignal): Promise<TcpLink | null> {
    const target = parseAddress(address);
    if (!target || signal.aborted) return Promise.resolve(null);
    return new Promise((resolve) => {
      const socket = net.connect({ host: target.host, port: target.port });
      const timer = setTimeout(() => done(false), timeoutMs);
      const onAbort = () => done(false);
      const done = (connected: boolean) => {
        clearTimeout(timer);
        socket.off('error', onError);
        signal.removeEventListener('abort', onAbort);
        if (!connected) socket.destroy();
        resolve(connected ? new TcpLink(socket, this.log) : null);
      };
      const onError = () => done(false);
      socket.once('error', onError);
      socket.once('connect', () => done(true));
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
