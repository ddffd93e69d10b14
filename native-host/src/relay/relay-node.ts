import dgram from 'node:dgram';
import { Server as BlindRelayServer } from 'blind-relay';
import HyperDHT from 'hyperdht';
import type { Logger } from '../logger.js';
import type { RelayOptions } from './relay-options.js';
import { defined } from '../../../shared/defined.js';

export interface RunningRelay {
  /** The relay's public key, hex: what hosts pass to --relay. */
  key: string;
  /** The node's UDP address: what hosts and other nodes pass as a bootstrap node. */
  address: { host: string; port: number };
  close(): Promise<void>;
}

/**
 * A public HyperDHT node that other nodes can bootstrap from, with a blind
 * relay server on `seed`'s key. The relay pairs two peers that both ask for
 * the same token and forwards their UDP stream without being able to read
 * it (the stream is encrypted end to end between the two peers). A node
 * that starts a network is a bootstrapper; one that joins is made
 * persistent at once: a relay is run on a public machine, and a new
 * network needs persistent nodes to store announcements.
 */
export async function startRelay(options: RelayOptions, seed: Buffer, log: Logger): Promise<RunningRelay> {
  const port = options.port === 0 ? await freeUdpPort(options.host ?? '0.0.0.0') : options.port;
  const node =
    options.bootstrap.length === 0
      ? HyperDHT.bootstrapper(port, defined(options.host), { host: defined(options.host) })
      : new HyperDHT({
          bootstrap: options.bootstrap,
          port,
          anyPort: false,
          ephemeral: false,
          firewalled: false,
          ...(options.host ? { host: options.host } : {}),
        });
  node.on('error', (err: Error) => log.warn('dht node error', { err }));
  try {
    await node.fullyBootstrapped();
    const relay = new BlindRelayServer({ createStream: (opts) => node.createRawStream({ ...(opts as object), framed: true }) });
    const server = node.createServer({ shareLocalAddress: false }, (stream) => {
      stream.on('error', (err) => log.debug('stream error', { err: err.code ?? err.message }));
      const session = relay.accept(stream, { id: stream.remotePublicKey ?? Buffer.alloc(32) });
      session.on('error', (err) => log.debug('relay session error', { err: err.message }));
    });
    await server.listen(HyperDHT.keyPair(seed));
    const address = { host: options.host ?? node.host ?? '0.0.0.0', port };
    return {
      key: defined(server.publicKey).toString('hex'),
      address,
      close: async () => {
        await relay.close().catch(() => undefined);
        await server.close().catch(() => undefined);
        await node.destroy({ force: true });
      },
    };
  } catch (err) {
    await node.destroy({ force: true });
    throw err;
  }
}

/** A UDP port free right now on `host` (a bootstrapper must know its port before binding). */
function freeUdpPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, host, () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}
