import type { Limits } from '../config/limits.js';
import type { Logger } from '../logger.js';
import type { DhtTransport } from './dht-transport.js';
import type { PeerLink } from './peer-link.js';
import type { TcpTransport } from './tcp-transport.js';

/** Where a friend can be reached, from their verified presence record. */
export interface DialTarget {
  username: string;
  addresses: string[];
  /** base64 DHT key; null when they publish none. */
  dhtKey: string | null;
}

export interface DialDeps {
  tcp: TcpTransport;
  dht: DhtTransport | null;
  limits: Limits;
  log: Logger;
  /** Runs our side of the handshake over `link`; true once the session is open. */
  handshake(link: PeerLink, signal: AbortSignal): Promise<boolean>;
}

/** DHT dial failures where a relay can still get through: punching itself was the problem. */
export const RELAY_CAN_HELP: ReadonlySet<string> = new Set([
  'HOLEPUNCH_ABORTED',
  'HOLEPUNCH_DOUBLE_RANDOMIZED_NATS',
  'HOLEPUNCH_PROBE_TIMEOUT',
  'REMOTE_NOT_HOLEPUNCHABLE',
  'REMOTE_NOT_HOLEPUNCHING',
  'CANNOT_HOLEPUNCH',
  'DIAL_TIMEOUT',
]);

/** Between TCP attempts to a friend's several addresses. */
const TCP_STAGGER_MS = 150;

/**
 * Reaches one friend by the paths in order of cost: TCP to each advertised
 * address, then their DHT key (hole punching, and a blind relay when
 * punching cannot work). The DHT starts when every TCP attempt failed or
 * after `dialHeadStartMs`, whichever comes first, so an address that drops
 * packets silently costs only the head start. When our own NAT is known to
 * randomise ports the relay goes first (hyperdht keeps punching and moves
 * the stream to the direct path if it gets through). The first session to
 * open wins; every other attempt is then stopped.
 */
export class DialPlan {
  private readonly abort = new AbortController();

  constructor(
    private readonly deps: DialDeps,
    private readonly target: DialTarget,
  ) {}

  async run(): Promise<boolean> {
    const tcp = anyTrue(this.target.addresses.map((address, i) => this.tcpAttempt(address, i * TCP_STAGGER_MS)));
    const early = await Promise.race([tcp, this.sleep(this.deps.limits.dialHeadStartMs).then(() => null)]);
    const ok = early === true || (await anyTrue([tcp, this.dhtAttempts()]));
    this.abort.abort();
    return ok;
  }

  /** Stops every attempt still running (the host is closing, or the friend went away). */
  cancel(): void {
    this.abort.abort();
  }

  private async tcpAttempt(address: string, after: number): Promise<boolean> {
    await this.sleep(after);
    const link = await this.deps.tcp.dial(address, this.deps.limits.tcpDialTimeoutMs, this.abort.signal);
    return link !== null && this.deps.handshake(link, this.abort.signal);
  }

  private async dhtAttempts(): Promise<boolean> {
    const { dht, log } = this.deps;
    const key = this.target.dhtKey;
    if (this.abort.signal.aborted || !dht || !key || dht.status() !== 'online') return false;
    const relayFirst = dht.randomized ? dht.pickRelay() : null;
    try {
      return await this.dhtAttempt(dht, key, relayFirst);
    } catch (err) {
      const code = (err as { code?: string }).code ?? 'ERROR';
      log.debug('dht dial failed', { peer: this.target.username, code, relayed: relayFirst !== null });
      const relay = relayFirst === null && RELAY_CAN_HELP.has(code) ? dht.pickRelay() : null;
      if (relay === null || this.abort.signal.aborted) return false;
      try {
        return await this.dhtAttempt(dht, key, relay);
      } catch (again) {
        log.debug('relayed dial failed', { peer: this.target.username, code: (again as { code?: string }).code });
        return false;
      }
    }
  }

  private async dhtAttempt(dht: DhtTransport, key: string, relay: Parameters<DhtTransport['dial']>[1]): Promise<boolean> {
    const link = await dht.dial(key, relay, this.abort.signal);
    return this.deps.handshake(link, this.abort.signal);
  }

  /** Resolves after `ms`, or at once when the plan is stopped. */
  private sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.abort.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.abort.signal.addEventListener('abort', done, { once: true });
    });
  }
}

/** True as soon as one promise gives true; false once all gave false (or failed). */
export function anyTrue(promises: Array<Promise<boolean>>): Promise<boolean> {
  if (promises.length === 0) return Promise.resolve(false);
  return new Promise((resolve) => {
    let left = promises.length;
    for (const p of promises) {
      p.then(
        (ok) => (ok ? resolve(true) : --left === 0 && resolve(false)),
        () => --left === 0 && resolve(false),
      );
    }
  });
}
