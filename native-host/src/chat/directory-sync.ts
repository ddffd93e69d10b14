import type { Directory, SignedPresence } from '../directory/directory.js';
import { verifyKeyRecord } from '../directory/records.js';
import { isParleyError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { FriendsRepo } from '../store/friends-repo.js';
import type { Contacts } from './contacts.js';
import type { Presence } from './presence.js';
import type { Registration } from './registration.js';
import { repeat } from './repeat.js';
import type { PeerTransport } from './transport.js';

/**
 * The periodic conversation with the directory: our heartbeat, then one
 * batched lookup of every friend (presence, addresses, key changes). Its
 * failures only mark the directory unreachable; they never reach the API.
 */
export class DirectorySync {
  private loop: { stop(): void } | undefined;
  private reachable = true;
  private registered = false;
  private running: Promise<void> | undefined;

  constructor(
    private readonly deps: {
      directory: Pick<Directory, 'heartbeat' | 'lookup'>;
      friends: Pick<FriendsRepo, 'all'>;
      contacts: Pick<Contacts, 'applyDirectoryEntry' | 'isHeld'>;
      presence: Pick<Presence, 'refreshAll' | 'isOnline'>;
      registration: Pick<Registration, 'username' | 'reassert' | 'secret'>;
      transport: Pick<PeerTransport, 'isConnected' | 'connect'>;
      heartbeatMs: number;
      /** Our signed presence record (addresses, DHT key), sent with every heartbeat. */
      ownPresence: (username: string) => SignedPresence;
      /** Presence capabilities friends gave us, for the lookup: without one the directory shows no presence. */
      presenceCapabilities: (usernames: string[]) => Record<string, string>;
      /** Work that needs the directory after each good round (capability registrations, a pending key rotation). */
      upkeep: () => Promise<void>;
      /** The directory answers again after a failure. */
      onRecovered: () => void;
      log: Logger;
    },
  ) {}

  isReachable(): boolean {
    return this.reachable;
  }

  start(): void {
    this.loop = repeat(() => this.tick(), this.deps.heartbeatMs);
  }

  stop(): void {
    this.loop?.stop();
  }

  /** One round; concurrent callers share the round in progress. */
  tick(): Promise<void> {
    this.running ??= this.round().finally(() => (this.running = undefined));
    return this.running;
  }

  private async round(): Promise<void> {
    const { directory, friends, contacts, presence, registration, transport } = this.deps;
    const username = registration.username();
    try {
      if (username) {
        if (!this.registered) {
          await registration.reassert();
          this.registered = true;
        }
        await directory.heartbeat(username, registration.secret(), this.deps.ownPresence(username));
      }
      const all = friends.all();
      const names = all.map((f) => f.username);
      const entries = all.length > 0 ? await directory.lookup(names, this.deps.presenceCapabilities(names)) : [];
      for (const entry of entries) contacts.applyDirectoryEntry(entry, verifyKeyRecord(entry));
      this.setReachable(true);
      presence.refreshAll();
      // Keep dialling friends the directory shows present while no session exists.
      for (const friend of friends.all()) {
        if (contacts.isHeld(friend) || transport.isConnected(friend.username)) continue;
        if (presence.isOnline(friend.username, friend)) transport.connect(friend.username, friend.addresses);
      }
      await this.deps.upkeep();
      return;
    } catch (err) {
      if (isParleyError(err, 'DIRECTORY_REJECTED')) this.registered = false;
      this.deps.log.warn('directory round failed', { err });
      this.setReachable(!isParleyError(err, 'DIRECTORY_UNREACHABLE'));
    }
    presence.refreshAll();
  }

  private setReachable(reachable: boolean): void {
    const recovered = reachable && !this.reachable;
    this.reachable = reachable;
    if (recovered) this.deps.onRecovered();
  }
}
