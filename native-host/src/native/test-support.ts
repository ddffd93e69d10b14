import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { NativeMessageDecoder } from './native-framing.js';

export { memoryLogger, type MemoryLogger } from '../logger.js';

/**
 * The browser's side of a native port in tests: `toHost` is the host's stdin,
 * `fromHost` its stdout. Everything the host writes is decoded, and every raw
 * byte is kept so tests can check nothing but frames was written.
 */
export class FakeBrowser {
  readonly toHost = new PassThrough();
  readonly fromHost = new PassThrough();
  readonly received: unknown[] = [];
  readonly rawBytes: Buffer[] = [];
  private readonly decoder = new NativeMessageDecoder();

  constructor() {
    this.fromHost.on('data', (chunk: Buffer) => {
      this.rawBytes.push(chunk);
      this.received.push(...this.decoder.push(chunk));
    });
  }

  /** Resolves when at least `count` messages have been received (bounded by the test timeout). */
  async waitFor(count: number): Promise<unknown[]> {
    while (this.received.length < count) await once(this.fromHost, 'data');
    return this.received.slice(0, count);
  }
}

/** Lets pending stream callbacks and microtasks run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
