import fc from 'fast-check';
import { ParleyError } from '../../../src/errors.js';

/** Time each fuzz target may run; PARLEY_FUZZ_MS overrides it (CI keeps the default). */
export const FUZZ_TIME_MS = Number(process.env.PARLEY_FUZZ_MS) > 0 ? Number(process.env.PARLEY_FUZZ_MS) : 4000;
const MAX_RUNS = 10_000_000;

export interface FuzzStats {
  target: string;
  inputs: number;
  crashes: number;
  /** How many inputs were refused with a ParleyError (the expected way to fail). */
  rejected: number;
}

/** Counts the typed rejections of one target. */
export class Rejections {
  count = 0;
  readonly codes = new Map<string, number>();

  /**
   * Runs `fn`; a ParleyError is an accepted outcome (counted, returns
   * undefined); anything else thrown is a crash and propagates.
   */
  run<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (err) {
      if (!(err instanceof ParleyError)) throw err;
      this.count += 1;
      this.codes.set(err.code, (this.codes.get(err.code) ?? 0) + 1);
      return undefined;
    }
  }

  /** Like run(), but the call must be refused: returning is a failure too. */
  mustReject(fn: () => unknown, what: string): void {
    const before = this.count;
    const value = this.run(fn);
    if (this.count === before) throw new Error(`${what} was accepted: ${JSON.stringify(value)?.slice(0, 200)}`);
  }
}

/**
 * Runs a fast-check property for at most FUZZ_TIME_MS (or `numRuns`), prints
 * `fuzz[target]: inputs=N crashes=N rejected=N`, and throws the shrunk
 * counterexample if the property failed.
 */
export function fuzz<Ts extends [unknown, ...unknown[]]>(
  target: string,
  arbitraries: { [K in keyof Ts]: fc.Arbitrary<Ts[K]> },
  predicate: (rejections: Rejections, ...args: Ts) => void,
  options: { numRuns?: number; timeMs?: number } = {},
): FuzzStats {
  const rejections = new Rejections();
  const property = fc.property(...arbitraries, (...args: Ts) => predicate(rejections, ...args));
  const details = fc.check(property as fc.IProperty<Ts>, {
    numRuns: options.numRuns ?? MAX_RUNS,
    interruptAfterTimeLimit: options.timeMs ?? FUZZ_TIME_MS,
  });
  const stats = { target, inputs: details.numRuns, crashes: details.failed ? 1 : 0, rejected: rejections.count };
  const codes = [...rejections.codes].map(([code, n]) => `${code}:${n}`).join(',');
  console.log(`fuzz[${target}]: inputs=${stats.inputs} crashes=${stats.crashes} rejected=${stats.rejected}${codes ? ` codes=${codes}` : ''}`);
  if (details.failed) throw new Error(fc.defaultReportMessage(details) ?? `${target} failed`);
  return stats;
}

/** Cuts `bytes` at the given points (any numbers; taken modulo the length). */
export function splitAt(bytes: Uint8Array, points: number[]): Uint8Array[] {
  const cuts = [...new Set(points.map((p) => (bytes.length === 0 ? 0 : p % (bytes.length + 1))))].sort((a, b) => a - b);
  const parts: Uint8Array[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    parts.push(bytes.subarray(start, cut));
    start = cut;
  }
  return parts;
}

/** Prints the total line of a fuzz file. */
export function fuzzTotal(file: string, all: FuzzStats[]): void {
  const inputs = all.reduce((n, s) => n + s.inputs, 0);
  const crashes = all.reduce((n, s) => n + s.crashes, 0);
  console.log(`fuzz[${file} total]: targets=${all.length} inputs=${inputs} crashes=${crashes}`);
}
