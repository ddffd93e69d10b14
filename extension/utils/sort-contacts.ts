import type { Contact, Message } from '../../shared/contract.js';

/**
 * Contact list order: online first, then the most recent conversation,
 * then name.
 */
export function sortContacts(contacts: readonly Contact[], last: Readonly<Record<string, Message | undefined>>): Contact[] {
  const time = (c: Contact) => {
    const m = last[c.username];
    return m ? Date.parse(m.timestamp) : -Infinity;
  };
  return [...contacts].sort((a, b) => {
    if (a.online !== b.online) return a.online ? -1 : 1;
    const ta = time(a);
    const tb = time(b);
    if (ta !== tb) return tb - ta;
    return a.username.localeCompare(b.username);
  });
}

/** Case-insensitive substring match on the username; empty query keeps all. */
export function filterContacts(contacts: readonly Contact[], query: string): Contact[] {
  const q = query.trim().toLowerCase();
  if (!q) return [...contacts];
  return contacts.filter((c) => c.username.includes(q));
}
