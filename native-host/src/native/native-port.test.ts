import { describe, expect, it } from 'vitest';
import type { NativeRequest } from '../../../shared/native-protocol.js';
import { encodeNativeMessage, NativeMessageDecoder } from './native-framing.js';
import { NativePort, type NativePortCloseInfo } from './native-port.js';
import { FakeBrowser, memoryLogger, settle } from './test-support.js';

function setup(options: { maxIncomingBytes?: number; maxOutgoingBytes?: number } = {}) {
  const browser = new FakeBrowser();
  const logger = memoryLogger();
  const port = new NativePort(browser.toHost, browser.fromHost, { logger, ...options });
  const requests: NativeRequest[] = [];
  const closes: NativePortCloseInfo[] = [];
  port.on('request', (r) => requests.push(r));
  port.on('close', (info) => closes.push(info));
  return { browser, logger, port, requests, closes };
}

describe('NativePort', () => {
  it('emits requests, including ones split across reads', async () => {
    const { browser, requests } = setup();
    const frames = Buffer.concat([
      encodeNativeMessage({ type: 'request', id: 1, method: 'details' }),
      encodeNativeMessage({ type: 'request', id: 2, method: 'ping' }),
    ]);
    browser.toHost.write(frames.subarray(0, 7));
    browser.toHost.write(frames.subarray(7, 50));
    browser.toHost.write(frames.subarray(50));
    await settle();
    expect(requests).toEqual([
      { type: 'request', id: 1, method: 'details' },
      { type: 'request', id: 2, method: 'ping' },
    ]);
  });

  it('sends whole frames and shapes responses', async () => {
    const { browser, port } = setup();
    port.send({ type: 'status', state: 'ready', username: 'alice' });
    port.respond(3, { pong: true });
    port.respond(4, undefined);
    port.fail(5, new Error('nope'));
    port.fail(6, 'plain');
    await port.flushed();
    expect(await browser.waitFor(5)).toEqual([
      { type: 'status', state: 'ready', username: 'alice' },
      { type: 'response', id: 3, ok: true, result: { pong: true } },
      { type: 'response', id: 4, ok: true, result: null },
      { type: 'response', id: 5, ok: false, error: 'nope' },
      { type: 'response', id: 6, ok: false, error: 'plain' },
    ]);
    // Re-decoding the raw bytes from scratch yields exactly these frames and no stray bytes.
    const decoder = new NativeMessageDecoder();
    expect(decoder.push(Buffer.concat(browser.rawBytes))).toHaveLength(5);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('logs and ignores messages that are not requests', async () => {
    const { browser, logger, requests, closes } = setup();
    for (const junk of [42, 'hi', null, [1], { type: 'response', id: 1 }, { type: 'request', id: 'x', method: 'ping' }, { type: 'request', id: -1, method: 'ping' }, { type: 'request', id: 1.5, method: 'ping' }]) {
      browser.toHost.write(encodeNativeMessage(junk));
    }
    browser.toHost.write(encodeNativeMessage({ type: 'request', id: 9, method: 'ping' }));
    await settle();
    expect(requests).toEqual([{ type: 'request', id: 9, method: 'ping' }]);
    expect(logger.lines.filter((l) => l.level === 'warn')).toHaveLength(8);
    expect(browser.received).toEqual([]);
    expect(closes).toEqual([]);
  });

  it('answers an unknown method with an error instead of leaving the caller waiting', async () => {
    const { browser, requests } = setup();
    browser.toHost.write(encodeNativeMessage({ type: 'request', id: 7, method: 'reboot' }));
    expect(await browser.waitFor(1)).toEqual([{ type: 'response', id: 7, ok: false, error: "Unknown method 'reboot'" }]);
    expect(requests).toEqual([]);
  });

  it('closes once with input-ended when the browser closes stdin', async () => {
    const { browser, port, closes } = setup();
    browser.toHost.end();
    await settle();
    await settle();
    expect(closes).toEqual([{ reason: 'input-ended' }]);
    expect(port.closed).toBe(true);
    expect(port.send({ type: 'status', state: 'stopping', username: null })).toBe(false);
    await settle();
    expect(browser.rawBytes).toEqual([]);
  });

  it('ends the port on an oversized frame and ignores anything after it', async () => {
    const { browser, closes, requests, logger } = setup({ maxIncomingBytes: 100 });
    // 0x01010101 reads the same in either byte order: far more than 100 bytes.
    browser.toHost.write(Buffer.from([1, 1, 1, 1]));
    await settle();
    expect(closes).toHaveLength(1);
    expect(closes[0]?.reason).toBe('protocol-error');
    expect(closes[0]?.error).toMatchObject({ code: 'FRAME_TOO_LARGE' });
    expect(logger.lines.some((l) => l.level === 'error')).toBe(true);
    expect(browser.toHost.destroyed).toBe(true);
    expect(requests).toEqual([]);
    expect(browser.rawBytes).toEqual([]);
  });

  it('ends the port on a frame that is not JSON', async () => {
    const { browser, closes } = setup();
    const body = Buffer.from('not json');
    const frame = encodeNativeMessage('x'.repeat(body.length - 2));
    body.copy(frame, 4);
    browser.toHost.write(frame);
    await settle();
    expect(closes.map((c) => c.reason)).toEqual(['protocol-error']);
    expect(closes[0]?.error).toMatchObject({ code: 'FRAME_INVALID' });
  });

  it('turns an oversized response into an error response', async () => {
    const { browser, port } = setup({ maxOutgoingBytes: 200 });
    port.respond(1, 'y'.repeat(500));
    expect(await browser.waitFor(1)).toEqual([
      { type: 'response', id: 1, ok: false, error: expect.stringMatching(/^Frame of \d+ bytes exceeds the limit of 200$/) },
    ]);
    expect(() => port.send({ type: 'status', state: 'ready', username: 'z'.repeat(300) })).toThrow(
      expect.objectContaining({ code: 'FRAME_TOO_LARGE' }),
    );
  });

  it('survives a broken output stream and reports it as a close', async () => {
    const { browser, port, closes } = setup();
    browser.fromHost.destroy(new Error('EPIPE'));
    await settle();
    expect(closes.map((c) => c.reason)).toEqual(['stream-error']);
    expect(port.send({ type: 'status', state: 'ready', username: null })).toBe(false);
  });

  it('close() stops reading and emits close once', async () => {
    const { browser, port, closes, requests } = setup();
    port.close();
    port.close();
    browser.toHost.write(encodeNativeMessage({ type: 'request', id: 1, method: 'ping' }));
    await settle();
    expect(closes).toEqual([{ reason: 'closed' }]);
    expect(requests).toEqual([]);
  });
});
