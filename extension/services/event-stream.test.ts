import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeWebSocket } from '../test-support/fake-websocket.js';
import { EventStream, type EventStreamState } from './event-stream.js';
import { eventsUrl } from './host-urls.js';

beforeEach(() => {
  vi.useFakeTimers();
  FakeWebSocket.reset();
});
afterEach(() => {
  vi.useRealTimers();
});

function makeStream(maxAttempts = 3) {
  const stream = new EventStream({ url: 'ws://127.0.0.1:1/events', WebSocketImpl: FakeWebSocket, backoff: { maxAttempts } });
  const states: EventStreamState[] = [];
  stream.onState((s) => states.push(s));
  return { stream, states };
}

describe('EventStream', () => {
  it('builds the URL with the token only when there is one', () => {
    expect(eventsUrl({ ws_port: 8081, token: 'a b' })).toBe('ws://127.0.0.1:8081/events?token=a%20b');
    expect(eventsUrl({ ws_port: 8081, token: null })).toBe('ws://127.0.0.1:8081/events');
  });

  it('reconnects on the 3 s × 1.5ⁿ schedule and gives up after the cap', () => {
    const { stream, states } = makeStream(3);
    stream.connect();
    FakeWebSocket.latest().close();
    expect(stream.state).toBe('reconnecting');
    vi.advanceTimersByTime(2999);
    expect(FakeWebSocket.instances).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeWebSocket.instances).toHaveLength(2);
    FakeWebSocket.latest().close();
    vi.advanceTimersByTime(4499);
    expect(FakeWebSocket.instances).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(FakeWebSocket.instances).toHaveLength(3);
    FakeWebSocket.latest().close();
    vi.advanceTimersByTime(6750);
    expect(FakeWebSocket.instances).toHaveLength(4);
    FakeWebSocket.latest().close();
    expect(stream.state).toBe('failed');
    vi.advanceTimersByTime(600_000);
    expect(FakeWebSocket.instances).toHaveLength(4);
    expect(states.at(-1)).toBe('failed');
  });

  it('resets the schedule after a successful open', () => {
    const { stream } = makeStream();
    stream.connect();
    FakeWebSocket.latest().close();
    vi.advanceTimersByTime(3000);
    FakeWebSocket.latest().close();
    vi.advanceTimersByTime(4500);
    FakeWebSocket.latest().open();
    expect(stream.state).toBe('open');
    FakeWebSocket.latest().close();
    vi.advanceTimersByTime(3000);
    expect(FakeWebSocket.instances).toHaveLength(4);
  });

  it('delivers typed events and sends typing and mark_read', () => {
    const { stream } = makeStream();
    const got: unknown[] = [];
    stream.on('typing', (d) => got.push(d));
    expect(stream.typing('bob', true)).toBe(false);
    stream.connect();
    const ws = FakeWebSocket.latest();
    ws.open();
    ws.emit('typing', { username: 'bob', typing: true });
    ws.onmessage?.({ data: 'not json' } as MessageEvent);
    expect(got).toEqual([{ username: 'bob', typing: true }]);
    expect(stream.typing('bob', false)).toBe(true);
    expect(stream.markRead('bob', 'm1')).toBe(true);
    expect(ws.sent).toEqual([
      { event: 'typing', data: { to: 'bob', typing: false } },
      { event: 'mark_read', data: { peer: 'bob', msg_id: 'm1' } },
    ]);
  });

  it('stays closed after close()', () => {
    const { stream } = makeStream();
    stream.connect();
    stream.close();
    vi.advanceTimersByTime(60_000);
    expect(FakeWebSocket.instances).toHaveLength(1);
    expect(stream.state).toBe('closed');
  });
});
