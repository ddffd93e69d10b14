import { fromBase64, generateX25519, toBase64 } from '../crypto/identity.js';
import { openEnvelope, sealEnvelope } from '../crypto/envelope.js';
import { signPrekey, verifyPrekey } from '../directory/records.js';
import { isParleyError } from '../errors.js';
import type { MessageRow } from '../store/messages-repo.js';
import type { ChatContext } from './context.js';
import type { Incoming } from './incoming.js';
import type { MailboxDrop } from './outgoing.js';
import type { Registration } from './registration.js';
import { repeat } from './repeat.js';

/**
 * The offline path through the directory's mailbox: our signed prekeys
 * (rotated, old private halves kept for a grace period), sealing messages
 * for friends who are away, and taking, opening and acking our own mail.
 */
export class Mailbox implements MailboxDrop {
  private loop: { stop(): void } | undefined;
  private polling: Promise<void> | undefined;

  constructor(
    private readonly ctx: ChatContext,
    private readonly registration: Registration,
    private readonly incoming: Incoming,
  ) {}

  start(): void {
    this.loop = repeat(() => this.maintain(), this.ctx.limits.mailboxPollMs);
  }

  stop(): void {
    this.loop?.stop();
  }

  private async maintain(): Promise<void> {
    try {
      await this.ensurePrekey();
    } catch (err) {
      this.ctx.log.warn('prekey upkeep failed', { err });
    }
    await this.poll();
  }

  /** Creates and publishes a prekey when there is none or the newest is due for rotation. */
  async ensurePrekey(): Promise<void> {
    const username = this.ctx.username();
    if (!username) return;
    const prekeys = this.ctx.store.prekeys;
    let newest = prekeys.newest();
    if (!newest || Date.now() - Date.parse(newest.created_at) > this.ctx.limits.prekeyRotateMs) {
      const pair = generateX25519();
      const signed = signPrekey(
        username,
        { id: (newest?.id ?? 0) + 1, publicKey: toBase64(pair.publicKey), createdAt: new Date().toISOString() },
        this.ctx.identity.signingPrivateKey,
      );
      prekeys.insert({
        id: signed.id,
        public_key: signed.publicKey,
        private_key: toBase64(pair.privateKey),
        created_at: signed.createdAt,
        signature: signed.signature,
      });
      newest = prekeys.newest()!;
    }
    if (!newest.published) {
      await this.ctx.directory.publishPrekey(username, this.registration.secret(), {
        id: newest.id,
        publicKey: newest.public_key,
        createdAt: newest.created_at,
        signature: newest.signature,
      });
      prekeys.markPublished(newest.id);
    }
    const { prekeyRotateMs, prekeyGraceMs } = this.ctx.limits;
    prekeys.prune(new Date(Date.now() - prekeyRotateMs - prekeyGraceMs).toISOString());
  }

  /** MailboxDrop: seal for the friend's newest valid prekey and store it. */
  async deposit(row: MessageRow): Promise<boolean> {
    const self = this.ctx.username();
    const friend = this.ctx.store.friends.get(row.peer);
    if (!self || !friend) return false;
    try {
      const [entry] = await this.ctx.directory.lookup([row.peer]);
      if (!entry || entry.publicKey !== friend.public_key || entry.signingKey !== friend.signing_key) return false;
      const maxAge = this.ctx.limits.prekeyRotateMs + this.ctx.limits.prekeyGraceMs;
      const prekey = entry.prekeys.find(
        (p) => verifyPrekey(row.peer, friend.signing_key, p) && Date.now() - Date.parse(p.createdAt) < maxAge,
      );
      if (!prekey) return false;
      const envelope = sealEnvelope({
        sender: { username: self, identity: { publicKey: this.ctx.identity.publicKey, privateKey: this.ctx.identity.privateKey } },
        recipient: { username: row.peer, identityKey: fromBase64(friend.public_key), prekey: { id: prekey.id, publicKey: fromBase64(prekey.publicKey) } },
        msgId: row.msg_id,
        timestamp: row.timestamp,
        text: row.text,
      });
      await this.ctx.directory.mailboxPut(row.peer, toBase64(envelope));
      return true;
    } catch (err) {
      if (!isParleyError(err, 'DIRECTORY_UNREACHABLE')) this.ctx.log.warn('mailbox deposit failed', { peer: row.peer, err });
      return false;
    }
  }

  /** Takes our mail until the mailbox is empty; concurrent callers share one run. */
  poll(): Promise<void> {
    this.polling ??= this.drain().finally(() => (this.polling = undefined));
    return this.polling;
  }

  private async drain(): Promise<void> {
    const username = this.ctx.username();
    if (!username) return;
    const secret = this.registration.secret();
    try {
      for (let round = 0; round < 100; round++) {
        const items = await this.ctx.directory.mailboxTake(username, secret, this.ctx.limits.mailboxTakeBatch);
        if (items.length === 0) return;
        const owed = new Map<string, string[]>();
        for (const item of items) {
          const accepted = this.openOne(username, item.envelope);
          if (accepted) owed.set(accepted.from, [...(owed.get(accepted.from) ?? []), accepted.msgId]);
        }
        // Ack (delete) only after every accepted message is committed.
        await this.ctx.directory.mailboxAck(username, secret, items.map((i) => i.id));
        for (const [peer, msgIds] of owed) {
          for (const msgId of msgIds) this.ctx.store.receipts.add(peer, msgId);
          this.sendReceipts(peer);
        }
        if (items.length < this.ctx.limits.mailboxTakeBatch) return;
      }
    } catch (err) {
      if (!isParleyError(err, 'DIRECTORY_UNREACHABLE')) this.ctx.log.warn('mailbox poll failed', { err });
    }
  }

  /** Opens one envelope; returns the sender and msg_id when it was committed (now or before). */
  private openOne(username: string, envelopeB64: string): { from: string; msgId: string } | null {
    try {
      const opened = openEnvelope(fromBase64(envelopeB64), {
        username,
        identity: { publicKey: this.ctx.identity.publicKey, privateKey: this.ctx.identity.privateKey },
        prekeys: this.ctx.store.prekeys.all().map((p) => ({
          id: p.id,
          keyPair: { publicKey: fromBase64(p.public_key), privateKey: fromBase64(p.private_key) },
          createdAt: p.created_at,
        })),
        maxPrekeyAgeMs: this.ctx.limits.prekeyRotateMs + this.ctx.limits.prekeyGraceMs,
      });
      const friend = this.ctx.store.friends.get(opened.senderUsername);
      if (!friend || friend.public_key !== toBase64(opened.senderIdentityKey)) {
        this.ctx.log.warn('dropped mail from a sender who is not a friend with these keys', { from: opened.senderUsername });
        return null;
      }
      const message = { msg_id: opened.msgId, timestamp: opened.timestamp, text: opened.text };
      if (!this.incoming.accept(friend.username, message, 'offline')) return null;
      return { from: friend.username, msgId: opened.msgId };
    } catch (err) {
      this.ctx.log.warn('dropped mail that does not open', { err });
      return null;
    }
  }

  /** Sends owed delivery receipts to `peer` if a session is up; else they wait for one. */
  sendReceipts(peer: string): void {
    const msgIds = this.ctx.store.receipts.forPeer(peer);
    if (msgIds.length === 0) return;
    if (this.ctx.transport.send(peer, { type: 'receipt', msg_ids: msgIds })) {
      this.ctx.store.receipts.remove(peer, msgIds);
      return;
    }
    const friend = this.ctx.store.friends.get(peer);
    if (friend) this.ctx.transport.connect(peer, JSON.parse(friend.addresses) as string[]);
  }
}
