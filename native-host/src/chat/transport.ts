import type { NetworkStatus, PeerPath } from '../../../shared/contract.js';
import type { BulkSource } from '../peer/bulk-lane.js';
import type { PeerMessage } from '../peer/peer-protocol.js';

export type { PeerEvents } from '../peer/peer-protocol.js';

/** How the messenger reaches friends' hosts. peer/ implements it over Noise sessions. */
export interface PeerTransport {
  /** Live, authenticated sessions. */
  sessionCount(): number;
  isConnected(username: string): boolean;
  /** Sends on the friend's live session; false when there is none. */
  send(username: string, message: PeerMessage): boolean;
  /** Where sessions take file data from; a session asks only while its link has room, so chat frames go first. */
  attachBulk(source: BulkSource): void;
  /** The bulk source has data for this friend now. */
  wakeBulk(username: string): void;
  /** The live session's path, null without one. */
  path(username: string): PeerPath | null;
  /** The DHT node's state and how many relays answer. */
  network(): NetworkStatus;
  /**
   * Reaches the friend unless a session exists or is being set up: TCP to
   * these addresses (from their verified presence record) first, then the
   * DHT key of that record (hole punching, then a relay).
   */
  connect(username: string, addresses: string[]): void;
  /** Closes the friend's session (removed, or their keys changed). */
  disconnect(username: string): void;
  close(): Promise<void>;
}
