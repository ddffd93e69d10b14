import type { PeerPath } from '../../../shared/contract.js';

export type { PeerPath };

/** What a link reports to the connection that owns it. */
export interface LinkEvents {
  data(chunk: Uint8Array): void;
  /** The link is gone: closed by either side, or failed. */
  close(): void;
  /** The link now reaches the peer another way (a relayed stream went direct). */
  path(path: PeerPath): void;
  /** The link's write buffer emptied after a write returned false. */
  drain(): void;
}

/**
 * A byte stream to a peer, whatever carries it: a TCP socket or a HyperDHT
 * stream (hole punched or relayed). The Noise session runs over any of them
 * unchanged; framing, pinning, acks and receipts never see the difference.
 */
export interface PeerLink {
  readonly transport: 'tcp' | 'dht';
  /** Where the bytes go, for logs. */
  readonly remote: string;
  /**
   * The path as this side can tell. An inbound DHT link cannot tell a relay
   * from a direct stream; the dialler says which (a `path` frame).
   */
  readonly path: PeerPath;
  /** Called once, at once: events start flowing afterwards. */
  attach(events: LinkEvents): void;
  /** Queues bytes; false when the link now buffers more than its high-water mark (then wait for `drain`). */
  write(bytes: Uint8Array): boolean;
  /** Holds writes until uncork(), so frames written together leave together. */
  cork(): void;
  uncork(): void;
  destroy(): void;
}
