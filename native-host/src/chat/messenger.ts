import type { ClientEventMap, Contact, MessagesResponse, SendResult, StatusResponse, VerifyResponse } from '../../../shared/contract.js';
import { errors } from '../errors.js';
import type { PeerMessage } from '../peer/peer-protocol.js';
import type { ChatContext } from './context.js';
import { Contacts } from './contacts.js';
import { DirectorySync } from './directory-sync.js';
import { History, type HistoryQuery } from './history.js';
import { Incoming } from './incoming.js';
import { Mailbox } from './mailbox.js';
import { MailboxPace } from './mailbox-pace.js';
import { Outgoing } from './outgoing.js';
import { Presence } from './presence.js';
import { OwnPresence, type Reachability } from './presence-records.js';
import { Registration } from './registration.js';
import { Typing } from './typing.js';
import type { PeerEvents } from './transport.js';

/**
 * The messenger behind the API: every use case of the contract, and the
 * reactions to what peers and the directory report. Knows nothing of HTTP.
 */
export class Messenger implements PeerEvents {
  private readonly startedAt = Date.now();
  private readonly version: string;
  private readonly presence: Presence;
  private readonly contacts: Contacts;
  private readonly history: History;
  private readonly outgoing: Outgoing;
  private readonly incoming: Incoming;
  private readonly typingState: Typing;
  private readonly registration: Registration;
  private readonly mailbox: Mailbox;
  private readonly sync: DirectorySync;
  private readonly pace: MailboxPace;

  constructor(
    private readonly ctx: ChatContext,
    options: { version: string; reachability: () => Reachability },
  ) {
    this.version = options.version;
    this.presence = new Presence(ctx, (username, online) => {
      if (!online) return;
      this.outgoing.wake(username);
      const friend = ctx.store.friends.get(username);
      if (friend) ctx.transport.connect(username, JSON.parse(friend.addresses) as string[]);
    });
    this.contacts = new Contacts(ctx, this.presence);
    this.history = new History(ctx, this.contacts);
    this.incoming = new Incoming(ctx);
    this.registration = new Registration(ctx);
    this.mailbox = new Mailbox(ctx, this.registration, this.incoming);
    this.outgoing = new Outgoing(ctx, this.contacts, this.mailbox);
    this.typingState = new Typing(ctx);
    const own = new OwnPresence(ctx.store.meta, ctx.identity.signingPrivateKey, options.reachability);
    this.sync = new DirectorySync(ctx, this.contacts, this.presence, this.registration, (username) => own.sign(username), () => {
      this.outgoing.wake();
      void this.mailbox.poll();
    });
    this.pace = new MailboxPace({
      bus: ctx.bus,
      limits: ctx.limits,
      unreachable: () => ctx.store.friends.lastSeen().some((f) => this.presence.isOnline(f.username, f) && !ctx.transport.isConnected(f.username)),
      poll: () => this.mailbox.poll(),
    });
  }

  start(): void {
    this.sync.start();
    this.outgoing.start();
    this.mailbox.start();
    this.pace.start();
  }

  async stop(): Promise<void> {
    this.sync.stop();
    this.outgoing.stop();
    this.mailbox.stop();
    this.pace.stop();
    this.typingState.stop();
  }

  status(): StatusResponse {
    return {
      username: this.ctx.username(),
      fingerprint: this.ctx.username() ? this.contacts.ownFingerprint() : null,
      uptime: Math.floor((Date.now() - this.startedAt) / 1000),
      peer_count: this.ctx.transport.sessionCount(),
      friends_online: this.presence.onlineCount(),
      directory: { kind: this.ctx.directory.kind, reachable: this.sync.isReachable() },
      version: this.version,
      network: this.ctx.transport.network(),
    };
  }

  async setup(username: string): Promise<StatusResponse> {
    await this.registration.claim(username);
    await this.mailbox.ensurePrekey();
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

  markVerified(username: string, safetyNumber?: string): Contact {
    const contact = this.contacts.markVerified(username, safetyNumber);
    this.outgoing.wake(username);
    return contact;
  }

  messages(peer: string, query: HistoryQuery): MessagesResponse {
    return this.history.page(peer, query);
  }

  send(to: string, text: string): Promise<SendResult> {
    return this.outgoing.send(to, text);
  }

  deleteMessage(msgId: string): void {
    this.history.delete(msgId);
  }

  /** A WebSocket client's `typing` or `mark_read`. */
  clientEvent<K extends keyof ClientEventMap>(event: K, data: ClientEventMap[K]): void {
    if (event === 'typing') {
      const { to, typing } = data as ClientEventMap['typing'];
      this.contacts.require(to);
      this.typingState.local(to, typing);
    } else if (event === 'mark_read') {
      const { peer, msg_id } = data as ClientEventMap['mark_read'];
      this.contacts.require(peer);
      this.incoming.markRead(peer, msg_id);
    } else {
      throw errors.badRequest(`Unknown event '${String(event)}'`);
    }
  }

  // PeerEvents: what the transport reports.

  sessionUp(username: string): void {
    this.presence.sessionUp(username);
    this.outgoing.flushPeer(username);
    this.incoming.resendReadReceipt(username);
    this.mailbox.sendReceipts(username);
  }

  sessionDown(username: string): void {
    this.presence.sessionDown(username);
    this.typingState.sessionDown(username);
  }

  keyMismatch(username: string): void {
    this.contacts.reportKeyMismatch(username);
  }

  message(from: string, message: PeerMessage): void {
    switch (message.type) {
      case 'message':
        if (this.incoming.accept(from, message, 'direct')) {
          this.ctx.transport.send(from, { type: 'ack', msg_id: message.msg_id });
        }
        break;
      case 'ack':
        this.outgoing.onAck(from, message.msg_id);
        break;
      case 'receipt':
        this.outgoing.onReceipt(from, message.msg_ids);
        break;
      case 'read':
        this.outgoing.onRead(from, message.msg_id);
        break;
      case 'typing':
        this.typingState.remote(from, message.typing);
        break;
      // ping and pong are answered by the connection itself and never arrive here.
    }
  }
}
