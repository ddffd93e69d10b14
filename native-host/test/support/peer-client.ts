import net from 'node:net';
import type { IdentityKeys } from '../../src/crypto/identity.js';
import { encodeFrame, FrameDecoder } from '../../src/peer/framing.js';
import { createInitiator } from '../../src/peer/peer-handshake.js';
import type { PeerMessage } from '../../src/peer/peer-protocol.js';
import type { TransportCipher } from '../../src/peer/transport-cipher.js';
import { IdentityFile } from '../../src/store/identity-file.js';
import { eventually } from '../../../testkit/eventually.js';
import { defined } from '../../../shared/defined.js';

/**
 * A hand-driven peer session: dials a host's peer port as `username` with
 * the given keys (a profile's own, read from its data dir, to speak as that
 * friend), completes the Noise handshake and then sends and records frames.
 * For tests that need to send exactly one frame, again, at the right time.
 */
export class PeerClient {
  readonly received: PeerMessage[] = [];

  private constructor(
    private readonly socket: net.Socket,
    private readonly cipher: TransportCipher,
  ) {}

  /** The keys of the profile in `dataDir`. */
  static identityOf(dataDir: string): IdentityKeys {
    return new IdentityFile(dataDir).load().current;
  }

  static connect(port: number, as: { username: string; identity: IdentityKeys }, timeoutMs = 5000): Promise<PeerClient> {
    const handshake = createInitiator({
      username: as.username,
      staticKeys: { publicKey: as.identity.publicKey, privateKey: as.identity.privateKey },
      signingKeys: { publicKey: as.identity.signingPublicKey, privateKey: as.identity.signingPrivateKey },
    });
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      const decoder = new FrameDecoder();
      let client: PeerClient | null = null;
      const timer = setTimeout(() => fail(new Error('no session in time')), timeoutMs);
      const fail = (err: Error) => {
        clearTimeout(timer);
        socket.destroy();
        reject(err);
      };
      socket.on('error', fail);
      socket.on('close', () => (client ? undefined : fail(new Error('the host closed the connection'))));
      socket.once('connect', () => socket.write(encodeFrame(defined(handshake.next(null).send))));
      socket.on('data', (chunk: Buffer) => {
        try {
          for (const frame of decoder.frames(chunk)) {
            if (client) {
              client.received.push(client.cipher.open(frame) as PeerMessage);
              continue;
            }
            const step = handshake.next(frame);
            if (step.send) socket.write(encodeFrame(step.send));
            if (step.done) {
              clearTimeout(timer);
              client = new PeerClient(socket, step.done.transport);
              resolve(client);
            }
          }
        } catch (err) {
          fail(err as Error);
        }
      });
    });
  }

  send(message: PeerMessage): void {
    this.socket.write(encodeFrame(this.cipher.seal(message)));
  }

  /** The first received frame (old or new) that matches. */
  waitFor(match: (m: PeerMessage) => boolean, timeoutMs = 5000): Promise<PeerMessage> {
    return eventually(() => this.received.find(match), timeoutMs, 'a matching peer frame');
  }

  close(): void {
    this.socket.destroy();
  }
}
