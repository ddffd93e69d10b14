import type { Contact, Introduction } from '../../../shared/contract.js';
import type { FriendsRepo } from '../store/friends-repo.js';
import type { ReceiptsRepo } from '../store/receipts-repo.js';
import type { Capabilities } from './capabilities.js';
import type { Contacts } from './contacts.js';
import type { Introductions } from './introductions.js';

/**
 * Becoming and ending friends, beyond the contact itself: the capabilities
 * given and received, and introductions from people who added us first.
 */
export class Friendships {
  constructor(
    private readonly deps: {
      contacts: Pick<Contacts, 'add' | 'remove' | 'require' | 'toContact'>;
      friends: Pick<FriendsRepo, 'get'>;
      capabilities: Pick<Capabilities, 'offer' | 'forget' | 'received'>;
      introductions: Introductions;
      receipts: Pick<ReceiptsRepo, 'add'>;
      /** A directory round now: presence with the capabilities just received, keys just rotated. */
      refresh: () => Promise<void>;
    },
  ) {}

  /**
   * Adds a friend (pinning their keys), applies the capabilities they sent
   * if they introduced themselves first, and offers them ours.
   */
  async add(username: string): Promise<Contact> {
    const { contacts, capabilities, introductions } = this.deps;
    const contact = await contacts.add(username);
    const introduced = introductions.accept(username, contact.public_key);
    if (introduced) {
      capabilities.received(username, introduced.grant);
      // Their grant item is committed now: confirmed like any mail we took.
      this.deps.receipts.add(username, [introduced.itemId]);
    }
    capabilities.offer(username);
    // With their presence capability the directory shows where to reach them.
    void this.deps.refresh();
    return introduced ? contacts.toContact(contacts.require(username)) : contact;
  }

  remove(username: string): void {
    this.deps.contacts.remove(username);
    this.deps.capabilities.forget(username);
  }

  pending(): Introduction[] {
    return this.deps.introductions.list();
  }

  dismiss(username: string): void {
    this.deps.introductions.dismiss(username);
  }

}
