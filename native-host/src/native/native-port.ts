import { EventEmitter } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import {
  MAX_BROWSER_TO_HOST_BYTES,
  MAX_HOST_TO_BROWSER_BYTES,
  type NativeMessage,
  type NativeRequest,
  type NativeRequestMethod,
} from '../../../shared/native-protocol.js';
import { isParleyError } from '../errors.js';
import type { Logger } from '../logger.js';
import { encodeNativeMessage, NativeMessageDecoder, type Endianness } from './native-framing.js';

const REQUEST_METHODS: ReadonlySet<NativeRequestMethod> = new Set(['details', 'shutdown', 'ping']);

export interface NativePortOptions {
  logger: Logger;
  /** Largest browser → host frame; defaults to `MAX_BROWSER_TO_HOST_BYTES`. */
  maxIncomingBytes?: number;
  /** Largest host → browser frame; defaults to `MAX_HOST_TO_BROWSER_BYTES`. */
  maxOutgoingBytes?: number;
  /** Defaults to `os.endianness()`; only tests set it. */
  endianness?: Endianness;
}

/** Why the port closed: the browser ended the input, or a protocol/stream error. */
export interface NativePortCloseInfo {
  reason: 'input-ended' | 'protocol-error' | 'stream-error' | 'closed';
  error?: Error;
}

export interface NativePortEvents {
  request: [request: NativeRequest];
  close: [info: NativePortCloseInfo];
}

/**
 * The host's end of a native-messaging connection, over the browser's
 * stdin/stdout (or any byte streams). Emits `request` for every valid
 * `NativeRequest` and `close` exactly once when the connection is over.
 * It writes nothing but whole frames to `output`.
 */
export class NativePort extends EventEmitter<NativePortEvents> {
  private readonly decoder: NativeMessageDecoder;
  private readonly logger: Logger;
  private readonly maxOutgoingBytes: number;
  private readonly endianness: Endianness | undefined;
  private lastWrite: Promise<void> = Promise.resolve();
  private isClosed = false;

  constructor(
    private readonly input: Readable,
    private readonly output: Writable,
    options: NativePortOptions,
  ) {
    super();
    this.logger = options.logger;
    this.maxOutgoingBytes = options.maxOutgoingBytes ?? MAX_HOST_TO_BROWSER_BYTES;
    this.endianness = options.endianness;
    this.decoder = new NativeMessageDecoder({
      endianness: options.endianness,
      maxBytes: options.maxIncomingBytes ?? MAX_BROWSER_TO_HOST_BYTES,
    });
    input.on('data', this.onData);
    input.once('end', this.onEnd);
    input.once('close', this.onEnd);
    input.on('error', this.onInputError);
    // EPIPE once the browser is gone must not crash the process.
    output.on('error', this.onOutputError);
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /**
   * Sends one message. Returns false (and drops it) once the port is closed.
   * Throws `FRAME_TOO_LARGE` when the message exceeds the outgoing limit.
   */
  send(message: NativeMessage): boolean {
    if (this.isClosed) {
      this.logger.debug('native message dropped: port closed', { type: message.type });
      return false;
    }
    const frame = encodeNativeMessage(message, { endianness: this.endianness, maxBytes: this.maxOutgoingBytes });
    this.lastWrite = new Promise((resolve) => {
      // Write errors are reported through the 'error' listener; flushing only waits.
      this.output.write(frame, () => resolve());
    });
    return true;
  }

  /** Answers request `id` with a result; an oversized result becomes an error response. */
  respond(id: number, result: unknown): boolean {
    try {
      return this.send({ type: 'response', id, ok: true, result: result ?? null });
    } catch (err) {
      if (!isParleyError(err, 'FRAME_TOO_LARGE')) throw err;
      this.logger.warn('native response too large', { id, error: err });
      return this.fail(id, err);
    }
  }

  /** Answers request `id` with an error message. */
  fail(id: number, error: string | Error): boolean {
    const text = typeof error === 'string' ? error : error.message;
    return this.send({ type: 'response', id, ok: false, error: text.slice(0, 1000) });
  }

  /** Resolves once every frame sent so far has been handed to the output. */
  flushed(): Promise<void> {
    return this.lastWrite;
  }

  /** Stops reading and sending; emits `close` with reason `closed` if still open. */
  close(): void {
    this.finish({ reason: 'closed' });
  }

  private readonly onData = (chunk: Buffer | string): void => {
    if (this.isClosed) return;
    let messages: unknown[];
    try {
      messages = this.decoder.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
    } catch (err) {
      this.logger.error('native messaging protocol error: closing the port', { error: err });
      this.finish({ reason: 'protocol-error', error: err as Error });
      return;
    }
    for (const message of messages) {
      if (this.isClosed) return;
      this.dispatch(message);
    }
  };

  private dispatch(message: unknown): void {
    if (!isRecord(message) || message.type !== 'request' || !isRequestId(message.id)) {
      this.logger.warn('ignoring native message that is not a request', { type: describeMessage(message) });
      return;
    }
    if (typeof message.method !== 'string' || !REQUEST_METHODS.has(message.method as NativeRequestMethod)) {
      // A newer extension may ask for something this host lacks: answer so its call does not hang.
      this.logger.warn('unknown native request method', { method: String(message.method).slice(0, 64) });
      this.fail(message.id, `Unknown method '${String(message.method).slice(0, 64)}'`);
      return;
    }
    this.emit('request', { type: 'request', id: message.id, method: message.method as NativeRequestMethod });
  }

  private readonly onEnd = (): void => {
    this.finish({ reason: 'input-ended' });
  };

  private readonly onInputError = (err: Error): void => {
    this.logger.warn('native input stream error', { error: err });
    this.finish({ reason: 'stream-error', error: err });
  };

  private readonly onOutputError = (err: Error): void => {
    this.logger.warn('native output stream error', { error: err });
    this.finish({ reason: 'stream-error', error: err });
  };

  private finish(info: NativePortCloseInfo): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.input.off('data', this.onData);
    this.input.off('end', this.onEnd);
    this.input.off('close', this.onEnd);
    // Keep swallowing late stream errors so they never become uncaught exceptions.
    this.input.on('error', () => {});
    this.input.off('error', this.onInputError);
    this.output.off('error', this.onOutputError);
    this.output.on('error', () => {});
    // Stops reading stdin so it no longer keeps the event loop alive.
    this.input.pause();
    if (info.reason !== 'input-ended') this.input.destroy();
    this.emit('close', info);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isRequestId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function describeMessage(value: unknown): string {
  if (isRecord(value)) return typeof value.type === 'string' ? value.type.slice(0, 64) : 'object';
  return Array.isArray(value) ? 'array' : typeof value;
}
