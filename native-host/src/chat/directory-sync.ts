import type { SignedPresence } from '../directory/directory.js';
import { verifyKeyRecord } from '../directory/records.js';
import { isParleyError } from '../errors.js';
import type { ChatContext } from './context.js';
import type { Contacts } from './contacts.js';
import type { Presence } from './presence.js';
import type { Registration } from './registration.js';
import { repeat } from './repeat.js';

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
    private readonly ctx: ChatContext,
    private readonly contacts: Contacts,
    private readonly presence: Presence,
    private readonly registration: Registration,
    private readonly ownPresence: (username: string) => SignedPresence,
    private readonly onRecovered: () => void,
  ) {}

  isReachable(): boolean {
    return this.reachable;
  }

  start(): void {
    this.loop = repeat(() => this.tick(), this.ctx.heartbeatMs);
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
    const username = this.ctx.username();
    try {
      if (username) {
        if (!this.registered) {
          await this.registration.reassert();
          this.registered = true;
        }
        await this.ctx.directory.heartbeat(username, this.registration.secret(), this.ownPresence(username));
      }
      const friends = this.ctx.store.friends.all();
      const entries = friends.length > 0 ? await this.ctx.directory.lookup(friends.map((f) => f.username)) : [];
      for (const entry of entries) this.contacts.applyDirectoryEntry(entry, verifyKeyRecord(entry));
      this.setReachable(true);
      this.presence.refreshAll();
      // Keep dialling friends the directory shows present while no session exists.
      for (const friend of this.ctx.store.friends.all()) {
        if (this.contacts.isHeld(friend) || this.ctx.transport.isConnected(friend.username)) continue;
        if (this.presence.isOnline(friend.username)) this.ctx.transport.connect(friend.username, JSON.parse(friend.addresses) as string[]);
      }
      return;
    } catch (err) {
      if (isParleyError(err, 'DIRECTORY_REJECTED')) this.registered = false;
      this.ctx.log.warn('directory round failed', { err });
      this.setReachable(!isParleyError(err, 'DIRECTORY_UNREACHABLE'));
    }
    this.presence.refreshAll();
  }

  private setReachable(reachable: boolean): void {
    const recovered = reachable && !this.reachable;
    this.reachable = reachable;
    if (recovered) this.onRecovered();
  }
}
