import type { Limits } from '../config/limits.js';
import type { Logger } from '../logger.js';
import type { DhtTransport } from './dht-transport.js';
import type { UsableRelay } from './relay-probe.js';
import type { PeerLink, PeerPath } from './peer-link.js';
import type { TcpTransport } from './tcp-transport.js';

/** Where a friend can be reached, from their verified presence record. */
export interface DialTarget {
  username: string;
  addresses: string[];
  /** base64 DHT key; null when they publish none. */
  dhtKey: string | null;
  /**
   * Wait this long before dialling over the DHT. Two hosts punching towards
   * each other at once spoil each other's punch when a NAT randomises ports
   * (hyperdht lets a node run one such punch at a time and answers the
   * other "try later"), so one of the two lets the other go first.
   */
  dhtDelayMs: number;
}

export interface DialDeps {
  tcp: TcpTransport;
  dht: DhtTransport | null;
  limits: Limits;
  log: Logger;
  /** Runs our side of the handshake over `link`; the session's path once it is open, null if it never opens. */
  handshake(link: PeerLink, signal: AbortSignal): Promise<PeerPath | null>;
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
 * address, then their DHT key: hole punching, then a blind relay.
 *
 * Each later path gets going when the earlier ones failed or after a head
 * start (`dialHeadStartMs` for the DHT, `relayHeadStartMs` for the relay),
 * whichever comes first, so an address or a punch whose packets are
 * silently dropped costs only the head start. The punch goes first even when
 * our own NAT gives each destination another port: with the friend's NAT
 * keeping ports it still gets through in a second or two, and when both
 * randomise, hyperdht says so at once and the relay follows.
 *
 * The first session to open wins and every other attempt stops, except a
 * direct DHT attempt when a relay won: if it still gets through, its session
 * replaces the relayed one (session-choice.ts).
 */
export class DialPlan {
  private readonly abort = new AbortController();
  /** The direct DHT attempt's own: it may outlive a relayed win. */
  private readonly direct = new AbortController();

  constructor(
    private readonly deps: DialDeps,
    private readonly target: DialTarget,
  ) {}

  async run(): Promise<boolean> {
    const tcp = firstOpen(this.target.addresses.map((address, i) => this.tcpAttempt(address, i * TCP_STAGGER_MS)));
    const early = await Promise.race([tcp, this.sleep(this.deps.limits.dialHeadStartMs).then(() => 'later' as const)]);
    const winner = early !== 'later' && early !== null ? early : await firstOpen([tcp, this.dhtAttempts()]);
    this.abort.abort();
    if (winner !== 'relay') this.direct.abort();
    return winner !== null;
  }

  /** Stops every attempt still running (the host is closing, or the friend went away). */
  cancel(): void {
    this.abort.abort();
    this.direct.abort();
  }

  private async tcpAttempt(address: string, after: number): Promise<PeerPath | null> {
    await this.sleep(after);
    const link = await this.deps.tcp.dial(address, this.deps.limits.tcpDialTimeoutMs, this.abort.signal);
    return link === null ? null : this.deps.handshake(link, this.abort.signal);
  }

  private async dhtAttempts(): Promise<PeerPath | null> {
    const { dht } = this.deps;
    const key = this.target.dhtKey;
    if (this.abort.signal.aborted || !dht || !key) return null;
    await this.sleep(this.target.dhtDelayMs);
    if (this.abort.signal.aborted || dht.status() !== 'online') return null;

    // 'pending' until the punch settles: then its path, 'refused' (a handshake that never opened) or the DHT's error code.
    let punch: string = 'pending';
    const direct = this.dhtAttempt(dht, key, null, this.direct.signal).then(
      (path) => ((punch = path ?? 'refused'), path),
      (err: { code?: string }) => ((punch = err.code ?? 'ERROR'), null),
    );
    const relayed = (async () => {
      await Promise.race([direct, this.sleep(this.deps.limits.relayHeadStartMs)]);
      // A relay helps while the punch is still trying, or when punching itself failed;
      // not when it got through, nor when the friend is not on the DHT or refused us.
      if (this.abort.signal.aborted || (punch !== 'pending' && !RELAY_CAN_HELP.has(punch))) return null;
      const relay = dht.pickRelay();
      return relay ? this.dhtAttempt(dht, key, relay, this.abort.signal).catch(() => null) : null;
    })();
    return firstOpen([direct, relayed]);
  }

  private async dhtAttempt(dht: DhtTransport, key: string, relay: UsableRelay | null, signal: AbortSignal): Promise<PeerPath | null> {
    try {
      const link = await dht.dial(key, relay, signal);
      return await this.deps.handshake(link, signal);
    } catch (err) {
      const code = (err as { code?: string }).code ?? 'ERROR';
      if (code !== 'DIAL_ABORTED') this.deps.log.debug('dht dial failed', { peer: this.target.username, code, relayed: relay !== null });
      throw err;
    }
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

/** The first path to open; null once every attempt gave up (or failed). */
export function firstOpen(attempts: Array<Promise<PeerPath | null>>): Promise<PeerPath | null> {
  if (attempts.length === 0) return Promise.resolve(null);
  return new Promise((resolve) => {
    let left = attempts.length;
    const settle = (path: PeerPath | null) => {
      if (path !== null) resolve(path);
      else if (--left === 0) resolve(null);
    };
    for (const attempt of attempts) attempt.then(settle, () => settle(null));
  });
}
