import { describe, expect, it } from 'vitest';
import type { HostEvent } from '../../../shared/contract.js';
import { EventBus } from './event-bus.js';
import { Presence } from './presence.js';
import { friendRow, memoryStore } from './test-support.js';

const TIMEOUT_MS = 60_000;

function rig() {
  const store = memoryStore();
  const bus = new EventBus();
  const events: string[] = [];
  bus.subscribe((e: HostEvent) => {
    if (e.event === 'friend_online' || e.event === 'friend_offline') events.push(`${e.event}:${e.data.username}`);
  });
  const transitions: string[] = [];
  const presence = new Presence({
    friends: store.friends,
    bus,
    presenceTimeoutMs: TIMEOUT_MS,
    onTransition: (username, online) => transitions.push(`${username}:${online}`),
  });
  const heartbeat = (username: string, agoMs: number) =>
    store.friends.updateSeen(username, new Date(Date.now() - agoMs).toISOString(), null);
  return { store, presence, events, transitions, heartbeat };
}

describe('presence', () => {
  it('reports only someone online on the first look, then every change once', () => {
    const r = rig();
    r.store.friends.insert(friendRow('bob'));
    r.store.friends.insert(friendRow('carol', { last_seen: new Date().toISOString() }));
    r.presence.refreshAll();
    expect(r.events).toEqual(['friend_online:carol']);
    r.presence.refreshAll();
    expect(r.events).toEqual(['friend_online:carol']);
    expect(r.presence.onlineCount()).toBe(1);
  });

  it('a session makes a friend online; losing it leaves them online only while their heartbeat is recent', () => {
    const r = rig();
    r.store.friends.insert(friendRow('bob'));
    r.presence.refreshAll();
    r.presence.sessionUp('bob');
    expect(r.events).toEqual(['friend_online:bob']);
    expect(r.transitions).toEqual(['bob:true']);
    r.heartbeat('bob', 1000);
    r.presence.sessionDown('bob');
    expect(r.presence.isOnline('bob')).toBe(true);
    expect(r.events).toEqual(['friend_online:bob']);
    r.heartbeat('bob', TIMEOUT_MS + 1);
    r.presence.refreshAll();
    expect(r.events).toEqual(['friend_online:bob', 'friend_offline:bob']);
    expect(r.transitions).toEqual(['bob:true', 'bob:false']);
    expect(r.presence.onlineCount()).toBe(0);
  });

  it('forgets a removed friend, so adding them again starts afresh', () => {
    const r = rig();
    r.store.friends.insert(friendRow('bob'));
    r.presence.sessionUp('bob');
    r.presence.forget('bob');
    expect(r.presence.isOnline('bob')).toBe(false);
    expect(r.presence.refresh('bob')).toBe(false);
    expect(r.events).toEqual(['friend_online:bob']);
  });
});
