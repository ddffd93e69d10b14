import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { HostDetails } from '../../../shared/native-protocol.js';
import { encodeNativeMessage } from './native-framing.js';
import { NativePort, type NativePortCloseInfo } from './native-port.js';
import { startNativeSession, type NativeStatus } from './native-session.js';
import { FakeBrowser, memoryLogger, settle } from './test-support.js';

const DETAILS: HostDetails = { api_port: 8080, ws_port: 8081, token: 'tok', username: null, version: '0.1.0' };

function setup(options: { bridged?: boolean; shutdown?: () => Promise<void> } = {}) {
  const browser = new FakeBrowser();
  const logger = memoryLogger();
  const port = new NativePort(browser.toHost, browser.fromHost, { logger });
  const statusBus = new EventEmitter<{ status: [NativeStatus] }>();
  let details: HostDetails = { ...DETAILS };
  const calls = { shutdown: 0, close: [] as NativePortCloseInfo[] };
  const session = startNativeSession({
    port,
    logger,
    bridged: options.bridged ?? false,
    getDetails: () => details,
    shutdown:
      options.shutdown ??
      (async () => {
        calls.shutdown++;
      }),
    subscribeStatus: (listener) => {
      statusBus.on('status', listener);
      return () => statusBus.off('status', listener);
    },
    onClose: (info) => calls.close.push(info),
  });
  const request = (id: number, method: string) =>
    browser.toHost.write(encodeNativeMessage({ type: 'request', id, method }));
  return {
    browser,
    logger,
    port,
    session,
    statusBus,
    calls,
    request,
    setDetails: (d: HostDetails) => {
      details = d;
    },
  };
}

describe('native session', () => {
  it('sends hello at once with the details and the bridged flag', async () => {
    const { browser } = setup({ bridged: true });
    expect(await browser.waitFor(1)).toEqual([{ type: 'hello', bridged: true, ...DETAILS }]);
  });

  it('answers details with the current details and ping with pong', async () => {
    const { browser, request, setDetails } = setup();
    setDetails({ ...DETAILS, username: 'alice' });
    request(1, 'details');
    request(2, 'ping');
    const messages = await browser.waitFor(3);
    expect(messages.slice(1)).toEqual([
      { type: 'response', id: 1, ok: true, result: { ...DETAILS, username: 'alice' } },
      { type: 'response', id: 2, ok: true, result: { pong: true } },
    ]);
  });

  it('answers shutdown first, then shuts down once', async () => {
    const order: string[] = [];
    const { browser, request, port } = setup({
      shutdown: async () => {
        const answered = browser.received.some((m) => (m as { id?: number }).id === 5);
        order.push(answered ? 'shutdown after its answer' : 'shutdown before its answer');
      },
    });
    request(5, 'shutdown');
    request(6, 'shutdown');
    await browser.waitFor(3);
    await port.flushed();
    await settle();
    expect(browser.received.slice(1)).toEqual([
      { type: 'response', id: 5, ok: true, result: null },
      { type: 'response', id: 6, ok: true, result: null },
    ]);
    expect(order).toEqual(['shutdown after its answer']);
  });

  it('logs a failing shutdown instead of crashing', async () => {
    const { browser, request, logger } = setup({
      shutdown: async () => {
        throw new Error('disk gone');
      },
    });
    request(1, 'shutdown');
    await browser.waitFor(2);
    await settle();
    await settle();
    expect(logger.lines.some((l) => l.level === 'error' && /shutdown/.test(l.message))).toBe(true);
  });

  it('forwards status changes while open', async () => {
    const { browser, statusBus } = setup();
    statusBus.emit('status', { state: 'ready', username: 'alice' });
    statusBus.emit('status', { state: 'stopping', username: 'alice' });
    expect((await browser.waitFor(3)).slice(1)).toEqual([
      { type: 'status', state: 'ready', username: 'alice' },
      { type: 'status', state: 'stopping', username: 'alice' },
    ]);
  });

  it('calls onClose once and unsubscribes when the browser closes the port', async () => {
    const { browser, statusBus, calls } = setup();
    await browser.waitFor(1);
    browser.toHost.end();
    await settle();
    await settle();
    expect(calls.close).toEqual([{ reason: 'input-ended' }]);
    expect(statusBus.listenerCount('status')).toBe(0);
    expect(calls.shutdown).toBe(0);
  });

  it('calls onClose when the browser breaks the protocol', async () => {
    const { browser, calls } = setup();
    browser.toHost.write(Buffer.from([0xff, 0xff, 0xff, 0xff]));
    await settle();
    expect(calls.close.map((c) => c.reason)).toEqual(['protocol-error']);
  });

  it('session.close() closes the port and reports it', async () => {
    const { session, port, calls, statusBus } = setup();
    session.close();
    expect(port.closed).toBe(true);
    expect(calls.close).toEqual([{ reason: 'closed' }]);
    expect(statusBus.listenerCount('status')).toBe(0);
  });

  it('reports a port that was closed before the session started', () => {
    const browser = new FakeBrowser();
    const logger = memoryLogger();
    const port = new NativePort(browser.toHost, browser.fromHost, { logger });
    port.close();
    const closes: NativePortCloseInfo[] = [];
    let subscribed = false;
    startNativeSession({
      port,
      logger,
      bridged: false,
      getDetails: () => DETAILS,
      shutdown: async () => {},
      subscribeStatus: () => {
        subscribed = true;
        return () => {};
      },
      onClose: (info) => closes.push(info),
    });
    expect(closes).toEqual([{ reason: 'closed' }]);
    expect(subscribed).toBe(false);
  });
});
