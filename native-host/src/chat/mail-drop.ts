import { randomUUID } from 'node:crypto';
import type { MailBlock } from '../../../shared/contract.js';
import { sealEnvelope } from '../crypto/envelope.js';
import { padJsonPayload } from '../crypto/envelope-padding.js';
import { fromBase64, toBase64, type IdentityKeys } from '../crypto/identity.js';
import type { Directory, SignedPrekey } from '../directory/directory.js';
import { introSubject, solveWork } from '../directory/proof-of-work.js';
import { verifyPrekey } from '../directory/records.js';
import { envelopeBytes } from '../directory/validation.js';
import { errors, isParleyError, type ErrorCode } from '../errors.js';
import type { Logger } from '../logger.js';
import type { FriendRow, FriendsRepo } from '../store/friends-repo.js';
import type { OutboxItem } from '../store/outbox-repo.js';
import type { ReceiptsRepo } from '../store/receipts-repo.js';
import { GRANT_KIND, type Capabilities } from './capabilities.js';
import type { MailBlocks } from './mail-blocks.js';
import { frameOf, type MailboxDrop } from './outbox-item.js';
import type { Registration } from './registration.js';

const encoder = new TextEncoder();

/** Refusals a user can act on or wait out: shown on the contact until a put goes through. */
const SHOWN: ReadonlySet<ErrorCode> = new Set(['CAPABILITY_REQUIRED', 'RATE_LIMITED', 'QUOTA_EXCEEDED', 'DIRECTORY_LIMIT', 'PROOF_REQUIRED']);

/**
 * Sealing into friends' mailboxes. Mail needs the drop capability the friend
 * gave us; before they gave one, only our grant can go, through their
 * introduction queue (with a proof of work), and chat messages wait, with
 * the reason on the contact. A friend whose name predates capabilities may
 * still take mail without one.
 */
export class MailDrop implements MailboxDrop {
  private readonly mailingReceipts = new Set<string>();

  constructor(
    private readonly deps: {
      directory: Pick<Directory, 'lookup' | 'mailboxPut' | 'introPut' | 'policy'>;
      friends: Pick<FriendsRepo, 'get'>;
      receipts: Pick<ReceiptsRepo, 'forPeer' | 'remove'>;
      registration: Pick<Registration, 'username'>;
      capabilities: Pick<Capabilities, 'dropFor'>;
      blocks: MailBlocks;
      /** Our current X25519 pair (it changes when the keys rotate). */
      identity: () => Pick<IdentityKeys, 'publicKey' | 'privateKey'>;
      prekeyMaxAgeMs: () => number;
      log: Logger;
    },
  ) {}

  /** MailboxDrop: seals each item's frame for the friend's newest valid prekey, in order. */
  async deposit(peer: string, items: readonly OutboxItem[]): Promise<string[]> {
    const stored: string[] = [];
    const target = await this.target(peer).catch((err: unknown) => this.failed(peer, err));
    if (!target) return stored;
    const capability = this.deps.capabilities.dropFor(peer);
    // Once the mailbox refused mail without a capability, only grants (introductions) go on;
    // skipping the rest keeps the messages in their order.
    let closed = false;
    try {
      for (const item of items) {
        const grant = item.kind === GRANT_KIND;
        if (closed && !grant) continue;
        const envelope = this.seal(target, frameOf(item), item.id);
        if (!envelope) continue;
        if ((await this.put(peer, envelope, capability, grant)) === 'refused') closed = true;
        else stored.push(item.id);
      }
    } catch (err) {
      this.failed(peer, err);
    }
    return stored;
  }

  /**
   * Mails the delivery receipts we owe `peer` while no session carries them
   * (a friend online but unreachable would otherwise see their messages
   * `stored` for ever): one sealed receipt frame, with their drop capability.
   */
  async mailReceipts(peer: string): Promise<void> {
    const capability = this.deps.capabilities.dropFor(peer);
    const ids = this.deps.receipts.forPeer(peer);
    if (!capability || ids.length === 0 || this.mailingReceipts.has(peer)) return;
    this.mailingReceipts.add(peer);
    try {
      const target = await this.target(peer);
      const envelope = target && this.seal(target, { type: 'receipt', ids }, randomUUID());
      if (!envelope) return;
      await this.deps.directory.mailboxPut(peer, envelope, capability);
      this.deps.receipts.remove(peer, ids);
    } catch (err) {
      this.failed(peer, err);
    } finally {
      this.mailingReceipts.delete(peer);
    }
  }

  private async put(peer: string, envelope: string, capability: string | null, grant: boolean): Promise<'stored' | 'refused'> {
    const { directory, blocks } = this.deps;
    if (capability) {
      await directory.mailboxPut(peer, envelope, capability);
    } else if (grant) {
      await this.introduce(peer, envelope);
      return 'stored';
    } else if (blocks.get(peer)?.code === 'CAPABILITY_REQUIRED') {
      // Known closed: asked again once their grant arrives (which clears this).
      return 'refused';
    } else {
      try {
        await directory.mailboxPut(peer, envelope, null);
      } catch (err) {
        if (!isParleyError(err, 'CAPABILITY_REQUIRED')) throw err;
        blocks.set(peer, { code: 'CAPABILITY_REQUIRED', reason: `Waiting for ${peer} to add you back: until then messages go only while you are both online` });
        return 'refused';
      }
    }
    blocks.clear(peer);
    return 'stored';
  }

  /** First contact: the recipient's introduction queue, paid with a proof of work at the directory's difficulty. */
  private async introduce(peer: string, envelope: string): Promise<void> {
    const policy = await this.deps.directory.policy();
    if (envelopeBytes(envelope) > policy.introMaxBytes) throw errors.directoryLimit('Introduction larger than the directory takes');
    const work = await solveWork('intro', introSubject(peer, envelope), policy.powIntroBits);
    await this.deps.directory.introPut(peer, envelope, work);
  }

  private async target(peer: string): Promise<{ self: string; friend: FriendRow; prekey: SignedPrekey } | null> {
    const self = this.deps.registration.username();
    const friend = this.deps.friends.get(peer);
    if (!self || !friend) return null;
    const prekey = await this.currentPrekey(friend);
    return prekey ? { self, friend, prekey } : null;
  }

  /** The friend's newest prekey that is signed by the pinned key and young enough; none if the directory shows other keys. */
  private async currentPrekey(friend: FriendRow): Promise<SignedPrekey | undefined> {
    const [entry] = await this.deps.directory.lookup([friend.username]);
    if (!entry || entry.publicKey !== friend.public_key || entry.signingKey !== friend.signing_key) return undefined;
    const maxAge = this.deps.prekeyMaxAgeMs();
    return entry.prekeys.find((p) => verifyPrekey(friend.username, friend.signing_key, p) && Date.now() - Date.parse(p.createdAt) < maxAge);
  }

  private seal(target: { self: string; friend: FriendRow; prekey: SignedPrekey }, frame: object, id: string): string | null {
    const { self, friend, prekey } = target;
    try {
      return toBase64(
        sealEnvelope({
          sender: { username: self, identity: this.deps.identity() },
          recipient: { username: friend.username, identityKey: fromBase64(friend.public_key), prekey: { id: prekey.id, publicKey: fromBase64(prekey.publicKey) } },
          id,
          // Padded to a size bucket: the mailbox sees the bucket, not the length of the text.
          payload: padJsonPayload(encoder.encode(JSON.stringify(frame)), self, id),
        }),
      );
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      this.deps.log.info('item too large for the mailbox: it waits for a session', { peer: friend.username, id });
      return null;
    }
  }

  private failed(peer: string, err: unknown): null {
    if (isParleyError(err) && SHOWN.has(err.code)) {
      const block: MailBlock = { code: err.code as MailBlock['code'], reason: reasonFor(peer, err.code, err.message) };
      this.deps.blocks.set(peer, block);
    } else if (!isParleyError(err, 'DIRECTORY_UNREACHABLE')) {
      this.deps.log.warn('mailbox deposit failed', { peer, err });
    }
    return null;
  }
}

function reasonFor(peer: string, code: ErrorCode, message: string): string {
  if (code === 'CAPABILITY_REQUIRED') return `${peer}'s mailbox no longer takes your mail: they may have removed you`;
  if (code === 'RATE_LIMITED') return `The directory asks this network to slow down; messages to ${peer} wait and go on by themselves`;
  if (code === 'QUOTA_EXCEEDED') return `The directory is full; messages to ${peer} wait until it has room`;
  return message;
}
