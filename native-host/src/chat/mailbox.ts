import type { Limits } from '../config/limits.js';
import { openEnvelope, type OpenedEnvelope } from '../crypto/envelope.js';
import { fromBase64, toBase64, type IdentityKeys } from '../crypto/identity.js';
import type { Directory } from '../directory/directory.js';
import { isParleyError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ItemFrame } from '../peer/peer-protocol.js';
import type { FriendsRepo } from '../store/friends-repo.js';
import type { ReceiptsRepo } from '../store/receipts-repo.js';
import { GRANT_KIND } from './capabilities.js';
import { idsByPeer, type Arrival, type Incoming } from './incoming.js';
import type { MailDrop } from './mail-drop.js';
import type { Prekeys } from './prekeys.js';
import type { Registration } from './registration.js';
import { repeat } from './repeat.js';
import { sealedContent } from './sealed-frame.js';
import type { PeerTransport } from './transport.js';
import { defined } from '../../../shared/defined.js';

/** One envelope, opened: an item or receipts from a friend, or mail from a friend's name under other keys. */
type Opened =
  | { kind: 'item'; arrival: Arrival }
  | { kind: 'receipt'; from: string; ids: string[] }
  | { kind: 'other-keys'; from: string }
  | null;

/**
 * Our own mail: taking, opening, committing and acking it, then confirming
 * it to the senders with delivery receipts, on a session or, without one,
 * through their mailbox (mail-drop.ts seals ours into friends' mailboxes).
 * Introductions from people who are not friends are kept for the user.
 */
export class Mailbox {
  private loop: { stop(): void } | undefined;
  private polling: Promise<void> | undefined;

  constructor(
    private readonly deps: {
      directory: Pick<Directory, 'mailboxTake' | 'mailboxAck'>;
      friends: Pick<FriendsRepo, 'get'>;
      receipts: ReceiptsRepo;
      registration: Pick<Registration, 'username' | 'secret'>;
      prekeys: Pick<Prekeys, 'ensure' | 'openingKeys' | 'maxAgeMs'>;
      incoming: Pick<Incoming, 'commit'>;
      transport: Pick<PeerTransport, 'send' | 'connect'>;
      drop: Pick<MailDrop, 'mailReceipts'>;
      /** Our X25519 pairs that may open mail: the current one first, then recently rotated ones. */
      identities: () => Array<Pick<IdentityKeys, 'publicKey' | 'privateKey'>>;
      /** Receipts a friend mailed us for items we sent. */
      onReceipt: (from: string, ids: string[]) => void;
      /** A grant from someone who is not a friend (yet). */
      onIntroduction: (username: string, publicKey: string, frame: ItemFrame) => void;
      /** Asks the directory again about friends whose mail came under other keys (they may have rotated them). */
      recheck: (usernames: string[]) => Promise<void>;
      limits: Pick<Limits, 'mailboxPollMs' | 'mailboxTakeBatch'>;
      log: Logger;
    },
  ) {}

  start(): void {
    this.loop = repeat(() => this.maintain(), this.deps.limits.mailboxPollMs);
  }

  stop(): void {
    this.loop?.stop();
  }

  private async maintain(): Promise<void> {
    try {
      await this.deps.prekeys.ensure();
    } catch (err) {
      this.deps.log.warn('prekey upkeep failed', { err });
    }
    await this.poll();
  }

  /** Takes our mail until the mailbox is empty; concurrent callers share one run. */
  poll(): Promise<void> {
    this.polling ??= this.drain().finally(() => (this.polling = undefined));
    return this.polling;
  }

  private async drain(): Promise<void> {
    const username = this.deps.registration.username();
    if (!username) return;
    const secret = this.deps.registration.secret();
    const { mailboxTakeBatch } = this.deps.limits;
    try {
      for (let round = 0; round < 100; round++) {
        const taken = await this.deps.directory.mailboxTake(username, secret, mailboxTakeBatch);
        if (taken.length === 0) return;
        let opened = taken.map((item) => this.open(username, item.envelope, false));
        const rechecked = [...new Set(opened.flatMap((o) => (o?.kind === 'other-keys' ? [o.from] : [])))];
        if (rechecked.length > 0) {
          await this.deps.recheck(rechecked);
          opened = opened.map((o, i) => (o?.kind === 'other-keys' ? this.open(username, defined(taken[i]).envelope, true) : o));
        }
        const arrivals = opened.flatMap((o) => (o?.kind === 'item' ? [o.arrival] : []));
        const committed = this.deps.incoming.commit(arrivals);
        // Ack (delete) only after everything accepted is committed; what does not open or is refused goes too.
        await this.deps.directory.mailboxAck(username, secret, taken.map((i) => i.id));
        for (const o of opened) if (o?.kind === 'receipt') this.deps.onReceipt(o.from, o.ids);
        for (const [peer, ids] of idsByPeer(arrivals, committed)) {
          this.deps.receipts.add(peer, ids);
          this.sendReceipts(peer);
        }
        if (taken.length < mailboxTakeBatch) return;
      }
    } catch (err) {
      if (!isParleyError(err, 'DIRECTORY_UNREACHABLE')) this.deps.log.warn('mailbox poll failed', { err });
    }
  }

  /** Opens one envelope; null (logged) for mail we must drop. `final`: a friend's name under other keys is dropped too. */
  private open(username: string, envelopeB64: string, final: boolean): Opened {
    const opened = this.unseal(username, envelopeB64);
    if (!opened) return null;
    const content = sealedContent(opened);
    const from = opened.senderUsername;
    if (!content) {
      this.deps.log.warn('dropped mail whose frame is malformed', { from, id: opened.id });
      return null;
    }
    const senderKey = toBase64(opened.senderIdentityKey);
    const friend = this.deps.friends.get(from);
    if (!friend) {
      if (content.type === 'item' && content.frame.kind === GRANT_KIND) this.deps.onIntroduction(from, senderKey, content.frame);
      else this.deps.log.warn('dropped mail from someone who is not a friend', { from });
      return null;
    }
    if (friend.public_key !== senderKey) {
      if (!final) return { kind: 'other-keys', from };
      this.deps.log.warn('dropped mail from a friend\'s name under keys other than theirs', { from });
      return null;
    }
    return content.type === 'item' ? { kind: 'item', arrival: { from, frame: content.frame, via: 'offline' } } : { kind: 'receipt', from, ids: content.ids };
  }

  /** Tries each of our identities (a rotation leaves mail sealed for the previous one for a while). */
  private unseal(username: string, envelopeB64: string): OpenedEnvelope | null {
    let bytes: Uint8Array;
    try {
      bytes = fromBase64(envelopeB64);
    } catch {
      this.deps.log.warn('dropped mail that is not base64');
      return null;
    }
    let last: unknown;
    for (const identity of this.deps.identities()) {
      try {
        return openEnvelope(bytes, { username, identity, prekeys: this.deps.prekeys.openingKeys(), maxPrekeyAgeMs: this.deps.prekeys.maxAgeMs });
      } catch (err) {
        last = err;
      }
    }
    this.deps.log.warn('dropped mail that does not open', { err: last });
    return null;
  }

  /** Sends owed delivery receipts to `peer` on a session; without one, through their mailbox, and asks for a session. */
  sendReceipts(peer: string): void {
    const ids = this.deps.receipts.forPeer(peer);
    if (ids.length === 0) return;
    if (this.deps.transport.send(peer, { type: 'receipt', ids })) {
      this.deps.receipts.remove(peer, ids);
      return;
    }
    void this.deps.drop.mailReceipts(peer);
    const friend = this.deps.friends.get(peer);
    if (friend) this.deps.transport.connect(peer, friend.addresses);
  }
}
