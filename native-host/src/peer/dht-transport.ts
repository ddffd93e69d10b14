import HyperDHT from 'hyperdht';
import type { Limits } from '../config/limits.js';
import { errors } from '../errors.js';
import { LogOnce } from '../log-once.js';
import type { Logger } from '../logger.js';
import { DhtLink } from './dht-link.js';
import { RelayProbe, type UsableRelay } from './relay-probe.js';
import { defined } from '../../../shared/defined.js';

export interface DhtTransportOptions {
  /** Seeds this host's DHT key pair, which is not its identity key. */
  seed: Buffer;
  /** `host:port` of bootstrap nodes; null for hyperdht's public ones. */
  bootstrap: string[] | null;
  /** Public keys (hex) of blind relays to use when punching cannot work. */
  relays: string[];
  /** Address to bind the UDP socket to. */
  host: string;
  limits: Limits;
  log: Logger;
  /** The friend whose current (signed) DHT key this is, else null. */
  friendOf(dhtKeyB64: string): string | null;
}

const RELISTEN_MS = 30_000;

/**
 * The HyperDHT side of the peer layer: a node of its own, a server on this
 * host's DHT key that admits only friends' current keys (refused before any
 * hole punching), and dialling a friend's DHT key, directly or through a
 * blind relay. Joining happens in the background; until the node is online
 * the peer layer simply does not use it.
 */
export class DhtTransport {
  /** base64 of this host's DHT public key, as published in the presence record. */
  readonly publicKey: string;
  private readonly keyPair: HyperDHT.KeyPair;
  private node: HyperDHT | undefined;
  private relays: RelayProbe | undefined;
  private readonly refusals = new LogOnce();
  private server: HyperDHT.Server | undefined;
  private relisten: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: DhtTransportOptions) {
    this.keyPair = HyperDHT.keyPair(options.seed);
    this.publicKey = this.keyPair.publicKey.toString('base64');
  }

  /** 'online' once the node has joined and learnt its address from other nodes. */
  status(): 'joining' | 'online' {
    return this.node?.bootstrapped && this.node.host !== null ? 'online' : 'joining';
  }

  /** How many configured relays answer. */
  relayCount(): number {
    return this.relays?.count() ?? 0;
  }

  /** A relay that answers, or null. */
  pickRelay(): UsableRelay | null {
    return this.relays?.pick() ?? null;
  }

  /** Joins and starts listening in the background; `onLink` gets each admitted friend's stream. */
  start(onLink: (link: DhtLink) => void): void {
    if (this.node || this.closed) return;
    const { options } = this;
    const node = new HyperDHT({
      keyPair: this.keyPair,
      host: options.host,
      // Any free UDP port: hosts need no fixed one (punching finds it).
      port: [0, 1],
      ...(options.bootstrap ? { bootstrap: options.bootstrap } : {}),
    });
    this.node = node;
    node.on('error', (err: Error) => options.log.warn('dht node error', { err }));
    const keys = options.relays.map((hex) => Buffer.from(hex, 'hex'));
    this.relays = new RelayProbe(node, keys, options.limits.relayProbeMs, options.log.child('relay'));
    this.server = node.createServer({ firewall: (key) => this.refuse(key) }, (stream) => onLink(new DhtLink(stream, null, options.log)));
    void this.listen();
    void node.fullyBootstrapped().then(
      () => {
        // randomized: our NAT gives each destination another port (punching needs the friend's NAT to keep them).
        options.log.info('dht joined', { online: this.status() === 'online', address: node.host, randomized: node.randomized });
        this.relays?.start();
      },
      (err: unknown) => options.log.warn('dht bootstrap failed', { err }),
    );
  }

  /**
   * Opens a stream to a friend's DHT key: hole punched, or through `relay`
   * (hyperdht still punches and moves the stream to the direct path when it
   * can). Rejects with hyperdht's error (code PEER_NOT_FOUND,
   * HOLEPUNCH_ABORTED, ...) or a DIAL_* ParleyError.
   */
  dial(dhtKeyB64: string, relay: UsableRelay | null, signal: AbortSignal): Promise<DhtLink> {
    if (!this.node || this.closed) return Promise.reject(errors.dialFailed('the DHT is not running'));
    const stream = this.node.connect(Buffer.from(dhtKeyB64, 'base64'), { relayThrough: relay?.key ?? null });
    return new Promise((resolve, reject) => {
      const { dhtDialTimeoutMs } = this.options.limits;
      const timer = setTimeout(() => fail(errors.dialTimedOut(dhtDialTimeoutMs)), dhtDialTimeoutMs);
      const onAbort = () => fail(errors.dialAborted());
      const cleanup = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        stream.off('error', fail);
        stream.off('close', onClose);
      };
      const fail = (err: Error) => {
        cleanup();
        stream.destroy();
        reject(err);
      };
      const onClose = () => fail(errors.dialFailed('the stream closed before it opened'));
      stream.once('error', fail);
      stream.once('close', onClose);
      stream.once('open', () => {
        cleanup();
        resolve(new DhtLink(stream, relay?.address ?? null, this.options.log));
      });
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.relisten);
    this.relays?.stop();
    await this.server?.close().catch(() => undefined);
    await this.node?.destroy({ force: true });
  }

  /** Announces our key; retried while the network cannot be reached. */
  private async listen(): Promise<void> {
    if (this.closed) return;
    try {
      await defined(this.server).listen(this.keyPair);
      this.options.log.debug('dht server listening');
    } catch (err) {
      if (this.closed) return;
      this.options.log.warn('dht server cannot listen yet', { err });
      this.relisten = setTimeout(() => void this.listen(), RELISTEN_MS);
      this.relisten.unref();
    }
  }

  /** The server's firewall: true refuses. Only a friend's current DHT key gets in. */
  private refuse(remotePublicKey: Buffer): boolean {
    if (this.closed) return true;
    const key = remotePublicKey.toString('base64');
    if (this.options.friendOf(key) !== null) return false;
    if (this.refusals.shouldLog(key)) this.options.log.info('refused a DHT connection from a key that is no friend\'s', { key });
    return true;
  }
}
