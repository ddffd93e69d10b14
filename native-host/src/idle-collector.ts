import { defined } from '../../shared/defined.js';

export interface IdleCollectorOptions {
  /** How long the process must have been quiet before it collects, in ms. */
  quietMs: number;
  /** The collection (default: `collectGarbage`). */
  collect?: () => Promise<void>;
  /** CPU time this process has used so far, in µs. */
  cpuMicros?: () => number;
  /** Told once if collecting fails (a node built without the inspector); the collector then stops. */
  onError?: (err: Error) => void;
}

/** Below 1 % of one core the host is only running its timers. */
const QUIET_CPU_SHARE = 0.01;
/** How many times per quiet period the CPU clock is read. */
const TICKS_PER_PERIOD = 4;

/**
 * Gives memory back once activity stops. V8 sizes its heap for the last
 * burst and keeps it: its own memory reducer runs only shortly after a full
 * GC, so a host that went quiet between two of them kept a burst's heap
 * committed. This collects once per quiet spell (after any activity, and
 * once after start-up), when the process has used under 1 % of a core for
 * `quietMs`. Returns the stop function.
 */
export function startIdleCollector(options: IdleCollectorOptions): () => void {
  const collect = options.collect ?? collectGarbage;
  const cpuMicros =
    options.cpuMicros ??
    (() => {
      const usage = process.cpuUsage();
      return usage.user + usage.system;
    });
  const tickMs = Math.max(1, Math.round(options.quietMs / TICKS_PER_PERIOD));
  const readings = [cpuMicros()];
  let collected = false;
  const timer = setInterval(() => {
    readings.push(cpuMicros());
    if (readings.length > TICKS_PER_PERIOD + 1) readings.shift();
    const usedMicros = defined(readings.at(-1)) - defined(readings[0]);
    const spanMs = (readings.length - 1) * tickMs;
    if (usedMicros > spanMs * 1000 * QUIET_CPU_SHARE) {
      collected = false;
      return;
    }
    if (collected || spanMs < options.quietMs) return;
    collected = true;
    collect().catch((err: Error) => {
      clearInterval(timer);
      options.onError?.(err);
    });
  }, tickMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * A full collection that also compacts the heap and hands freed pages back
 * to the OS, as V8 does under memory pressure. A plain `gc()` frees the
 * objects but keeps fragmented pages: on a host's heap it released nothing
 * measurable, this released 3–6 MB (bench/README.md, "Memory over time").
 * Asked through an in-process inspector session, which needs no flag and
 * opens no port.
 */
export async function collectGarbage(): Promise<void> {
  // Imported here: node:inspector throws on import in a node built without it.
  const { Session } = await import('node:inspector');
  const session = new Session();
  session.connect();
  try {
    await new Promise<void>((resolve, reject) => session.post('HeapProfiler.collectGarbage', (err) => (err ? reject(err) : resolve())));
  } finally {
    session.disconnect();
  }
}
