import { randomBytes } from 'node:crypto';
import net from 'node:net';

/**
 * A WebSocket client that completes the upgrade and then never reads again:
 * whatever the host sends piles up in the kernel buffers and then in the
 * host's own send buffer.
 */
export class StalledWsClient {
  closed = false;
  private constructor(readonly socket: net.Socket) {
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => undefined);
  }

  static connect(port: number, token: string | null): Promise<StalledWsClient> {
    const query = token ? `?token=${encodeURIComponent(token)}` : '';
    const socket = net.connect({ host: '127.0.0.1', port });
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.once('connect', () =>
        socket.write(
          `GET /events${query} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
        ),
      );
      socket.once('data', (chunk: Buffer) => {
        socket.pause();
        if (!chunk.toString('latin1').startsWith('HTTP/1.1 101')) reject(new Error(`upgrade refused: ${chunk.toString('latin1').slice(0, 40)}`));
        else resolve(new StalledWsClient(socket));
      });
    });
  }

  /** Starts reading again and resolves with whether the host had already dropped us. */
  async drain(timeoutMs = 3000): Promise<boolean> {
    this.socket.resume();
    if (this.closed) return true;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    const dropped = this.closed;
    this.socket.destroy();
    return dropped;
  }
}
