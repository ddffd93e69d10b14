import type HyperDHT from 'hyperdht';
import type { Logger } from '../logger.js';
import { defined } from '../../../shared/defined.js';

/** A relay that answered: its key, and the address its streams come from. */
export interface UsableRelay {
  key: Buffer;
  address: string;
}

const PROBE_TIMEOUT_MS = 10_000;

/**
 * Which configured blind relays answer, and from where. Each is dialled now
 * and then like any DHT peer; the address it answers from is the address a
 * stream relayed through it comes from, which is how a dialler tells a
 * relayed stream from a direct one. Only relays that answered are used.
 */
export class RelayProbe {
  private readonly addresses = new Map<string, string | null>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly node: HyperDHT,
    private readonly keys: readonly Buffer[],
    private readonly intervalMs: number,
    private readonly log: Logger,
  ) {}

  /** Probes every relay now and then every `intervalMs`. */
  start(): void {
    if (this.keys.length === 0 || this.stopped) return;
    void Promise.all(this.keys.map((key) => this.probe(key))).finally(() => {
      if (this.stopped) return;
      this.timer = setTimeout(() => this.start(), this.intervalMs);
      this.timer.unref();
    });
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** How many relays answered their last probe. */
  count(): number {
    return [...this.addresses.values()].filter((a) => a !== null).length;
  }

  /** A relay that answered, picked at random to spread the load; null when none did. */
  pick(): UsableRelay | null {
    const usable = this.keys.filter((key) => this.addresses.get(key.toString('hex')));
    const key = usable[Math.floor(Math.random() * usable.length)];
    return key ? { key, address: defined(this.addresses.get(key.toString('hex'))) } : null;
  }

  private probe(key: Buffer): Promise<void> {
    const id = key.toString('hex');
    return new Promise((resolve) => {
      const stream = this.node.connect(key);
      const timer = setTimeout(() => stream.destroy(), PROBE_TIMEOUT_MS);
      let settled = false;
      const settle = (address: string | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (this.addresses.get(id) !== address) {
          if (address) this.log.info('relay answers', { relay: id.slice(0, 16), address });
          else this.log.warn('relay does not answer', { relay: id.slice(0, 16) });
        }
        this.addresses.set(id, address);
        resolve();
      };
      stream.on('error', () => undefined);
      stream.once('open', () => {
        const raw = stream.rawStream;
        settle(raw ? `${raw.remoteHost}:${raw.remotePort}` : null);
        stream.destroy();
      });
      stream.once('close', () => settle(null));
    });
  }
}
