import { beforeEach, describe, expect, it } from 'vitest';
import type { Message } from '../../shared/contract.js';
import { EventStream } from '../services/event-stream.js';
import { FakeHost, contact, message } from '../test-support/fake-host.js';
import { FakeWebSocket } from '../test-support/fake-websocket.js';
import { UnreadWatcher, badgeText } from './unread-watcher.js';

beforeEach(() => FakeWebSocket.reset());

function setup() {
  const host = new FakeHost();
  host.friends = [contact('bob'), contact('carol')];
  host.history.set('bob', [message('bob'), message('bob', { read: true }), message('bob')]);
  const stream = new EventStream({ url: 'ws://127.0.0.1:1/events', WebSocketImpl: FakeWebSocket });
  stream.connect();
  FakeWebSocket.latest().open();
  const badges: string[] = [];
  const notified: Message[] = [];
  const watcher = new UnreadWatcher({ api: host.client(), stream, setBadge: (t) => badges.push(t), onMessage: (m) => notified.push(m) });
  return { host, watcher, badges, notified, ws: FakeWebSocket.latest() };
}

describe('UnreadWatcher', () => {
  it('writes badge text', () => {
    expect([badgeText(0), badgeText(7), badgeText(100)]).toEqual(['', '7', '99+']);
  });

  it('counts unread history, then incoming messages once each', async () => {
    const { watcher, badges, notified, ws } = setup();
    await watcher.prime();
    expect(watcher.total).toBe(2);
    expect(badges.at(-1)).toBe('2');
    const m = message('carol');
    ws.emit('new_message', m);
    ws.emit('new_message', m);
    expect(watcher.total).toBe(3);
    expect(notified.map((x) => x.msg_id)).toEqual([m.msg_id]);
    expect(badges.at(-1)).toBe('3');
  });

  it('takes the counts an open page reports', async () => {
    const { watcher, badges } = setup();
    await watcher.prime();
    watcher.replace({ bob: 0, carol: 1 });
    expect(watcher.total).toBe(1);
    expect(badges.at(-1)).toBe('1');
    watcher.dispose();
    expect(badges.at(-1)).toBe('');
  });
});
