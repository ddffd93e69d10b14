import net, { type AddressInfo } from 'node:net';
import type { Limits } from '../config/limits.js';
import { toBase64, type IdentityKeys } from '../crypto/identity.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import { PeerConnection } from './peer-connection.js';
import { createInitiator, createResponder, type PeerHandshake, type PeerHandshakeResult } from './peer-handshake.js';
import { peerMessageSchema, type PeerEvents, type PeerMessage } from './peer-protocol.js';
import { compareBytes, parseAddress } from './peer-address.js';

const DIAL_TIMEOUT_MS = 5000;
/** Quick redials after a session drops (a restart, a blip), before waiting for the directory. */
const REDIAL_DELAYS_MS = [250, 1000, 2000, 4000, 8000];

/**
 * Every peer connection of this host: the listener, dialling, one session
 * per friend, and redialling a friend whose session dropped.
 */
export class PeerManager {
  private readonly sessions = new Map<string, PeerConnection>();
  private readonly dialing = new Set<string>();
  private readonly redials = new Map<string, { attempt: number; timer: NodeJS.Timeout }>();
  private readonly pending = new Set<PeerConnection>();
  private server: net.Server | undefined;
  private events: PeerEvents | undefined;
  private closing = false;
  /** Built once: every connection validates frames with it, strangers' included. */
  private readonly schema;

  constructor(
    private readonly deps: {
      identity: IdentityKeys;
      store: Store;
      limits: Limits;
      log: Logger;
      username: () => string | null;
    },
  ) {
    this.schema = peerMessageSchema();
  }

  attach(events: PeerEvents): void {
    this.events = events;
  }

  listen(port: number, host: string): Promise<number> {
    const server = net.createServer((socket) => this.accept(socket));
    server.maxConnections = this.deps.limits.maxPendingHandshakes * 4 + 1024;
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  }

  sessionCount(): number {
    return this.sessions.size;
  }

  isConnected(username: string): boolean {
    return this.sessions.get(username)?.isOpen ?? false;
  }

  send(username: string, message: PeerMessage): boolean {
    return this.sessions.get(username)?.send(message) ?? false;
  }

  connect(username: string, addresses: string[]): void {
    if (this.closing || this.sessions.has(username) || this.dialing.has(username)) return;
    const self = this.deps.username();
    const friend = this.deps.store.friends.get(username);
    if (!self || !friend || addresses.length === 0) return;
    this.dialing.add(username);
    void this.dial(self, username, addresses).finally(() => this.dialing.delete(username));
  }

  disconnect(username: string): void {
    this.cancelRedial(username);
    this.sessions.get(username)?.close('disconnected locally');
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const username of [...this.redials.keys()]) this.cancelRedial(username);
    for (const conn of [...this.sessions.values(), ...this.pending]) conn.close('host shutting down');
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private accept(socket: net.Socket): void {
    const self = this.deps.username();
    if (this.closing || !self || this.pending.size >= this.deps.limits.maxPendingHandshakes) {
      socket.destroy();
      return;
    }
    const handshake = createResponder({ username: self, staticKeys: this.staticKeys(), signingKeys: this.signingKeys() });
    this.track(this.connection(socket, handshake));
  }

  private async dial(self: string, username: string, addresses: string[]): Promise<void> {
    for (const address of addresses) {
      const target = parseAddress(address);
      if (!target) continue;
      const socket = await openSocket(target.host, target.port);
      if (!socket) continue;
      const handshake = createInitiator({
        username: self,
        staticKeys: this.staticKeys(),
        signingKeys: this.signingKeys(),
        expectedRemoteUsername: username,
      });
      const conn = this.connection(socket, handshake);
      this.track(conn);
      if (await opened(conn)) return;
    }
    this.scheduleRedial(username, addresses);
  }

  /** The pin check: the peer must be a friend and present exactly the pinned keys. */
  private authorize(result: PeerHandshakeResult): string | null {
    const friend = this.deps.store.friends.get(result.remoteUsername);
    if (!friend) {
      this.deps.log.info('refused a session from a stranger', { claimed: result.remoteUsername });
      return null;
    }
    if (friend.public_key !== toBase64(result.remoteStatic) || friend.signing_key !== toBase64(result.remoteSigningKey)) {
      this.deps.log.warn('refused a session with keys other than the pinned ones', { username: friend.username });
      this.events?.keyMismatch(friend.username);
      return null;
    }
    return friend.username;
  }

  private track(conn: PeerConnection): void {
    this.pending.add(conn);
    conn.once('open', (username: string) => {
      this.pending.delete(conn);
      this.adopt(username, conn);
    });
    conn.on('message', (message: PeerMessage) => {
      if (conn.username) this.events?.message(conn.username, message);
    });
    conn.once('close', () => {
      this.pending.delete(conn);
      const username = conn.username;
      if (!username || this.sessions.get(username) !== conn) return;
      this.sessions.delete(username);
      this.events?.sessionDown(username);
      const friend = this.deps.store.friends.get(username);
      if (friend && !this.closing) this.scheduleRedial(username, friend.addresses);
    });
  }

  /**
   * One session per friend. When both hosts dial at once, both keep the
   * connection dialled by the host with the smaller static key, so they
   * agree without talking. A second connection from the same dialler
   * replaces the first: the dialler restarted or lost the old one.
   */
  private adopt(username: string, conn: PeerConnection): void {
    this.cancelRedial(username);
    const existing = this.sessions.get(username);
    if (existing && existing.isOpen) {
      const sameDialler = compareBytes(existing.initiatorKey!, conn.initiatorKey!) === 0;
      const keepExisting = !sameDialler && compareBytes(existing.initiatorKey!, conn.initiatorKey!) < 0;
      const [winner, loser] = keepExisting ? [existing, conn] : [conn, existing];
      this.sessions.set(username, winner);
      loser.close('duplicate session');
      return;
    }
    this.sessions.set(username, conn);
    this.events?.sessionUp(username);
  }

  private scheduleRedial(username: string, addresses: string[]): void {
    if (this.closing || this.sessions.has(username)) return;
    const attempt = (this.redials.get(username)?.attempt ?? -1) + 1;
    clearTimeout(this.redials.get(username)?.timer);
    if (attempt >= REDIAL_DELAYS_MS.length) {
      this.redials.delete(username);
      return;
    }
    const timer = setTimeout(() => this.connect(username, addresses), REDIAL_DELAYS_MS[attempt]);
    timer.unref();
    this.redials.set(username, { attempt, timer });
  }

  private cancelRedial(username: string): void {
    clearTimeout(this.redials.get(username)?.timer);
    this.redials.delete(username);
  }

  private connection(socket: net.Socket, handshake: PeerHandshake): PeerConnection {
    return new PeerConnection(socket, handshake, (r) => this.authorize(r), this.deps.identity.publicKey, this.schema, this.deps.limits, this.deps.log);
  }

  private staticKeys() {
    return { publicKey: this.deps.identity.publicKey, privateKey: this.deps.identity.privateKey };
  }

  private signingKeys() {
    return { publicKey: this.deps.identity.signingPublicKey, privateKey: this.deps.identity.signingPrivateKey };
  }
}

function openSocket(host: string, port: number): Promise<net.Socket | null> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => done(null), DIAL_TIMEOUT_MS);
    const done = (result: net.Socket | null) => {
      clearTimeout(timer);
      socket.off('error', onError);
      if (!result) socket.destroy();
      resolve(result);
    };
    const onError = () => done(null);
    socket.once('error', onError);
    socket.once('connect', () => done(socket));
  });
}

function opened(conn: PeerConnection): Promise<boolean> {
  return new Promise((resolve) => {
    conn.once('open', () => resolve(true));
    conn.once('close', () => resolve(false));
  });
}
