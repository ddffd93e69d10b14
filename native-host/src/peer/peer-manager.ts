import type { NetworkStatus } from '../../../shared/contract.js';
import type { Limits } from '../config/limits.js';
import { fromBase64, toBase64, type IdentityKeys } from '../crypto/identity.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import type { BulkSource } from './bulk-lane.js';
import { DialPlan } from './dial-plan.js';
import type { DhtTransport } from './dht-transport.js';
import { InboundSlots } from './inbound-slots.js';
import { addressGroup } from './ip-address.js';
import { HANDSHAKE_FAILED, PeerConnection } from './peer-connection.js';
import { createInitiator, createResponder, type PeerHandshake, type PeerHandshakeResult } from './peer-handshake.js';
import type { PeerLink, PeerPath } from './peer-link.js';
import { peerMessageSchema, type PeerEvents, type PeerFrame, type PeerMessage } from './peer-protocol.js';
import { compareBytes } from './peer-address.js';
import { Redials } from './redials.js';
import { Refusals } from './refusals.js';
import { RelayUpgrades } from './relay-upgrades.js';
import { keepIncoming } from './session-choice.js';
import type { TcpLink } from './tcp-link.js';
import type { TcpTransport } from './tcp-transport.js';
import { defined } from '../../../shared/defined.js';


/**
 * Every peer connection of this host, whatever carries it: the TCP listener
 * and the DHT server, dialling a friend by every path they publish, one
 * session per friend, redialling a friend whose session dropped, and moving
 * a relayed session to a direct path when a punch gets through.
 */
export class PeerManager {
  private readonly sessions = new Map<string, PeerConnection>();
  private readonly dialing = new Map<string, DialPlan>();
  private readonly redials = new Redials((username) => {
    const friend = this.deps.store.friends.get(username);
    if (friend) this.connect(username, friend.addresses);
  });
  private readonly upgrades: RelayUpgrades | null;
  /** Every connection still handshaking, ours and theirs. */
  private readonly pending = new Set<PeerConnection>();
  /** Inbound TCP connections still handshaking, capped per remote address and in total. */
  private readonly inbound: InboundSlots<PeerConnection>;
  /** Inbound DHT connections still handshaking (the DHT firewall admitted only friends' keys). */
  private readonly dhtInbound = new Set<PeerConnection>();
  private readonly refusals: Refusals;
  private events: PeerEvents | undefined;
  private bulkSource: BulkSource | null = null;
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
      tcp: TcpTransport;
      dht: DhtTransport | null;
    },
  ) {
    this.schema = peerMessageSchema();
    this.inbound = new InboundSlots({ total: deps.limits.maxPendingHandshakes, perAddress: deps.limits.maxPendingHandshakesPerAddress });
    this.refusals = new Refusals(deps.log, deps.limits.refusalLogIntervalMs);
    this.upgrades = deps.dht
      ? new RelayUpgrades({
          firstWaitMs: deps.limits.relayUpgradeMs,
          log: deps.log,
          stillRelayed: (username, conn) => !this.closing && this.sessions.get(username) === conn && conn.path === 'relay',
          tryDirect: (username) => this.tryDirect(username),
        })
      : null;
  }

  attach(events: PeerEvents): void {
    this.events = events;
  }

  /** Where sessions take bulk frames (file data) from, asked only while a session's link has room. */
  attachBulk(source: BulkSource): void {
    this.bulkSource = source;
  }

  /** The bulk source has frames for this friend: let their session take what its link has room for. */
  wakeBulk(username: string): void {
    this.sessions.get(username)?.wakeBulk();
  }

  /** Binds the TCP listener and starts the DHT node (which joins in the background). */
  async listen(port: number, host: string): Promise<number> {
    const bound = await this.deps.tcp.listen(port, host, this.deps.limits.maxPendingHandshakes * 4 + 1024, (link) => this.acceptTcp(link));
    this.deps.dht?.start((link) => this.acceptDht(link));
    return bound;
  }

  sessionCount(): number {
    return this.sessions.size;
  }

  isConnected(username: string): boolean {
    return this.sessions.get(username)?.isOpen ?? false;
  }

  path(username: string): PeerPath | null {
    const conn = this.sessions.get(username);
    return conn?.isOpen ? conn.path : null;
  }

  network(): NetworkStatus {
    const dht = this.deps.dht;
    return { dht: dht ? dht.status() : 'off', relays: dht ? dht.relayCount() : 0 };
  }

  send(username: string, message: PeerMessage): boolean {
    return this.sessions.get(username)?.send(message) ?? false;
  }

  connect(username: string, addresses: string[]): void {
    if (this.closing || this.sessions.has(username) || this.dialing.has(username)) return;
    const self = this.deps.username();
    const friend = this.deps.store.friends.get(username);
    if (!self || !friend || (addresses.length === 0 && !friend.dht_key)) return;
    const plan = new DialPlan(
      { tcp: this.deps.tcp, dht: this.deps.dht, limits: this.deps.limits, log: this.deps.log, handshake: (link, signal) => this.dialled(self, username, link, signal) },
      { username, addresses, dhtKey: friend.dht_key, dhtDelayMs: this.leadsOverDht(friend.public_key) ? 0 : this.deps.limits.dhtYieldMs },
    );
    this.dialing.set(username, plan);
    void plan.run().then((ok) => {
      this.dialing.delete(username);
      if (ok) return;
      this.deps.log.debug('no path to friend for now', { peer: username });
      this.scheduleRedial(username);
    });
  }

  disconnect(username: string): void {
    this.redials.cancel(username);
    this.upgrades?.cancel(username);
    this.dialing.get(username)?.cancel();
    this.sessions.get(username)?.close('disconnected locally');
  }

  async close(): Promise<void> {
    this.closing = true;
    this.redials.cancelAll();
    this.upgrades?.cancelAll();
    for (const plan of this.dialing.values()) plan.cancel();
    for (const conn of [...this.sessions.values(), ...this.pending]) conn.close('host shutting down');
    await Promise.all([this.deps.tcp.close(), this.deps.dht?.close()]);
  }

  /**
   * A connection to the TCP listener: anyone may open one. It takes a slot
   * (inbound-slots.ts), making room by closing older pending connections
   * from the busiest address, so no address can starve the others.
   */
  private acceptTcp(link: TcpLink): void {
    const conn = this.respond(link);
    if (!conn) return;
    const from = remoteGroup(link);
    for (const older of this.inbound.admit(from, conn)) older.close('its slot went to a newer connection');
    conn.once('handshaking', () => this.inbound.markActive(conn));
    const release = (reason?: string) => {
      this.inbound.release(conn);
      if (reason?.startsWith(HANDSHAKE_FAILED)) this.refusals.failedHandshake(from, reason.slice(HANDSHAKE_FAILED.length + 2));
    };
    conn.once('open', () => release());
    conn.once('close', release);
  }

  /** A stream through the DHT server, whose firewall let only a friend's current key in. */
  private acceptDht(link: PeerLink): void {
    if (this.dhtInbound.size >= this.deps.limits.maxPendingHandshakes) return link.destroy();
    const conn = this.respond(link);
    if (!conn) return;
    this.dhtInbound.add(conn);
    conn.once('open', () => this.dhtInbound.delete(conn));
    conn.once('close', () => this.dhtInbound.delete(conn));
  }

  /** Our side of a link the remote opened; null (link closed) when we take none now. */
  private respond(link: PeerLink): PeerConnection | null {
    const self = this.deps.username();
    if (this.closing || !self) {
      link.destroy();
      return null;
    }
    const handshake = createResponder({ username: self, staticKeys: this.staticKeys(), signingKeys: this.signingKeys() });
    const conn = this.connection(link, handshake);
    this.track(conn);
    return conn;
  }

  /** Our side of a dialled link; resolves with the session's path once it opened, null if it never does. */
  private dialled(self: string, username: string, link: PeerLink, signal: AbortSignal): Promise<PeerPath | null> {
    if (signal.aborted || this.closing) {
      link.destroy();
      return Promise.resolve(null);
    }
    const handshake = createInitiator({
      username: self,
      staticKeys: this.staticKeys(),
      signingKeys: this.signingKeys(),
      expectedRemoteUsername: username,
    });
    const conn = this.connection(link, handshake);
    this.track(conn);
    // Another path won: a handshake still running on this one is not needed.
    const onAbort = () => (conn.isOpen ? undefined : conn.close('another path won'));
    signal.addEventListener('abort', onAbort, { once: true });
    return new Promise<PeerPath | null>((resolve) => {
      conn.once('open', () => resolve(conn.path));
      conn.once('close', () => resolve(null));
    }).finally(() => signal.removeEventListener('abort', onAbort));
  }

  /**
   * The pin check: the peer must be a friend and present exactly the pinned
   * keys. Anyone can claim a friend's name, so other keys under it are
   * refused and logged, and change nothing else: only the friend's signed
   * directory record can say their keys changed.
   */
  private authorize(result: PeerHandshakeResult, from: string): string | null {
    const friend = this.deps.store.friends.get(result.remoteUsername);
    if (!friend) {
      this.refusals.stranger(from, result.remoteUsername, result.remoteStatic);
      return null;
    }
    if (friend.public_key !== toBase64(result.remoteStatic) || friend.signing_key !== toBase64(result.remoteSigningKey)) {
      this.refusals.impostor(from, friend.username, result.remoteStatic);
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
    conn.on('message', (message: PeerFrame) => {
      if (conn.username) this.events?.message(conn.username, message);
    });
    conn.on('path', (path: PeerPath) => {
      if (!conn.username || this.sessions.get(conn.username) !== conn) return;
      this.deps.log.info('session path changed', { peer: conn.username, path });
      if (path !== 'relay') this.upgrades?.cancel(conn.username);
    });
    conn.once('close', () => {
      this.pending.delete(conn);
      const username = conn.username;
      if (!username || this.sessions.get(username) !== conn) return;
      this.sessions.delete(username);
      this.upgrades?.cancel(username);
      this.events?.sessionDown(username);
      if (!this.closing && this.deps.store.friends.get(username)) this.scheduleRedial(username);
    });
  }

  /**
   * Of two friends, the one with the smaller static key punches first and
   * tries to move a relayed session to a direct path; the other waits
   * (DialTarget.dhtDelayMs), so their punches do not collide.
   */
  private leadsOverDht(friendPublicKey: string): boolean {
    return compareBytes(this.deps.identity.publicKey, fromBase64(friendPublicKey)) < 0;
  }

  /** One session per friend; which of two survives is decided alike on both sides (session-choice.ts). */
  private adopt(username: string, conn: PeerConnection): void {
    this.redials.cancel(username);
    // The friend reached us first: our own attempts are moot, unless only a relay got through.
    if (!conn.initiator && conn.path !== 'relay') this.dialing.get(username)?.cancel();
    const existing = this.sessions.get(username);
    if (existing && existing.isOpen) {
      const incomingWins = keepIncoming(
        { path: existing.path, initiatorKey: defined(existing.initiatorKey) },
        { path: conn.path, initiatorKey: defined(conn.initiatorKey) },
      );
      const [winner, loser] = incomingWins ? [conn, existing] : [existing, conn];
      this.sessions.set(username, winner);
      if (incomingWins) this.deps.log.info('session moved', { peer: username, from: existing.path, to: conn.path });
      loser.close('duplicate session');
      this.planUpgrade(username, winner);
      return;
    }
    this.sessions.set(username, conn);
    this.deps.log.info('session open', { peer: username, path: conn.path, dialled: conn.initiator });
    this.planUpgrade(username, conn);
    this.events?.sessionUp(username);
  }

  /** A relayed session tries for a direct one, from the end that leads over the DHT. */
  private planUpgrade(username: string, conn: PeerConnection): void {
    this.upgrades?.cancel(username);
    const friend = this.deps.store.friends.get(username);
    if (conn.path === 'relay' && friend && this.leadsOverDht(friend.public_key)) this.upgrades?.start(username, conn);
  }

  /** One hole punch to the friend's DHT key; true once its session opened. */
  private async tryDirect(username: string): Promise<boolean> {
    const self = this.deps.username();
    const key = this.deps.store.friends.get(username)?.dht_key;
    if (this.closing || !self || !key || !this.deps.dht) return false;
    const signal = new AbortController().signal;
    const link = await this.deps.dht.dial(key, null, signal);
    return (await this.dialled(self, username, link, signal)) !== null;
  }

  private scheduleRedial(username: string): void {
    if (!this.closing && !this.sessions.has(username)) this.redials.schedule(username);
  }

  private connection(link: PeerLink, handshake: PeerHandshake): PeerConnection {
    const from = remoteGroup(link);
    // Only the friend's current session takes bulk frames: a losing duplicate is closing anyway.
    const bulk = () => {
      const username = conn.username;
      return username && this.bulkSource && this.sessions.get(username) === conn ? this.bulkSource(username) : null;
    };
    const conn = new PeerConnection(link, handshake, (r) => this.authorize(r, from), this.deps.identity.publicKey, this.schema, this.deps.limits, this.deps.log, bulk);
    return conn;
  }

  private staticKeys() {
    return { publicKey: this.deps.identity.publicKey, privateKey: this.deps.identity.privateKey };
  }

  private signingKeys() {
    return { publicKey: this.deps.identity.signingPublicKey, privateKey: this.deps.identity.signingPrivateKey };
  }
}

/** Where a link comes from, for caps and refusal logs: the remote's address group on TCP (the DHT firewall admits only friends). */
function remoteGroup(link: PeerLink): string {
  return link.transport === 'tcp' ? addressGroup((link as TcpLink).remoteHost) : 'dht';
}
