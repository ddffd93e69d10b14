import type net from 'node:net';
import type { Logger } from '../logger.js';
import type { LinkEvents, PeerLink } from './peer-link.js';

/** A peer link over a TCP socket. */
export class TcpLink implements PeerLink {
  readonly transport = 'tcp' as const;
  readonly path = 'tcp' as const;
  readonly remote: string;
  /** The remote IP address, as the socket reports it. */
  readonly remoteHost: string;

  constructor(
    private readonly socket: net.Socket,
    private readonly log: Logger,
  ) {
    socket.setNoDelay(true);
    this.remoteHost = socket.remoteAddress ?? '';
    this.remote = `${socket.remoteAddress}:${socket.remotePort}`;
    // Listening from the start: a link not yet attached must not crash the host with an error.
    socket.on('error', (err) => this.log.debug('socket error', { remote: this.remote, err: err.message }));
  }

  attach(events: LinkEvents): void {
    this.socket.on('data', (chunk: Buffer) => events.data(chunk));
    this.socket.on('close', () => events.close());
    this.socket.on('drain', () => events.drain());
  }

  write(bytes: Uint8Array): boolean {
    return this.socket.write(bytes);
  }

  cork(): void {
    this.socket.cork();
  }

  uncork(): void {
    this.socket.uncork();
  }

  destroy(): void {
    this.socket.destroy();
  }
}
