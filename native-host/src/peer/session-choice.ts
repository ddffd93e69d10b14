import type { PeerPath } from './peer-link.js';
import { compareBytes } from './peer-address.js';

/** Better paths first: a direct TCP connection, then a punched UDP stream, then a relay. */
export const PATH_RANK: Readonly<Record<PeerPath, number>> = { tcp: 3, holepunch: 2, relay: 1 };

/** What both hosts know alike about an open connection. */
export interface SessionCandidate {
  path: PeerPath;
  /** Static key of the host that dialled it. */
  initiatorKey: Uint8Array;
}

/**
 * Which of two open connections to one friend both hosts keep, decided the
 * same way on both sides without a message:
 * 1. the better path (a direct connection replaces a relayed one: that is
 *    how a relayed session moves to a punched or TCP path);
 * 2. on the same path, a newer connection from the same dialler replaces
 *    the older (the dialler restarted, or lost the old one);
 * 3. otherwise the connection dialled by the host with the smaller static
 *    key (both dialled at once).
 */
export function keepIncoming(existing: SessionCandidate, incoming: SessionCandidate): boolean {
  const rank = PATH_RANK[incoming.path] - PATH_RANK[existing.path];
  if (rank !== 0) return rank > 0;
  const order = compareBytes(existing.initiatorKey, incoming.initiatorKey);
  return order === 0 || order > 0;
}
