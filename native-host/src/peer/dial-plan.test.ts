import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../config/limits.js';
import { createLogger } from '../logger.js';
import { DialPlan, firstOpen, type DialDeps } from './dial-plan.js';
import type { DhtTransport } from './dht-transport.js';
import type { PeerLink, PeerPath } from './peer-link.js';
import type { UsableRelay } from './relay-probe.js';
import type { TcpTransport } from './tcp-transport.js';

/**
 * Head starts far apart from the fakes' answer times, so "at once" and
 * "after the head start" cannot be confused on a busy machine: checks are
 * lower bounds (a timer never fires early) or far below a head start.
 */
const limits = { ...DEFAULT_LIMITS, dialHeadStartMs: 1000, relayHeadStartMs: 1500, tcpDialTimeoutMs: 9000 };
const AT_ONCE_MS = 500;
const RELAY: UsableRelay = { key: Buffer.alloc(32, 1), address: '203.0.113.1:49737' };

type Outcome = { after: number; path: PeerPath } | { after: number; fail: string };

/** A link that only says which path it is; the fake handshake opens it on that path. */
function fakeLink(path: PeerPath): PeerLink {
  return { transport: path === 'tcp' ? 'tcp' : 'dht', remote: 'fake', path, attach() {}, write: () => true, cork() {}, uncork() {}, destroy() {} };
}

/** Edges faked: TCP and the DHT answer after a while, as scripted; every call is recorded. */
function setup(script: { tcp?: Outcome; punch?: Outcome; relay?: Outcome }) {
  const calls: string[] = [];
  const at: Record<string, number> = {};
  const aborted: string[] = [];
  const started = Date.now();
  const play = (name: string, outcome: Outcome | undefined, signal: AbortSignal) =>
    new Promise<PeerLink>((resolve, reject) => {
      calls.push(name);
      at[name] = Date.now() - started;
      if (!outcome) return reject(Object.assign(new Error('none'), { code: 'PEER_NOT_FOUND' }));
      const timer = setTimeout(() => ('path' in outcome ? resolve(fakeLink(outcome.path)) : reject(Object.assign(new Error(outcome.fail), { code: outcome.fail }))), outcome.after);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        aborted.push(name);
        reject(Object.assign(new Error('aborted'), { code: 'DIAL_ABORTED' }));
      });
    });
  const tcp = {
    dial: (_address: string, _timeout: number, signal: AbortSignal) => play('tcp', script.tcp, signal).catch(() => null),
  } as unknown as TcpTransport;
  const dht = {
    status: () => 'online',
    pickRelay: () => RELAY,
    dial: (_key: string, relay: UsableRelay | null, signal: AbortSignal) => play(relay ? 'relay' : 'punch', relay ? script.relay : script.punch, signal),
  } as unknown as DhtTransport;
  const deps: DialDeps = { tcp, dht, limits, log: createLogger('silent'), handshake: async (link) => link.path };
  return { deps, calls, at, aborted };
}

const target = { username: 'bob', addresses: ['198.18.2.2:9100'], dhtKey: 'a2V5', dhtDelayMs: 0 };

describe('DialPlan', () => {
  it('takes TCP when it opens first and never touches the DHT', async () => {
    const { deps, calls } = setup({ tcp: { after: 5, path: 'tcp' }, punch: { after: 5, path: 'holepunch' } });
    expect(await new DialPlan(deps, target).run()).toBe(true);
    expect(calls).toEqual(['tcp']);
  });

  it('starts the DHT at once when TCP fails, and after the head start when TCP hangs', async () => {
    const refused = setup({ tcp: { after: 5, fail: 'ECONNREFUSED' }, punch: { after: 5, path: 'holepunch' } });
    expect(await new DialPlan(refused.deps, target).run()).toBe(true);
    expect(refused.calls).toEqual(['tcp', 'punch']);
    expect(refused.at.punch).toBeLessThan(AT_ONCE_MS);
    const hanging = setup({ tcp: { after: 8000, path: 'tcp' }, punch: { after: 5, path: 'holepunch' } });
    expect(await new DialPlan(hanging.deps, target).run()).toBe(true);
    expect(hanging.calls).toEqual(['tcp', 'punch']);
    expect(hanging.at.punch).toBeGreaterThanOrEqual(limits.dialHeadStartMs - 5);
    expect(hanging.aborted).toContain('tcp');
  });

  it('brings a relay in when the punch is slow, and lets the punch go on to replace it', async () => {
    const { deps, calls, at, aborted } = setup({ punch: { after: 8000, path: 'holepunch' }, relay: { after: 5, path: 'relay' } });
    expect(await new DialPlan(deps, { ...target, addresses: [] }).run()).toBe(true);
    expect(calls).toEqual(['punch', 'relay']);
    expect(at.relay).toBeGreaterThanOrEqual(limits.relayHeadStartMs - 5);
    expect(aborted).not.toContain('punch');
  });

  it('relays at once when punching fails, and not at all when the friend is not on the DHT', async () => {
    const punchFails = setup({ punch: { after: 5, fail: 'HOLEPUNCH_DOUBLE_RANDOMIZED_NATS' }, relay: { after: 5, path: 'relay' } });
    expect(await new DialPlan(punchFails.deps, { ...target, addresses: [] }).run()).toBe(true);
    expect(punchFails.calls).toEqual(['punch', 'relay']);
    expect(punchFails.at.relay).toBeLessThan(AT_ONCE_MS);
    const notFound = setup({ punch: { after: 5, fail: 'PEER_NOT_FOUND' }, relay: { after: 5, path: 'relay' } });
    expect(await new DialPlan(notFound.deps, { ...target, addresses: [] }).run()).toBe(false);
    expect(notFound.calls).toEqual(['punch']);
  });

  it('waits its turn over the DHT, and stops everything when cancelled', async () => {
    const { deps, calls, at, aborted } = setup({ punch: { after: 5000, path: 'holepunch' } });
    const plan = new DialPlan(deps, { ...target, addresses: [], dhtDelayMs: 200 });
    const running = plan.run();
    await new Promise((r) => setTimeout(r, 300));
    expect(calls).toEqual(['punch']);
    expect(at.punch).toBeGreaterThanOrEqual(195);
    plan.cancel();
    expect(await running).toBe(false);
    expect(aborted).toEqual(['punch']);
  });
});

describe('firstOpen', () => {
  it('gives the first path, or null once every attempt gave up', async () => {
    expect(await firstOpen([])).toBeNull();
    expect(await firstOpen([Promise.resolve(null), Promise.reject(new Error('x'))])).toBeNull();
    expect(await firstOpen([new Promise((r) => setTimeout(() => r('relay'), 20)), Promise.resolve('tcp')])).toBe('tcp');
  });
});
