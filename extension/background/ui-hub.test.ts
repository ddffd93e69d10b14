import { describe, expect, it } from 'vitest';
import type { BackgroundToUi, HostLinkState } from '../services/host-link.js';
import { type UiPortLike, UiHub } from './ui-hub.js';

class FakeUiPort implements UiPortLike {
  readonly got: BackgroundToUi[] = [];
  private onMsg: Array<(m: unknown) => void> = [];
  private onGone: Array<() => void> = [];
  onMessage = { addListener: (fn: (m: unknown) => void) => void this.onMsg.push(fn) };
  onDisconnect = { addListener: (fn: () => void) => void this.onGone.push(fn) };
  postMessage(m: BackgroundToUi): void {
    this.got.push(m);
  }
  send(m: unknown): void {
    this.onMsg.forEach((fn) => fn(m));
  }
  close(): void {
    this.onGone.forEach((fn) => fn());
  }
}

const ready: HostLinkState = { phase: 'ready', bridged: false, details: { api_port: 1, ws_port: 2, token: null, username: 'alice', version: '1' } };

describe('UiHub', () => {
  it('answers state requests and pushes changes to every page', () => {
    let reconnects = 0;
    const hub = new UiHub({ state: () => ready, reconnect: () => reconnects++, onUnread: () => {} });
    const a = new FakeUiPort();
    const b = new FakeUiPort();
    hub.attach(a);
    hub.attach(b);
    a.send({ type: 'request', id: 7, method: 'state' });
    expect(a.got).toEqual([{ type: 'response', id: 7, ok: true, result: ready }]);
    b.send({ type: 'request', id: 1, method: 'reconnect' });
    expect(reconnects).toBe(1);
    b.send({ type: 'request', id: 2, method: 'bogus' });
    expect(b.got.at(-1)).toMatchObject({ type: 'response', id: 2, ok: false });
    hub.broadcast({ phase: 'stopping' });
    expect(a.got.at(-1)).toEqual({ type: 'state', state: { phase: 'stopping' } });
    expect(b.got.at(-1)).toEqual({ type: 'state', state: { phase: 'stopping' } });
  });

  it('knows whether any page is focused, forgetting closed ones', () => {
    const hub = new UiHub({ state: () => ready, reconnect: () => {}, onUnread: () => {} });
    const a = new FakeUiPort();
    const b = new FakeUiPort();
    hub.attach(a);
    hub.attach(b);
    expect(hub.anyFocused).toBe(false);
    a.send({ type: 'focus', focused: true });
    expect(hub.anyFocused).toBe(true);
    a.close();
    expect(hub.anyFocused).toBe(false);
    expect(hub.connectedCount).toBe(1);
  });

  it('passes unread reports on', () => {
    const seen: Array<Record<string, number>> = [];
    const hub = new UiHub({ state: () => ready, reconnect: () => {}, onUnread: (c) => seen.push(c) });
    const a = new FakeUiPort();
    hub.attach(a);
    a.send({ type: 'unread', counts: { bob: 2 } });
    a.send(null);
    expect(seen).toEqual([{ bob: 2 }]);
  });
});
