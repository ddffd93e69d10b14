import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnHost } from '../../testkit/test-host.js';
import { Testnet } from '../../testkit/testnet.js';
import { waitForHostInfo } from '../../testkit/host-ready.js';
import { defined } from '../../shared/defined.js';

/** Whether a TCP connection to host:port opens. */
function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Resolves with how long the host took to close this connection, or null if it still held it after `waitMs`. */
function closedWithin(port: number, bytes: Uint8Array, waitMs: number): Promise<number | null> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let sentAt = 0;
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(null);
    }, waitMs);
    socket.on('error', () => undefined);
    socket.once('connect', () => {
      sentAt = Date.now();
      socket.write(bytes);
    });
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(Date.now() - sentAt);
    });
    socket.resume();
  });
}

const header = (length: number) => {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, length);
  return bytes;
};

/** What the peer port exposes before anyone has proved who they are. */
describe('the peer listener', () => {
  const testnet = new Testnet();
  afterAll(() => testnet.close());

  it('binds loopback with the local directory unless --peer-host says otherwise', async () => {
    // Not through Testnet.start, which always passes --peer-host.
    const start = async (extra: string[]) => {
      const host = spawnHost(`${testnet.root}/bind-${extra.length}`, [
        '--api-port', '0', '--ws-port', '0', '--peer-port', '0', '--directory', 'local', '--directory-path', testnet.directoryPath, ...extra,
      ]);
      const { info } = await waitForHostInfo(host.dataDir, host.child, () => host.stderr);
      return { host, port: info.peer_port };
    };
    // 127.0.0.2 stands in for any address of this machine other than 127.0.0.1.
    const local = await start([]);
    expect(await reachable('127.0.0.1', local.port)).toBe(true);
    expect(await reachable('127.0.0.2', local.port)).toBe(false);
    const everywhere = await start(['--peer-host', '0.0.0.0']);
    expect(await reachable('127.0.0.2', everywhere.port)).toBe(true);
    await Promise.all([local.host.stop(), everywhere.host.stop()]);
  });

  it('closes a connection whose first frame would be over 65,535 bytes, before buffering it', async () => {
    const bob = await testnet.start({ username: 'bob' });
    const port = bob.info.peer_port;
    // A handshake message can never be larger than a Noise message; the session's 1 MiB applies only after it.
    const over = await closedWithin(port, header(65_536), 3000);
    expect(over).not.toBeNull();
    expect(defined(over)).toBeLessThan(1000);
    // At the limit the host waits for the body (until its stall or handshake timeout).
    expect(await closedWithin(port, header(65_535), 1500)).toBeNull();
    expect(await closedWithin(port, header(1024 * 1024), 3000)).not.toBeNull();
    expect(bob.child.exitCode).toBeNull();
  });
});
