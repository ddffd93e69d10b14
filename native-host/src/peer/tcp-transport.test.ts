import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '../logger.js';
import { TcpTransport } from './tcp-transport.js';
import { defined } from '../../../shared/defined.js';

/** A real listener on 127.0.0.1 that counts the connections it gets. */
async function trap(): Promise<{ port: number; count: () => number; close: () => void }> {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as net.AddressInfo).port, count: () => connections, close: () => server.close() };
}

describe('TcpTransport.dial', () => {
  const closers: Array<() => void> = [];
  afterEach(() => closers.splice(0).forEach((close) => close()));
  const signal = new AbortController().signal;

  it('does not dial loopback, by address or by name, unless told to', async () => {
    const listener = await trap();
    closers.push(listener.close);
    const log = memoryLogger();
    const guarded = new TcpTransport(log, { dialLocal: false });
    expect(await guarded.dial(`127.0.0.1:${listener.port}`, 2000, signal)).toBeNull();
    expect(await guarded.dial(`localhost:${listener.port}`, 2000, signal)).toBeNull();
    expect(await guarded.dial(`[::ffff:127.0.0.1]:${listener.port}`, 2000, signal)).toBeNull();
    expect(listener.count()).toBe(0);
    expect(log.lines.filter((l) => l.message.startsWith('not dialling')).map((l) => l.fields?.address)).toEqual([
      `127.0.0.1:${listener.port}`,
      `localhost:${listener.port}`,
      `[::ffff:127.0.0.1]:${listener.port}`,
    ]);

    const local = new TcpTransport(memoryLogger(), { dialLocal: true });
    const link = await local.dial(`localhost:${listener.port}`, 2000, signal);
    expect(link).not.toBeNull();
    defined(link).destroy();
    await new Promise((r) => setTimeout(r, 50));
    expect(listener.count()).toBe(1);
  });
});
