import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HostLinkState } from '../services/host-link.js';
import { FakeNativePort } from '../test-support/fake-native-port.js';
import { NativeLink } from './native-link.js';
import { defined } from '../../shared/defined.js';

const hello = { type: 'hello', bridged: false, api_port: 18080, ws_port: 18081, token: 't0k', username: null, version: '0.1.0' };

let ports: FakeNativePort[];
function makeLink(options: Partial<ConstructorParameters<typeof NativeLink>[0]> = {}) {
  ports = [];
  const link = new NativeLink({
    connect: () => {
      const p = new FakeNativePort();
      ports.push(p);
      return p;
    },
    backoff: { maxAttempts: 2 },
    requestTimeoutMs: 1000,
    ...options,
  });
  const states: HostLinkState[] = [];
  link.onState((s) => states.push(s));
  return { link, states };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('NativeLink', () => {
  it('becomes ready on hello and follows status frames', () => {
    const { link } = makeLink();
    link.start();
    expect(link.state.phase).toBe('connecting');
    defined(ports[0]).deliver(hello);
    expect(link.state).toEqual({
      phase: 'ready',
      bridged: false,
      details: { api_port: 18080, ws_port: 18081, token: 't0k', username: null, version: '0.1.0' },
    });
    defined(ports[0]).deliver({ type: 'status', state: 'ready', username: 'alice' });
    expect(link.state.phase === 'ready' && link.state.details.username).toBe('alice');
    defined(ports[0]).deliver({ type: 'status', state: 'stopping', username: 'alice' });
    expect(link.state.phase).toBe('stopping');
  });

  it('answers requests and rejects them when the port drops', async () => {
    const { link } = makeLink();
    link.start();
    const ping = link.request('ping');
    expect(defined(ports[0]).posted).toEqual([{ type: 'request', id: 1, method: 'ping' }]);
    defined(ports[0]).deliver({ type: 'response', id: 1, ok: true, result: 'pong' });
    await expect(ping).resolves.toBe('pong');
    const details = link.request('details');
    defined(ports[0]).drop('Native host has exited.');
    await expect(details).rejects.toThrow('Native host has exited.');
  });

  it('reports a missing host without retrying, and retries on restart', () => {
    const { link } = makeLink();
    link.start();
    defined(ports[0]).drop('Specified native messaging host not found.');
    expect(link.state).toEqual({ phase: 'not-installed', error: 'Specified native messaging host not found.' });
    vi.advanceTimersByTime(60_000);
    expect(ports).toHaveLength(1);
    link.restart();
    expect(ports).toHaveLength(2);
  });

  it('reconnects with backoff after the host exits, then gives up', () => {
    const { link, states } = makeLink();
    link.start();
    defined(ports[0]).drop('Native host has exited.');
    expect(link.state).toEqual({ phase: 'disconnected', error: 'Native host has exited.', retryInMs: 3000 });
    vi.advanceTimersByTime(3000);
    expect(ports).toHaveLength(2);
    defined(ports[1]).drop('Native host has exited.');
    vi.advanceTimersByTime(4500);
    defined(ports[2]).drop('Native host has exited.');
    expect(link.state).toMatchObject({ phase: 'disconnected', retryInMs: null });
    vi.advanceTimersByTime(600_000);
    expect(ports).toHaveLength(3);
    expect(states.filter((s) => s.phase === 'connecting')).toHaveLength(3);
  });

  it('uses lastError when the port carries no error', () => {
    const { link } = makeLink({ lastError: () => 'Specified native messaging host not found.' });
    link.start();
    defined(ports[0]).drop();
    expect(link.state.phase).toBe('not-installed');
  });
});
