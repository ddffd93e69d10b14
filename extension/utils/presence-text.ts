import type { Contact, PeerPath } from '../../shared/contract.js';
import { formatLastSeen } from './format-time.js';

type Presence = Pick<Contact, 'online' | 'last_seen'> & { path?: PeerPath | null };

/**
 * The presence line of a contact. "online" only when their device can be
 * reached right now; online by presence without a connection says so
 * plainly. A host too old to report a path (no `path` field) keeps the
 * plain "online".
 */
export function presenceText(contact: Presence, now = Date.now()): string {
  if (!contact.online) return formatLastSeen(contact.last_seen, now);
  return contact.path === null ? 'online, not reachable' : 'online';
}

/** True when the contact is online by presence but no connection reaches them. */
export function isUnreachable(contact: Presence): boolean {
  return contact.online && contact.path === null;
}

export interface PathDescription {
  title: string;
  detail: string;
}

/** How messages reach the friend right now, for the details panel. */
export function describePath(contact: Presence): PathDescription {
  switch (contact.path) {
    case 'tcp':
      return { title: 'Direct connection', detail: 'Straight to their device: the same network, or an address that accepts connections.' };
    case 'holepunch':
      return { title: 'Direct connection through NAT', detail: 'Your devices connected directly through both routers.' };
    case 'relay':
      return {
        title: 'Through a relay',
        detail: 'A relay passes the encrypted data between you. It cannot read it; a direct connection is tried again from time to time.',
      };
    default:
      return contact.online
        ? {
            title: 'Mailbox only',
            detail: 'They are online, but their network or yours lets no connection through right now. Messages go through the encrypted mailbox and still arrive within seconds; typing and read receipts wait for a connection.',
          }
        : { title: 'Mailbox only', detail: 'Messages wait in the encrypted mailbox until they are back.' };
  }
}
