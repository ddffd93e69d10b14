import dns from 'node:dns';
import net, { type AddressInfo } from 'node:net';
import { LogOnce } from '../log-once.js';
import type { Logger } from '../logger.js';
import { isLocalOnly } from './ip-address.js';
import { parseAddress } from './peer-address.js';
import { TcpLink } from './tcp-link.js';
import { defined } from '../../../shared/defined.js';

export interface TcpTransportOptions {
  /**
   * Dial loopback, link-local, unspecified and multicast addresses (names
   * resolving to them included). True only when every friend is on this
   * machine (the local directory): otherwise an address a friend published
   * could point this host at services of its own machine or link.
   */
  dialLocal: boolean;
}

/** The TCP side of the peer layer: the listener on the peer port, and dialling advertised addresses. */
export class TcpTransport {
  private server: net.Server | undefined;
  private readonly refusals = new LogOnce();

  constructor(
    private readonly log: Logger,
    private readonly options: TcpTransportOptions,
  ) {}

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

  /** Connects to `host:port`; null when it fails, times out, is aborted or is an address this host does not dial. */
  dial(address: string, timeoutMs: number, signal: AbortSignal): Promise<TcpLink | null> {
    const target = parseAddress(address);
    if (!target || signal.aborted) return Promise.resolve(null);
    if (!this.options.dialLocal && isLocalOnly(target.host)) {
      this.refuse(address);
      return Promise.resolve(null);
    }
    return new Promise((resolve) => {
      const lookup = this.options.dialLocal ? undefined : this.nonLocalLookup(address);
      const socket = net.connect({ host: target.host, port: target.port, ...(lookup ? { lookup } : {}) });
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

  /** Resolves names as usual, keeping only addresses that are not local-only; none left fails the dial. */
  private nonLocalLookup(address: string): net.LookupFunction {
    return (hostname, options, callback) => {
      dns.lookup(hostname, { ...options, all: true }, (err, found) => {
        const usable = err ? [] : found.filter((a) => !isLocalOnly(a.address));
        if (!err && usable.length === 0) this.refuse(address);
        const failure = err ?? Object.assign(new Error(`${hostname} resolves only to local addresses`), { code: 'ENOTFOUND' });
        const done = callback as (...args: unknown[]) => void;
        if (usable.length === 0) return done(failure);
        if (options.all) return done(null, usable);
        done(null, defined(usable[0]).address, defined(usable[0]).family);
      });
    };
  }

  private refuse(address: string): void {
    if (this.refusals.shouldLog(address)) {
      this.log.warn('not dialling a loopback or link-local address a friend published: the directory is not on this machine (--dial-local)', { address });
    }
  }
}
