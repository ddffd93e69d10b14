import type { Limits } from '../config/limits.js';
import { openEnvelope, sealEnvelope, type OpenedEnvelope } from '../crypto/envelope.js';
import { fromBase64, toBase64, type IdentityKeys } from '../crypto/identity.js';
import type { Directory, SignedPrekey } from '../directory/directory.js';
import { verifyPrekey } from '../directory/records.js';
import { isParleyError } from '../errors.js';
import type { Logger } from '../logger.js';
import { itemFrameSchema, type ItemFrame } from '../peer/peer-protocol.js';
import type { FriendRow, FriendsRepo } from '../store/friends-repo.js';
import type { OutboxItem } from '../store/outbox-repo.js';
import type { ReceiptsRepo } from '../store/receipts-repo.js';
import { idsByPeer, type Arrival, type Incoming } from './incoming.js';
import { MESSAGE_KIND } from './message-item.js';
import { frameOf, type MailboxDrop } from './outbox-item.js';
import type { Prekeys } from './prekeys.js';
import type { Registration } from './registration.js';
import { repeat } from './repeat.js';
import type { PeerTransport } from './transport.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * The offline path through the directory's mailbox: sealing outbox items
 * for friends who are away, and taking, opening, committing and acking our
 * own mail, which we confirm with delivery receipts once a session is up.
 */
export class Mailbox implements MailboxDrop {
  private loop: { stop(): void } | undefined;
  private polling: Promise<void> | undefined;

  constructor(
    private readonly deps: {
      directory: Pick<Directory, 'lookup' | 'mailboxPut' | 'mailboxTake' | 'mailboxAck'>;
      friends: Pick<FriendsRepo, 'get'>;
      receipts: ReceiptsRepo;
      registration: Pick<Registration, 'username' | 'secret'>;
      prekeys: Pick<Prekeys, 'ensure' | 'openingKeys' | 'maxAgeMs'>;
      incoming: Pick<Incoming, 'commit'>;
      transport: Pick<PeerTransport, 'send' | 'connect'>;
      identity: Pick<IdentityKeys, 'publicKey' | 'privateKey'>;
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

  /** MailboxDrop: seals each item's frame for the friend's newest valid prekey. */
  async deposit(peer: string, items: readonly OutboxItem[]): Promise<string[]> {
    const self = this.deps.registration.username();
    const friend = this.deps.friends.get(peer);
    const stored: string[] = [];
    if (!self || !friend) return stored;
    try {
      const prekey = await this.currentPrekey(friend);
      if (!prekey) return stored;
      for (const item of items) {
        const envelope = this.seal(self, friend, prekey, item);
        if (!envelope) continue;
        await this.deps.directory.mailboxPut(peer, toBase64(envelope), null);
        stored.push(item.id);
      }
    } catch (err) {
      if (!isParleyError(err, 'DIRECTORY_UNREACHABLE')) this.deps.log.warn('mailbox deposit failed', { peer, err });
    }
    return stored;
  }

  /** The friend's newest prekey that is signed by the pinned key and young enough; none if the directory shows other keys. */
  private async currentPrekey(friend: FriendRow): Promise<SignedPrekey | undefined> {
    const [entry] = await this.deps.directory.lookup([friend.username]);
    if (!entry || entry.publicKey !== friend.public_key || entry.signingKey !== friend.signing_key) return undefined;
    return entry.prekeys.find(
      (p) => verifyPrekey(friend.username, friend.signing_key, p) && Date.now() - Date.parse(p.createdAt) < this.deps.prekeys.maxAgeMs,
    );
  }

  private seal(self: string, friend: FriendRow, prekey: SignedPrekey, item: OutboxItem): Uint8Array | null {
    try {
      return sealEnvelope({
        sender: { username: self, identity: this.deps.identity },
        recipient: { username: friend.username, identityKey: fromBase64(friend.public_key), prekey: { id: prekey.id, publicKey: fromBase64(prekey.publicKey) } },
        id: item.id,
        payload: encoder.encode(JSON.stringify(frameOf(item))),
      });
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      this.deps.log.info('item too large for the mailbox: it waits for a session', { peer: friend.username, id: item.id });
      return null;
    }
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
        const arrivals = taken.map((item) => this.open(username, item.envelope)).filter((a): a is Arrival => a !== null);
        const committed = this.deps.incoming.commit(arrivals);
        // Ack (delete) only after everything accepted is committed; what does not open or is refused goes too.
        await this.deps.directory.mailboxAck(username, secret, taken.map((i) => i.id));
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

  /** Opens one envelope into the item it carries; null (logged) for mail we must drop. */
  private open(username: string, envelopeB64: string): Arrival | null {
    let opened: OpenedEnvelope;
    try {
      opened = openEnvelope(fromBase64(envelopeB64), {
        username,
        identity: this.deps.identity,
        prekeys: this.deps.prekeys.openingKeys(),
        maxPrekeyAgeMs: this.deps.prekeys.maxAgeMs,
      });
    } catch (err) {
      this.deps.log.warn('dropped mail that does not open', { err });
      return null;
    }
    const friend = this.deps.friends.get(opened.senderUsername);
    if (!friend || friend.public_key !== toBase64(opened.senderIdentityKey)) {
      this.deps.log.warn('dropped mail from a sender who is not a friend with these keys', { from: opened.senderUsername });
      return null;
    }
    const frame = sealedFrame(opened);
    if (!frame) {
      this.deps.log.warn('dropped mail whose frame is malformed', { from: friend.username, id: opened.id });
      return null;
    }
    return { from: friend.username, frame, via: 'offline' };
  }

  /** Sends owed delivery receipts to `peer` if a session is up; else asks for one, and they wait. */
  sendReceipts(peer: string): void {
    const ids = this.deps.receipts.forPeer(peer);
    if (ids.length === 0) return;
    if (this.deps.transport.send(peer, { type: 'receipt', ids })) {
      this.deps.receipts.remove(peer, ids);
      return;
    }
    const friend = this.deps.friends.get(peer);
    if (friend) this.deps.transport.connect(peer, friend.addresses);
  }
}

/**
 * The item an opened envelope carries. Version 2 seals the frame itself,
 * which must name the id the envelope binds; version 1 held a chat
 * message's timestamp and text.
 */
function sealedFrame(opened: OpenedEnvelope): ItemFrame | null {
  const { content, id } = opened;
  if (content.version === 1) return { type: 'item', id, kind: MESSAGE_KIND, body: { timestamp: content.timestamp, text: content.text } };
  try {
    const parsed = itemFrameSchema.safeParse(JSON.parse(decoder.decode(content.payload)));
    return parsed.success && parsed.data.id === id ? parsed.data : null;
  } catch {
    return null;
  }
}
