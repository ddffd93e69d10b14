import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import type { Logger } from '../logger.js';
import { NativeMessageDecoder } from './native-framing.js';

/** A logger that keeps its lines in memory, for assertions in native tests. */
export interface MemoryLogger extends Logger {
  readonly lines: { level: string; message: string; fields?: Record<string, unknown> }[];
}

export function memoryLogger(): MemoryLogger {
  const lines: MemoryLogger['lines'] = [];
  const make = (): MemoryLogger => {
    const log = (level: string) => (message: string, fields?: Record<string, unknown>) => {
      lines.push({ level, message, fields });
    };
    return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), child: () => make() };
  };
  return make();
}

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
