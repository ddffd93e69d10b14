import type { Attachment, ClientEventMap, Contact, Message, MessagesResponse, SendResult, StatusResponse, VerifyResponse } from '../../../shared/contract.js';
import type { Limits } from '../config/limits.js';
import { toBase64, type IdentityKeys } from '../crypto/identity.js';
import type { Directory } from '../directory/directory.js';
import { errors } from '../errors.js';
import type { Logger } from '../logger.js';
import type { PeerFrame } from '../peer/peer-protocol.js';
import type { AttachmentFiles } from '../store/attachment-files.js';
import type { Store } from '../store/store.js';
import { Attachments, type AttachmentDownload } from './attachments/attachments.js';
import type { UploadInput } from './attachments/uploads.js';
import { Contacts } from './contacts.js';
import { DeliveryStatus } from './delivery-status.js';
import { DirectorySync } from './directory-sync.js';
import type { EventBus } from './event-bus.js';
import { GroupCommit } from './group-commit.js';
import { History, type HistoryQuery } from './history.js';
import { Incoming } from './incoming.js';
import { ItemKinds } from './item-kinds.js';
import { Mailbox } from './mailbox.js';
import { MailboxPace } from './mailbox-pace.js';
import { OwnPresence, type Reachability } from './presence-records.js';
import { MessageChanges } from './message-changes.js';
import { registerMessageKinds } from './message-kinds.js';
import { MessageSender, type SendOptions } from './message-sender.js';
import { MessageViews } from './message-views.js';
import { Outbox } from './outbox.js';
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
  identity: IdentityKeys;
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

  constructor(parts: MessengerParts) {
    const { store, bus, transport, directory, identity, limits, log } = parts;
    this.parts = parts;
    const transaction = <T>(fn: () => T) => store.transaction(fn);
    const ownKeys = { publicKey: toBase64(identity.publicKey), signingKey: toBase64(identity.signingPublicKey) };
    this.registration = new Registration({
      meta: store.meta,
      directory,
      identity: { ...ownKeys, signingPrivateKey: identity.signingPrivateKey },
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
    this.contacts = new Contacts({ friends: store.friends, directory, transport, presence: this.presence, bus, identity: ownKeys, self, log });
    const views = new MessageViews({ messages: store.messages, reactions: store.changes, attachments: store.attachments, bus, self });
    this.history = new History({ messages: store.messages, contacts: this.contacts, views });
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
    this.incoming = new Incoming({ kinds, isFriend: (username) => store.friends.get(username) !== undefined, transaction, transport, log });
    this.prekeys = new Prekeys({
      prekeys: store.prekeys,
      directory,
      registration: this.registration,
      signingPrivateKey: identity.signingPrivateKey,
      limits,
    });
    this.mailbox = new Mailbox({
      directory,
      friends: store.friends,
      receipts: store.receipts,
      registration: this.registration,
      prekeys: this.prekeys,
      incoming: this.incoming,
      transport,
      // The X25519 pair only: sealing and opening mail never needs the signing key.
      identity: { publicKey: identity.publicKey, privateKey: identity.privateKey },
      limits,
      log,
    });
    this.delivery = new DeliveryStatus({ messages: store.messages, outbox: store.outbox, transaction, bus });
    this.outbox = new Outbox({
      repo: store.outbox,
      transaction,
      transport,
      mailbox: this.mailbox,
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
    const own = new OwnPresence(store.meta, identity.signingPrivateKey, parts.reachability);
    this.sync = new DirectorySync({
      directory,
      friends: store.friends,
      contacts: this.contacts,
      presence: this.presence,
      registration: this.registration,
      transport,
      heartbeatMs: parts.heartbeatMs,
      ownPresence: (username) => own.sign(username),
      onRecovered: () => {
        this.outbox.wake();
        void this.mailbox.poll();
      },
      log,
    });
    this.pace = new MailboxPace({
      bus,
      limits,
      unreachable: () => store.friends.lastSeen().some((f) => this.presence.isOnline(f.username, f) && !transport.isConnected(f.username)),
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

  async setup(username: string): Promise<StatusResponse> {
    await this.registration.claim(username);
    await this.prekeys.ensure();
    void this.sync.tick();
    return this.status();
  }

  friends(): Contact[] {
    return this.contacts.list();
  }

  addFriend(username: string): Promise<Contact> {
    return this.contacts.add(username);
  }

  removeFriend(username: string): void {
    this.contacts.remove(username);
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

  // PeerEvents: what the transport reports.

  sessionUp(username: string): void {
    // First the outbox, so the presence transition's wake finds the new session's items already on their way.
    this.outbox.sessionUp(username);
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
