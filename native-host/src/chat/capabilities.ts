import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { CAPABILITY_PATTERN, capabilityHash, newCapability } from '../directory/capability.js';
import type { Directory } from '../directory/directory.js';
import { isParleyError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Grant, GrantsRepo } from '../store/grants-repo.js';
import type { MetaRepo } from '../store/meta-repo.js';
import type { OutboxRepo } from '../store/outbox-repo.js';
import type { Outbox } from './outbox.js';
import type { Registration } from './registration.js';

/** The item kind that carries a pair of capabilities to a friend. */
export const GRANT_KIND = 'grant';

const capability = z.string().regex(CAPABILITY_PATTERN);
export const grantBodySchema = z.object({ drop: capability, presence: capability, serial: z.number().int().positive() });

/**
 * The capabilities between us and each friend (docs/protocol.md,
 * "Capabilities"). We give every friend a drop and a presence capability of
 * our own, register only their hashes with the directory, and keep which
 * went to whom, so removing a friend revokes exactly theirs. Grants travel
 * as outbox items (live, sealed in the friend's mailbox, or, before the
 * friend gave us any, through their introduction queue) and are offered
 * again on every new session until one is confirmed.
 */
export class Capabilities {
  private syncing: Promise<void> | undefined;

  constructor(
    private readonly deps: {
      grants: GrantsRepo;
      outbox: Pick<Outbox, 'add' | 'drain'>;
      outboxItems: Pick<OutboxRepo, 'hasPending' | 'dropKind'>;
      transaction: <T>(fn: () => T) => T;
      directory: Pick<Directory, 'grant' | 'revoke' | 'endLegacy'>;
      registration: Pick<Registration, 'username' | 'secret'>;
      meta: MetaRepo;
      log: Logger;
    },
  ) {}

  /** Offers `peer` our capabilities (made on first use), unless an offer to them is still unconfirmed. */
  offer(peer: string): void {
    const { grants, outbox, outboxItems } = this.deps;
    const item = this.deps.transaction(() => {
      let given: Grant | undefined = grants.given(peer);
      if (!given) {
        given = { drop: newCapability(), presence: newCapability(), serial: Date.now() };
        grants.give(peer, given);
      }
      if (outboxItems.hasPending(peer, GRANT_KIND)) return null;
      return outbox.add({ id: randomUUID(), peer, kind: GRANT_KIND, body: { drop: given.drop, presence: given.presence, serial: given.serial } });
    });
    void this.sync();
    if (item) outbox.drain(peer, [item]);
  }

  /** `peer` is no longer a friend: what we gave them is revoked (now, or once the directory answers); what they gave us is forgotten. */
  forget(peer: string): void {
    const { grants } = this.deps;
    this.deps.transaction(() => {
      grants.revokeLater(grants.ungive(peer).map(capabilityHash));
      grants.unreceive(peer);
      // An offer not yet confirmed carries what was just revoked.
      this.deps.outboxItems.dropKind(peer, GRANT_KIND);
    });
    void this.sync();
  }

  /** A friend's grant arrived; kept unless a newer one is held. */
  received(peer: string, grant: Grant): boolean {
    return this.deps.grants.receive(peer, grant);
  }

  /** The friend's drop capability, null before they gave us one. */
  dropFor(peer: string): string | null {
    return this.deps.grants.received(peer)?.drop ?? null;
  }

  /** Presence capabilities we hold, by friend, for a lookup. */
  presenceFor(peers: readonly string[]): Record<string, string> {
    const held: Record<string, string> = {};
    for (const peer of peers) {
      const grant = this.deps.grants.received(peer);
      if (grant) held[peer] = grant.presence;
    }
    return held;
  }

  /**
   * Registers new grants and sends owed revocations; once every friend has
   * granted us theirs (so all their hosts know capabilities), ends the open
   * mailbox and presence a name from before capabilities still has.
   * Concurrent callers share one run; failures wait for the next.
   */
  sync(): Promise<void> {
    this.syncing ??= this.run().finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  private async run(): Promise<void> {
    const { grants, directory, registration, meta } = this.deps;
    const username = registration.username();
    if (!username) return;
    const secret = registration.secret();
    try {
      const fresh = grants.unregistered();
      if (fresh.length > 0) {
        await directory.grant(
          username,
          secret,
          fresh.flatMap((g) => [
            { kind: 'drop' as const, hash: capabilityHash(g.drop) },
            { kind: 'presence' as const, hash: capabilityHash(g.presence) },
          ]),
        );
        for (const g of fresh) grants.markRegistered(g.peer, g.serial);
      }
      const owed = grants.revocations();
      if (owed.length > 0) {
        await directory.revoke(username, secret, owed);
        grants.revoked(owed);
      }
      if (!meta.get('legacy_ended') && grants.receivedFromEveryFriend()) {
        await directory.endLegacy(username, secret);
        meta.set('legacy_ended', new Date().toISOString());
      }
    } catch (err) {
      if (!isParleyError(err, 'DIRECTORY_UNREACHABLE')) this.deps.log.warn('capability upkeep with the directory failed', { err });
    }
  }
}
