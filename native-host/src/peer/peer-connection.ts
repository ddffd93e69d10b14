import { EventEmitter } from 'node:events';
import type { Limits } from '../config/limits.js';
import { NOISE_MAX_MESSAGE_BYTES } from '../crypto/noise-primitives.js';
import { decodeJsonBytes } from '../json-bytes.js';
import type { Logger } from '../logger.js';
import { BulkLane, type BulkFrame } from './bulk-lane.js';
import { decodeDataFrame, encodeDataFrame, isDataFrame } from './data-frame.js';
import { encodeFrame, FrameDecoder } from './framing.js';
import type { PeerHandshake, PeerHandshakeResult } from './peer-handshake.js';
import type { PeerLink, PeerPath } from './peer-link.js';
import { fileDataHeaderSchema, type PeerFrame, type PeerMessage, type PeerMessageSchema } from './peer-protocol.js';
import type { TransportCipher } from './transport-cipher.js';
import { defined } from '../../../shared/defined.js';

/** The start of the close reason of a connection whose handshake failed. */
export const HANDSHAKE_FAILED = 'handshake failed';

/** Decides whether a completed handshake may become a session; returns the friend's username. */
export type Authorize = (result: PeerHandshakeResult) => string | null;

/**
 * One connection to a peer over any link: framing, the Noise handshake, then
 * the encrypted session. Every defect (oversized or stalled frame, failed
 * handshake, forged or corrupted frame, bad message) closes this connection
 * and nothing else. Emits 'handshaking' (the first handshake message from
 * the peer was good), 'open' (username), 'message' (PeerFrame), 'path'
 * (PeerPath), 'close'.
 *
 * Frames go out on two lanes: `send` writes at once; bulk file data is
 * taken from a source only while the link's buffer has room (bulk-lane.ts),
 * so chat frames never wait behind a file.
 *
 * On a DHT link only the dialler can tell a relayed stream from a direct
 * one, so it sends a `path` frame first (and whenever the path changes), and
 * the listener opens the session only once it has it: both sides then weigh
 * the session the same way when choosing between two (session-choice.ts).
 */
export class PeerConnection extends EventEmitter {
  username: string | null = null;
  /** Static key of the side that dialled, to break ties between two connections. */
  initiatorKey: Uint8Array | null = null;
  readonly openedAt = Date.now();
  path: PeerPath;
  private readonly decoder: FrameDecoder;
  private readonly announcesPath: boolean;
  private readonly awaitsPath: boolean;
  private pathPending = false;
  private transport: TransportCipher | null = null;
  private closed = false;
  private handshakeTimer: NodeJS.Timeout | undefined;
  private stallTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private lastReceived = Date.now();
  private lastSent = Date.now();
  private corked = false;
  private readonly bulk: BulkLane;

  constructor(
    private readonly link: PeerLink,
    private readonly handshake: PeerHandshake,
    private readonly authorize: Authorize,
    private readonly ownKey: Uint8Array,
    private readonly schema: PeerMessageSchema,
    private readonly limits: Limits,
    private readonly log: Logger,
    bulkSource: () => BulkFrame | null = () => null,
  ) {
    super();
    this.bulk = new BulkLane(bulkSource, (frame) => this.sealData(frame));
    // Until the handshake is done the peer is nobody: no frame larger than a
    // Noise message (which every handshake message is) gets a buffer.
    this.decoder = new FrameDecoder({ maxFrameBytes: Math.min(limits.maxFrameBytes, NOISE_MAX_MESSAGE_BYTES) });
    this.path = link.path;
    this.announcesPath = handshake.initiator && link.transport === 'dht';
    this.awaitsPath = !handshake.initiator && link.transport === 'dht';
    link.attach({
      data: (chunk) => this.onData(chunk),
      close: () => this.close('link closed'),
      path: (path) => this.onLinkPath(path),
      drain: () => this.bulk.drained(),
    });
    this.handshakeTimer = setTimeout(() => this.close(`${HANDSHAKE_FAILED}: timed out`), limits.handshakeTimeoutMs);
    if (handshake.initiator) this.step(null);
  }

  get isOpen(): boolean {
    return this.transport !== null && !this.closed && !this.pathPending;
  }

  /** True when this side dialled. */
  get initiator(): boolean {
    return this.handshake.initiator;
  }

  send(message: PeerMessage): boolean {
    if (!this.isOpen) return false;
    return this.seal(message);
  }

  /** The bulk source may have frames now: send what the link has room for. */
  wakeBulk(): void {
    if (this.isOpen) this.bulk.pump();
  }

  private seal(message: PeerMessage): boolean {
    try {
      this.write(defined(this.transport).seal(message));
      return true;
    } catch (err) {
      this.close(`send failed: ${(err as Error).message}`);
      return false;
    }
  }

  /** Seals one bulk frame; false when the link is full (or the session ended). */
  private sealData(frame: BulkFrame): boolean {
    if (!this.isOpen) return false;
    try {
      return this.write(defined(this.transport).sealBytes(encodeDataFrame({ type: 'file_data', id: frame.id, offset: frame.offset }, frame.data)));
    } catch (err) {
      this.close(`send failed: ${(err as Error).message}`);
      return false;
    }
  }

  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.handshakeTimer);
    clearTimeout(this.stallTimer);
    clearInterval(this.pingTimer);
    this.log.debug('connection closed', { peer: this.username, path: this.path, reason });
    this.link.destroy();
    this.emit('close', reason);
  }

  /** Writes a frame; false when the link's buffer is over its mark, which holds the bulk lane back until it drains. */
  private write(body: Uint8Array): boolean {
    this.lastSent = Date.now();
    // Frames written in one tick (acks for a burst, a queue flush) leave in one syscall.
    if (!this.corked) {
      this.corked = true;
      this.link.cork();
      process.nextTick(() => {
        this.corked = false;
        this.link.uncork();
      });
    }
    const room = this.link.write(encodeFrame(body));
    if (!room) this.bulk.full();
    return room;
  }

  private onData(chunk: Uint8Array): void {
    if (this.closed) return;
    let completed = 0;
    try {
      // One frame at a time: the handshake's last message raises the frame
      // limit for the session frames that follow it in the same chunk.
      for (const frame of this.decoder.frames(chunk)) {
        completed += 1;
        if (this.transport) this.receive(frame);
        else this.step(frame);
        if (this.closed) return;
      }
    } catch (err) {
      this.close((err as Error).message);
      return;
    }
    // Timed from the start of the unfinished frame, not from the latest
    // byte: a peer trickling bytes (or a stream gone out of step) must not
    // hold the connection open.
    if (completed > 0 || !this.decoder.pending()) {
      clearTimeout(this.stallTimer);
      this.stallTimer = undefined;
    }
    if (this.decoder.pending() && this.stallTimer === undefined) {
      this.stallTimer = setTimeout(() => this.close('stalled mid-frame'), this.limits.frameStallTimeoutMs);
    }
  }

  private step(frame: Uint8Array | null): void {
    try {
      const step = this.handshake.next(frame);
      // The initiator checks the pin before sending message 3: a stranger never learns who dialled.
      if (step.done) {
        const username = this.authorize(step.done);
        if (username === null) return this.close('peer not authorized');
        if (step.send) this.write(step.send);
        this.establish(username, step.done);
      } else if (step.send) {
        this.write(step.send);
        if (frame !== null) this.emit('handshaking');
      }
    } catch (err) {
      // Logged (rate-limited) by the owner, which sees the close reason.
      this.close(`${HANDSHAKE_FAILED}: ${(err as Error).message}`);
    }
  }

  private establish(username: string, result: PeerHandshakeResult): void {
    this.decoder.setMaxFrameBytes(this.limits.maxFrameBytes);
    this.lastReceived = Date.now();
    this.username = username;
    this.transport = result.transport;
    this.initiatorKey = this.handshake.initiator ? this.ownKey : result.remoteStatic;
    this.pingTimer = setInterval(() => this.keepAlive(), Math.max(100, Math.floor(this.limits.peerPingMs / 2)));
    this.pingTimer.unref();
    // The listener on a DHT link opens once the dialler said how its stream
    // goes; that frame follows message 3 at once (the handshake timer runs on).
    if (this.awaitsPath) {
      this.pathPending = true;
      return;
    }
    clearTimeout(this.handshakeTimer);
    if (this.announcesPath) this.seal({ type: 'path', path: this.dhtPath() });
    this.emit('open', username);
  }

  private dhtPath(): 'holepunch' | 'relay' {
    return this.path === 'relay' ? 'relay' : 'holepunch';
  }

  /** The link itself saw the path change (hyperdht punched through a relayed stream). */
  private onLinkPath(path: PeerPath): void {
    if (this.closed || path === this.path) return;
    this.path = path;
    if (this.pathPending) return;
    if (this.transport !== null && this.announcesPath) this.seal({ type: 'path', path: this.dhtPath() });
    if (this.transport !== null) this.emit('path', path);
  }

  private onPathFrame(path: 'holepunch' | 'relay'): void {
    if (!this.awaitsPath) return this.close('unexpected path frame');
    const changed = path !== this.path;
    this.path = path;
    if (this.pathPending) {
      this.pathPending = false;
      clearTimeout(this.handshakeTimer);
      this.emit('open', this.username);
    } else if (changed) {
      this.emit('path', path);
    }
  }

  private receive(frame: Uint8Array): void {
    let message: PeerFrame;
    try {
      message = this.parse(defined(this.transport).openBytes(frame));
      // Only authenticated frames count as signs of life.
      this.lastReceived = Date.now();
    } catch (err) {
      this.log.warn('closing session after a bad frame', { peer: this.username, reason: (err as Error).message });
      this.close('bad frame');
      return;
    }
    if (message.type === 'path') this.onPathFrame(message.path);
    else if (this.pathPending) this.close('the dialler did not say its path first');
    else if (message.type === 'ping') this.send({ type: 'pong' });
    else if (message.type !== 'pong') this.emit('message', message);
  }

  /** A JSON frame checked against the schema, or a data frame with a checked header. */
  private parse(plaintext: Uint8Array): PeerFrame {
    if (isDataFrame(plaintext)) {
      const { header, data } = decodeDataFrame(plaintext);
      const parsed = fileDataHeaderSchema.safeParse(header);
      if (!parsed.success) throw new Error(`bad data frame: ${parsed.error.issues[0]?.message}`);
      return { ...parsed.data, data };
    }
    const parsed = this.schema.safeParse(decodeJsonBytes(plaintext));
    if (!parsed.success) throw new Error(`bad message: ${parsed.error.issues[0]?.message}`);
    return parsed.data;
  }

  private keepAlive(): void {
    const now = Date.now();
    if (now - this.lastReceived > this.limits.peerIdleTimeoutMs) return this.close('peer silent');
    if (now - this.lastSent >= this.limits.peerPingMs) this.send({ type: 'ping' });
  }
}
