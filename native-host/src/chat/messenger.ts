import type {
  Attachment,
  ClientEventMap,
  Contact,
  Introduction,
  Message,
  MessagesResponse,
  SendResult,
  SetupResponse,
  StatusResponse,
  VerifyResponse,
} from '../../../shared/contract.js';
import type { Limits } from '../config/limits.js';
import type { Directory } from '../directory/directory.js';
import { errors } from '../errors.js';
import type { Logger } from '../logger.js';
import type { PeerFrame } from '../peer/peer-protocol.js';
import type { AttachmentFiles } from '../store/attachment-files.js';
import type { IdentityFile, IdentityState } from '../store/identity-file.js';
import type { Store } from '../store/store.js';
import { Attachments, type AttachmentDownload } from './attachments/attachments.js';
import type { UploadInput } from './attachments/uploads.js';
import { Capabilities } from './capabilities.js';
import { Contacts } from './contacts.js';
import { DeliveryStatus } from './delivery-status.js';
import { DirectorySync } from './directory-sync.js';
import { Friendships } from './friendships.js';
import type { EventBus } from './event-bus.js';
import { grantItem } from './grant-item.js';
import { GroupCommit } from './group-commit.js';
import { History, type HistoryQuery } from './history.js';
import { Incoming } from './incoming.js';
import { Introductions } from './introductions.js';
import { ItemKinds } from './item-kinds.js';
import { KeyRotator } from './key-rotator.js';
import { MailBlocks } from './mail-blocks.js';
import { MailDrop } from './mail-drop.js';
import { Mailbox } from './mailbox.js';
import { MailboxPace } from './mailbox-pace.js';
import { OwnPresence, type Reachability } from './presence-records.js';
import { MessageChanges } from './message-changes.js';
import { registerMessageKinds } from './message-kinds.js';
import { MessageSender, type SendOptions } from './message-sender.js';
import { MessageViews } from './message-views.js';
import { Outbox } from './outbox.js';
import { OwnIdentity } from './own-identity.js';
import { Prekeys } from './prekeys.js';
import { Presence } from './presence.js';
import { ReadReceipts } from './read-receipts.js';
import { Registration } from './registration.js';
import type { PeerEvents, PeerTransport } from './transport.js';
import { Typing } from './typing.js';

/** What the chat layer is built from; `host.ts` provides it. */
export interface MessengerParts {
  store: Store;
  /** The attachment store's files on disk. */
  files: AttachmentFiles;
  bus: EventBus;
  transport: PeerTransport;
  directory: Directory;
  /** Our keys as loaded: the current pairs (live: shared with the peer layer), rotated ones, a rotation under way. */
  identity: IdentityState;
  identityFile: Pick<IdentityFile, 'save'>;
  limits: Limits;
  presenceTimeoutMs: number;
  heartbeatMs: number;
  log: Logger;
  version: string;
  /** Where friends can reach us: addresses and our DHT key, for our signed presence record. */
  reachability: () => Reachability;
}

/**
 * The messenger behind the API: every use case of the contract, and the
 * reactions to what peers and the directory report. Knows nothing of HTTP.
 * Only wiring and routing: each collaborator gets the few parts it uses.
 */
export class Messenger implements PeerEvents {
  private readonly startedAt = Date.now();
  private readonly parts: Pick<MessengerParts, 'transport' | 'directory' | 'version'>;
  private readonly registration: Registration;
  private readonly presence: Presence;
  private readonly contacts: Contacts;
  private readonly history: History;
  private readonly delivery: DeliveryStatus;
  private readonly outbox: Outbox;
  private readonly sender: MessageSender;
  private readonly changes: MessageChanges;
  private readonly incoming: Incoming;
  private readonly reads: ReadReceipts;
  private readonly typing: Typing;
  private readonly prekeys: Prekeys;
  private readonly mailbox: Mailbox;
  private readonly sync: DirectorySync;
  private readonly pace: MailboxPace;
  private readonly attachments: Attachments;
  private readonly capabilities: Capabilities;
  private readonly friendships: Friendships;
  private readonly rotator: KeyRotator;

  constructor(parts: MessengerParts) {
    const { store, bus, transport, directory, limits, log } = parts;
    this.parts = parts;
    const transaction = <T>(fn: () => T) => store.transaction(fn);
    const identity = new OwnIdentity(parts.identity, parts.identityFile, limits.prekeyRotateMs + limits.prekeyGraceMs);
    const ownKeys = () => ({ publicKey: identity.publicKey(), signingKey: identity.signingKey() });
    this.registration = new Registration({
      meta: store.meta,
      directory,
      keys: () => ({ ...ownKeys(), signingPrivateKey: identity.keys.signingPrivateKey }),
      log,
    });
    const self = () => this.registration.username();
    this.presence = new Presence({
      friends: store.friends,
      bus,
      presenceTimeoutMs: parts.presenceTimeoutMs,
      onTransition: (username, online) => {
        if (!online) return;
        this.outbox.wake(username);
        const friend = store.friends.get(username);
        if (friend) transport.connect(username, friend.addresses);
      },
    });
    const blocks = new MailBlocks(bus);
    this.contacts = new Contacts({
      friends: store.friends,
      directory,
      transport,
      presence: this.presence,
      bus,
      identity: ownKeys,
      self,
      mailBlocked: (username) => blocks.get(username),
      log,
    });
    const views = new MessageViews({ messages: store.messages, reactions: store.changes, attachments: store.attachments, bus, self });
    this.history = new History({ messages: store.messages, contacts: this.contacts, views });
    this.capabilities = new Capabilities({
      grants: store.grants,
      outbox: { add: (item) => this.outbox.add(item), drain: (peer, items) => this.outbox.drain(peer, items) },
      outboxItems: store.outbox,
      transaction,
      directory,
      registration: this.registration,
      meta: store.meta,
      log,
    });
    const introductions = new Introductions({ repo: store.introductions, bus, limits, log });
    this.friendships = new Friendships({
      contacts: this.contacts,
      friends: store.friends,
      capabilities: this.capabilities,
      introductions,
      receipts: store.receipts,
      refresh: () => this.sync.tick(),
    });
    const kinds = new ItemKinds();
    registerMessageKinds(kinds, {
      messages: store.messages,
      changes: store.changes,
      early: store.earlyChanges,
      bus,
      views,
      self,
      limits,
      log,
      offers: {
        accept: (from, msgId, offers) => {
          const notices = this.attachments.incoming.accept(from, msgId, offers);
          return () => this.attachments.accepted(from, notices);
        },
      },
      withdrawAttachments: (msgId) => this.attachments.withdrawn(msgId),
    });
    kinds.register(
      grantItem({
        capabilities: this.capabilities,
        onGranted: (peer) => {
          // Their mailbox and presence are open to us now.
          blocks.clear(peer);
          this.outbox.wake(peer);
          void this.sync.tick();
          bus.emit('friends_changed', {});
        },
      }),
    );
    this.incoming = new Incoming({ kinds, isFriend: (username) => store.friends.get(username) !== undefined, transaction, transport, log });
    this.prekeys = new Prekeys({
      prekeys: store.prekeys,
      directory,
      registration: this.registration,
      signingKey: () => identity.keys.signingPrivateKey,
      limits,
    });
    const drop = new MailDrop({
      directory,
      friends: store.friends,
      receipts: store.receipts,
      registration: this.registration,
      capabilities: this.capabilities,
      blocks,
      identity: () => identity.keys,
      prekeyMaxAgeMs: () => this.prekeys.maxAgeMs,
      log,
    });
    this.mailbox = new Mailbox({
      directory,
      friends: store.friends,
      receipts: store.receipts,
      registration: this.registration,
      prekeys: this.prekeys,
      incoming: this.incoming,
      transport,
      drop,
      // The X25519 pairs only: opening mail never needs the signing key.
      identities: () => identity.openers(),
      onReceipt: (from, ids) => this.outbox.confirm(from, ids, 'offline'),
      onIntroduction: (username, publicKey, frame) => introductions.keep(username, publicKey, frame),
      recheck: () => this.sync.tick(),
      limits,
      log,
    });
    this.delivery = new DeliveryStatus({ messages: store.messages, outbox: store.outbox, transaction, bus });
    this.outbox = new Outbox({
      repo: store.outbox,
      transaction,
      transport,
      mailbox: drop,
      status: this.delivery,
      canSend: (peer) => this.contacts.canSend(peer),
      limits,
      log,
    });
    this.attachments = new Attachments({
      repo: store.attachments,
      files: parts.files,
      outbox: this.outbox,
      outboxRepo: store.outbox,
      transaction,
      transport,
      views,
      limits,
      log: log.child('files'),
    });
    for (const handler of this.attachments.handlers()) kinds.register(handler);
    const commits = new GroupCommit(transaction);
    this.sender = new MessageSender({
      messages: store.messages,
      outbox: this.outbox,
      contacts: this.contacts,
      attachments: this.attachments.outgoing,
      commit: (write) => commits.run(write),
      self,
      limits,
    });
    this.changes = new MessageChanges({
      messages: store.messages,
      changes: store.changes,
      outbox: this.outbox,
      contacts: this.contacts,
      commit: (write) => commits.run(write),
      views,
      withdrawAttachments: (msgId) => this.attachments.withdrawn(msgId),
      self,
      limits,
    });
    this.reads = new ReadReceipts({ messages: store.messages, transport });
    this.typing = new Typing({ transport, bus, clearMs: limits.typingClearMs });
    this.rotator = new KeyRotator({
      identity,
      registration: this.registration,
      directory,
      rotated: async () => {
        // Sessions run on the old static key: close them, so every friend meets the new one.
        for (const friend of store.friends.all()) transport.disconnect(friend.username);
        await this.prekeys.ensure(true).catch((err: unknown) => log.warn('prekey after key rotation failed', { err }));
        void this.sync.tick();
      },
    });
    const own = new OwnPresence(store.meta, () => identity.keys.signingPrivateKey, parts.reachability);
    this.sync = new DirectorySync({
      directory,
      friends: store.friends,
      contacts: this.contacts,
      presence: this.presence,
      registration: this.registration,
      transport,
      heartbeatMs: parts.heartbeatMs,
      ownPresence: (username) => own.sign(username),
      presenceCapabilities: (names) => this.capabilities.presenceFor(names),
      upkeep: async () => {
        await this.capabilities.sync();
        await this.rotator.finish().catch((err: unknown) => log.warn('finishing the key rotation failed', { err }));
      },
      onRecovered: () => {
        this.outbox.wake();
        void this.mailbox.poll();
      },
      log,
    });
    this.pace = new MailboxPace({
      bus,
      limits,
      expecting: () =>
        !store.grants.receivedFromEveryFriend() ||
        store.friends.lastSeen().some((f) => this.presence.isOnline(f.username, f) && !transport.isConnected(f.username)),
      poll: () => this.mailbox.poll(),
    });
  }

  start(): void {
    this.sync.start();
    this.outbox.start();
    this.mailbox.start();
    this.pace.start();
    this.attachments.start();
  }

  async stop(): Promise<void> {
    this.sync.stop();
    this.incoming.stop();
    await this.attachments.stop();
    this.outbox.stop();
    this.mailbox.stop();
    this.pace.stop();
    this.typing.stop();
  }

  status(): StatusResponse {
    const username = this.registration.username();
    return {
      username,
      fingerprint: username ? this.contacts.ownFingerprint() : null,
      uptime: Math.floor((Date.now() - this.startedAt) / 1000),
      peer_count: this.parts.transport.sessionCount(),
      friends_online: this.presence.onlineCount(),
      directory: { kind: this.parts.directory.kind, reachable: this.sync.isReachable() },
      version: this.parts.version,
      network: this.parts.transport.network(),
    };
  }

  /** This profile's username; null until set up. */
  username(): string | null {
    return this.registration.username();
  }

  /** Claims the username (paying the directory's proof of work); the answer carries the recovery code, shown this once. */
  async setup(username: string): Promise<SetupResponse> {
    const code = await this.registration.claim(username);
    return this.settled(code);
  }

  /** Takes a username back with its recovery code, for this profile's new keys; answers the new recovery code. */
  async recover(username: string, recoveryCode: string): Promise<SetupResponse> {
    const code = await this.registration.recover(username, recoveryCode);
    return this.settled(code);
  }

  /** Moves to new keys vouched for by the old ones; friends' hosts follow without a key-change alarm. */
  async rotateKeys(): Promise<StatusResponse> {
    await this.rotator.rotate();
    return this.status();
  }

  friends(): Contact[] {
    return this.contacts.list();
  }

  addFriend(username: string): Promise<Contact> {
    return this.friendships.add(username);
  }

  removeFriend(username: string): void {
    this.friendships.remove(username);
  }

  /** People who added us and whom we have not added (yet). */
  pendingIntroductions(): Introduction[] {
    return this.friendships.pending();
  }

  dismissIntroduction(username: string): void {
    this.friendships.dismiss(username);
  }

  verification(username: string): VerifyResponse {
    return this.contacts.verification(username);
  }

  markVerified(username: string, safetyNumber: string): Contact {
    const contact = this.contacts.markVerified(username, safetyNumber);
    this.outbox.wake(username);
    return contact;
  }

  messages(peer: string, query: HistoryQuery): MessagesResponse {
    return this.history.page(peer, query);
  }

  send(to: string, text: string, options?: SendOptions): Promise<SendResult> {
    return this.sender.send(to, text, options);
  }

  /** Deletes our copy only. */
  deleteMessage(msgId: string): void {
    const attachments = this.attachments.ofMessage(msgId);
    this.history.delete(msgId);
    this.attachments.deleted(attachments);
  }

  uploadAttachment(input: UploadInput): Promise<Attachment> {
    return this.attachments.upload(input);
  }

  attachmentDownload(id: string): AttachmentDownload {
    return this.attachments.download(id);
  }

  cancelAttachment(id: string): Attachment {
    return this.attachments.cancel(id);
  }

  retryAttachment(id: string): Attachment {
    return this.attachments.retry(id);
  }

  edit(msgId: string, text: string): Promise<Message> {
    return this.changes.edit(msgId, text);
  }

  deleteForEveryone(msgId: string): Promise<void> {
    return this.changes.deleteForEveryone(msgId);
  }

  react(msgId: string, emoji: string): Promise<Message> {
    return this.changes.react(msgId, emoji);
  }

  unreact(msgId: string, emoji: string): Promise<Message> {
    return this.changes.unreact(msgId, emoji);
  }

  /** A WebSocket client's `typing` or `mark_read`. */
  clientEvent<K extends keyof ClientEventMap>(event: K, data: ClientEventMap[K]): void {
    if (event === 'typing') {
      const { to, typing } = data as ClientEventMap['typing'];
      this.contacts.require(to);
      this.typing.local(to, typing);
    } else if (event === 'mark_read') {
      const { peer, msg_id } = data as ClientEventMap['mark_read'];
      this.contacts.require(peer);
      this.reads.markRead(peer, msg_id);
    } else {
      throw errors.badRequest(`Unknown event '${String(event)}'`);
    }
  }

  private async settled(recoveryCode: string): Promise<SetupResponse> {
    await this.prekeys.ensure();
    void this.sync.tick();
    return { ...this.status(), recovery_code: recoveryCode };
  }

  // PeerEvents: what the transport reports.

  sessionUp(username: string): void {
    // First the outbox, so the presence transition's wake finds the new session's items already on their way.
    this.outbox.sessionUp(username);
    // Offered again on every session, so a lost or forgotten grant heals.
    this.capabilities.offer(username);
    this.presence.sessionUp(username);
    this.reads.resend(username);
    this.mailbox.sendReceipts(username);
    this.attachments.sessionUp(username);
  }

  sessionDown(username: string): void {
    this.presence.sessionDown(username);
    this.typing.sessionDown(username);
    this.attachments.sessionDown(username);
  }

  message(from: string, message: PeerFrame): void {
    switch (message.type) {
      case 'item':
        this.incoming.receive(from, message);
        break;
      case 'ack':
        this.outbox.confirm(from, message.ids, 'direct');
        break;
      case 'receipt':
        this.outbox.confirm(from, message.ids, 'offline');
        break;
      case 'read':
        this.outbox.confirmedElsewhere(this.delivery.read(from, message.msg_id));
        break;
      case 'typing':
        this.typing.remote(from, message.typing);
        break;
      case 'file_get':
      case 'file_data':
      case 'file_error':
        this.attachments.frame(from, message);
        break;
      // ping and pong are answered by the connection itself and never arrive here.
    }
  }
}
