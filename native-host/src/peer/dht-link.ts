import type HyperDHT from 'hyperdht';
import type { Logger } from '../logger.js';
import type { LinkEvents, PeerLink, PeerPath } from './peer-link.js';

/**
 * A peer link over a HyperDHT stream (UDP, itself encrypted between the two
 * DHT keys). `relayAddress` is the address of the relay this side asked to
 * go through, when it did: the stream is relayed while its remote is that
 * relay. A relayed stream may switch to a direct one later (hyperdht keeps
 * punching); the link reports that as a path change.
 */
export class DhtLink implements PeerLink {
  readonly transport = 'dht' as const;
  private current: PeerPath;

  constructor(
    private readonly stream: HyperDHT.SecretStream,
    private readonly relayAddress: string | null,
    private readonly log: Logger,
  ) {
    this.current = relayAddress !== null && this.remote === relayAddress ? 'relay' : 'holepunch';
    // Listening from the start: a link not yet attached must not crash the host with an error.
    stream.on('error', (err) => this.log.debug('dht stream error', { remote: this.remote, err: err.code ?? err.message }));
  }

  get remote(): string {
    const raw = this.stream.rawStream;
    return raw ? `${raw.remoteHost}:${raw.remotePort}` : 'dht';
  }

  get path(): PeerPath {
    return this.current;
  }

  attach(events: LinkEvents): void {
    this.stream.on('data', (chunk: Buffer) => events.data(chunk));
    this.stream.on('close', () => events.close());
    this.stream.on('drain', () => events.drain());
    // A relayed stream's remote changes only when hyperdht punched through:
    // from then on it is direct, whoever relayed it.
    this.stream.rawStream?.on('remote-changed', () => {
      if (this.current === 'holepunch') return;
      this.current = 'holepunch';
      events.path('holepunch');
    });
  }

  write(bytes: Uint8Array): boolean {
    return this.stream.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }

  cork(): void {
    this.stream.cork();
  }

  uncork(): void {
    this.stream.uncork();
  }

  destroy(): void {
    this.stream.destroy();
  }
}
