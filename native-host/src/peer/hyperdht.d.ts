// The parts of hyperdht (and the streams it hands out) that Parley uses.
// hyperdht ships no types; these follow its README and lib/ as of 6.34.

declare module 'hyperdht' {
  import { EventEmitter } from 'node:events';

  namespace HyperDHT {
    interface KeyPair {
      publicKey: Buffer;
      secretKey: Buffer;
    }

    /** A UDX stream: the UDP transport under a secret stream. */
    interface RawStream extends EventEmitter {
      remoteHost: string | null;
      remotePort: number;
      /** Emitted when a relayed stream switched to a direct (hole punched) path. */
      on(event: 'remote-changed', listener: () => void): this;
    }

    /** @hyperswarm/secret-stream: an encrypted duplex stream to one remote key. */
    interface SecretStream extends EventEmitter {
      readonly remotePublicKey: Buffer | null;
      readonly publicKey: Buffer;
      readonly rawStream: RawStream | null;
      write(data: Uint8Array): boolean;
      cork(): void;
      uncork(): void;
      end(): void;
      destroy(err?: Error): void;
      setKeepAlive(ms: number): void;
      on(event: 'open' | 'close' | 'end' | 'drain', listener: () => void): this;
      on(event: 'data', listener: (data: Buffer) => void): this;
      on(event: 'error', listener: (err: Error & { code?: string }) => void): this;
    }

    interface ServerOptions {
      /** Return true to refuse the remote key, before any hole punching. */
      firewall?: (remotePublicKey: Buffer, remotePayload: unknown, clientAddress: unknown) => boolean | Promise<boolean>;
      shareLocalAddress?: boolean;
    }

    interface Server extends EventEmitter {
      readonly publicKey: Buffer | null;
      listen(keyPair?: KeyPair): Promise<Server>;
      close(): Promise<void>;
      on(event: 'connection', listener: (stream: SecretStream) => void): this;
    }

    interface ConnectOptions {
      keyPair?: KeyPair;
      /** A blind relay's public key: the connection is relayed while punching goes on. */
      relayThrough?: Buffer | null;
    }

    interface Options {
      /** `host:port` strings; [] makes a node the first of a new network. */
      bootstrap?: string[];
      keyPair?: KeyPair;
      /** A port, or a range [start, end) tried in order; [0, 1] means any free port. */
      port?: number | [number, number];
      host?: string;
      anyPort?: boolean;
      /** false: join routing tables at once (public, always-on nodes). */
      ephemeral?: boolean;
      firewalled?: boolean;
    }
  }

  class HyperDHT extends EventEmitter {
    constructor(options?: HyperDHT.Options);
    static keyPair(seed?: Buffer): HyperDHT.KeyPair;
    static bootstrapper(port: number, host: string, options?: HyperDHT.Options): HyperDHT;
    readonly bootstrapped: boolean;
    readonly destroyed: boolean;
    /** Our address as other nodes see it; null until one has answered. */
    readonly host: string | null;
    /** 0 when the NAT gives every destination another port. */
    readonly port: number;
    /** Our NAT maps each destination to another port: hole punching needs help. */
    readonly randomized: boolean;
    readonly firewalled: boolean;
    address(): { host: string; port: number };
    fullyBootstrapped(): Promise<void>;
    createServer(options?: HyperDHT.ServerOptions, onconnection?: (stream: HyperDHT.SecretStream) => void): HyperDHT.Server;
    connect(remotePublicKey: Buffer, options?: HyperDHT.ConnectOptions): HyperDHT.SecretStream;
    createRawStream(options?: { framed?: boolean }): unknown;
    destroy(options?: { force?: boolean }): Promise<void>;
  }

  export = HyperDHT;
}

declare module 'hyperdht/testnet.js' {
  import type HyperDHT from 'hyperdht';

  /** A small DHT network on one machine, for tests. */
  interface Testnet {
    nodes: HyperDHT[];
    bootstrap: Array<{ host: string; port: number }>;
    destroy(): Promise<void>;
  }

  function createTestnet(size?: number, options?: { host?: string; port?: number | [number, number] }): Promise<Testnet>;
  export = createTestnet;
}
