import type { PeerMessage } from '../peer/peer-protocol.js';

export type { PeerEvents } from '../peer/peer-protocol.js';

/** How the messenger reaches friends' hosts. peer/ implements it over Noise sessions. */
export interface PeerTransport {
  /** Live, authenticated sessions. */
  sessionCount(): number;
  isConnected(username: string): boolean;
  /** Sends on the friend's live session; false when there is none. */
  send(username: string, message: PeerMessage): boolean;
  /** Dials the friend at these addresses unless a session exists or is being set up. */
  connect(username: string, addresses: string[]): void;
  /** Closes the friend's session (removed, or their keys changed). */
  disconnect(username: string): void;
  close(): Promise<void>;
}
