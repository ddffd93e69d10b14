import type { FriendRow, FriendsRepo } from '../store/friends-repo.js';
import type { EventBus } from './event-bus.js';

/**
 * Who is online: a friend with a live session, or whose last directory
 * heartbeat is recent enough. Emits friend_online / friend_offline on
 * transitions only.
 */
export class Presence {
  private readonly sessions = new Set<string>();
  private readonly known = new Map<string, boolean>();

  constructor(
    private readonly deps: {
      friends: Pick<FriendsRepo, 'get' | 'all' | 'lastSeen'>;
      bus: EventBus;
      presenceTimeoutMs: number;
      onTransition: (username: string, online: boolean) => void;
    },
  ) {}

  /** Pass the friend's row when at hand, to spare a lookup. */
  isOnline(username: string, row: Pick<FriendRow, 'last_seen'> | undefined = this.deps.friends.get(username)): boolean {
    if (this.sessions.has(username)) return true;
    const lastSeen = row?.last_seen;
    return typeof lastSeen === 'string' && Date.now() - Date.parse(lastSeen) <= this.deps.presenceTimeoutMs;
  }

  onlineCount(): number {
    return this.deps.friends.lastSeen().filter((f) => this.isOnline(f.username, f)).length;
  }

  sessionUp(username: string): void {
    this.sessions.add(username);
    this.refresh(username);
  }

  sessionDown(username: string): void {
    this.sessions.delete(username);
    this.refresh(username);
  }

  forget(username: string): void {
    this.sessions.delete(username);
    this.known.delete(username);
  }

  /** Re-evaluates a friend and emits an event when the state changed. Returns the state. */
  refresh(username: string, row?: FriendRow): boolean {
    const online = this.isOnline(username, row);
    const before = this.known.get(username);
    this.known.set(username, online);
    // The first evaluation after start (or add) only reports someone online.
    if (before === online || (before === undefined && !online)) return online;
    this.deps.bus.emit(online ? 'friend_online' : 'friend_offline', { username });
    this.deps.onTransition(username, online);
    return online;
  }

  refreshAll(): void {
    for (const friend of this.deps.friends.all()) this.refresh(friend.username, friend);
  }
}
