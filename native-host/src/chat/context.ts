import type { Limits } from '../config/limits.js';
import type { IdentityKeys } from '../crypto/identity.js';
import type { Directory } from '../directory/directory.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import type { EventBus } from './event-bus.js';
import type { PeerTransport } from './transport.js';

/** What every part of the messenger shares. */
export interface ChatContext {
  store: Store;
  bus: EventBus;
  transport: PeerTransport;
  directory: Directory;
  identity: IdentityKeys;
  identityB64: { publicKey: string; signingKey: string };
  limits: Limits;
  presenceTimeoutMs: number;
  heartbeatMs: number;
  log: Logger;
  /** This profile's username; null until set up. */
  username(): string | null;
}
