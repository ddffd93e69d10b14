import { ApiClient } from '../../shared/api-client.js';
import type { Attachment, Contact, Introduction, Message, SendResult, StatusResponse } from '../../shared/contract.js';
import { defined } from '../../shared/defined.js';

/** Builds a contact with defaults for the fields a test does not care about. */
export function contact(username: string, extra: Partial<Contact> = {}): Contact {
  return {
    username,
    public_key: 'pk',
    signing_key: 'sk',
    online: false,
    last_seen: null,
    last_ip: null,
    added_at: '2026-01-01T00:00:00.000Z',
    fingerprint: 'abcd ef01',
    verified: false,
    key_changed: false,
    path: null,
    mail_blocked: null,
    keys_rotated_at: null,
    ...extra,
  };
}

let seq = 0;
/** Builds a message; `direction` decides from/to relative to `me`. */
export function message(peer: string, extra: Partial<Message> = {}, me = 'alice'): Message {
  seq += 1;
  const direction = extra.direction ?? 'received';
  return {
    msg_id: `m${seq}`,
    from: direction === 'received' ? peer : me,
    to: direction === 'received' ? me : peer,
    text: `text ${seq}`,
    timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
    direction,
    delivered: true,
    delivery_method: 'direct',
    status: 'delivered',
    read: false,
    reply_to: null,
    edited_at: null,
    deleted: false,
    reactions: [],
    attachments: [],
    ...extra,
  };
}

function json(status: number, body?: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), { status });
}

/**
 * An in-memory stand-in for the host's REST API, enough for store and
 * component tests. `sendResult` and `failNext` shape the next answers.
 */
export class FakeHost {
  username: string | null = 'alice';
  friends: Contact[] = [];
  directory = new Set<string>(['bob', 'carol', 'dave']);
  history = new Map<string, Message[]>();
  sendResult: Partial<SendResult> = {};
  introductions: Introduction[] = [];
  fingerprint = 'ffff';
  recoveryCode = 'ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-2345-6789';
  requests: string[] = [];
  /** When set, every request fails with a 500 carrying this text. */
  failWith: string | null = null;
  /** What GET /friends/:name/verify shows; POST .../verify accepts only this. */
  safetyNumber = '12345 67890 12345 67890 12345 67890 12345 67890 12345 67890 12345 67890';
  /** The numbers POST .../verify was sent, in order. */
  verifiedWith: string[] = [];
  /** Holds POST /messages answers until released, to test in-flight state. */
  holdSends = false;
  /** Uploaded files and the attachments of sent messages, by id, with their bytes. */
  attachments = new Map<string, { attachment: Attachment; bytes: Blob }>();
  private held: Array<() => void> = [];

  client(): ApiClient {
    return new ApiClient({ baseUrl: 'http://127.0.0.1:1', token: 't', fetch: (input, init) => this.handle(String(input), init) });
  }

  releaseSends(): void {
    const held = this.held;
    this.held = [];
    for (const release of held) release();
  }

  status(): StatusResponse {
    return { username: this.username, fingerprint: this.fingerprint, uptime: 1, peer_count: 0, friends_online: 0, directory: { kind: 'local', reachable: true }, version: '0.1.0', network: { dht: 'off', relays: 0 } };
  }

  private async handle(url: string, init?: RequestInit): Promise<Response> {
    const u = new URL(url);
    const method = init?.method ?? 'GET';
    this.requests.push(`${method} ${u.pathname}${u.search}`);
    if (this.failWith) return json(500, { error: this.failWith, code: 'INTERNAL' });
    const parts = u.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] === 'attachments') return this.attachmentsRoute(method, parts, u, init);
    const body = init?.body ? (JSON.parse(String(init.body)) as Record<string, string>) : {};
    if (u.pathname === '/status') return json(200, this.status());
    if (u.pathname === '/setup' && method === 'POST') {
      if (body.username === 'taken') return json(409, { error: 'Username taken' });
      this.username = body.username ?? null;
      return json(201, { ...this.status(), recovery_code: this.recoveryCode });
    }
    if (u.pathname === '/recover' && method === 'POST') {
      if (body.recovery_code?.replace(/[\s-]/g, '').toUpperCase() !== this.recoveryCode.replace(/-/g, '')) {
        return json(403, { error: 'That recovery code does not match this username', code: 'RECOVERY_REFUSED' });
      }
      this.username = body.username ?? null;
      this.recoveryCode = 'NEWC-ODEN-EWCO-DENE-WCOD-ENEW-CODE-NEW0';
      return json(201, { ...this.status(), recovery_code: this.recoveryCode });
    }
    if (u.pathname === '/keys/rotate' && method === 'POST') {
      this.fingerprint = 'eeee';
      return json(200, this.status());
    }
    if (parts[0] === 'introductions') {
      if (method === 'GET') return json(200, this.introductions);
      const before = this.introductions.length;
      this.introductions = this.introductions.filter((i) => i.username !== parts[1]);
      return before === this.introductions.length ? json(404, { error: 'Not found' }) : json(204);
    }
    if (parts[0] === 'friends') return this.friendsRoute(method, parts, body);
    if (parts[0] === 'messages') return this.messagesRoute(method, parts, u, body);
    if (parts[0] === 'search') return this.searchRoute(u);
    if (parts[0] === 'conversations') {
      return json(200, this.friends.map(({ username: peer }) => {
        const list = this.history.get(peer) ?? [];
        const unread = list.filter((m) => m.direction === 'received' && !m.read).length;
        return { peer, last_message: list.at(-1) ?? null, unread, total: list.length };
      }));
    }
    return json(404, { error: 'Not found' });
  }

  private friendsRoute(method: string, parts: string[], body: Record<string, string>): Response {
    const name = parts[1];
    if (!name && method === 'GET') return json(200, this.friends);
    if (!name && method === 'POST') {
      const u = body.username ?? '';
      if (!/^[a-z0-9][a-z0-9_.-]{2,31}$/.test(u) || u === this.username) return json(400, { error: `Invalid username '${u}'` });
      if (this.friends.some((f) => f.username === u)) return json(409, { error: `Already friends with ${u}` });
      if (!this.directory.has(u)) return json(404, { error: `User '${u}' not found` });
      const c = contact(u);
      this.friends.push(c);
      this.introductions = this.introductions.filter((i) => i.username !== u);
      return json(201, c);
    }
    const friend = this.friends.find((f) => f.username === name);
    if (!friend) return json(404, { error: `${name} is not a friend` });
    if (parts[2] === 'verify') {
      if (method === 'POST') {
        if (typeof body.safety_number !== 'string') return json(400, { error: 'Invalid request body', code: 'BAD_REQUEST' });
        this.verifiedWith.push(body.safety_number);
        if (body.safety_number !== this.safetyNumber) {
          return json(409, { error: `The safety number for ${name} changed since it was shown: compare the new one`, code: 'SAFETY_NUMBER_CHANGED' });
        }
        friend.verified = true;
        friend.key_changed = false;
        return json(200, friend);
      }
      return json(200, { username: name, safety_number: this.safetyNumber, fingerprint: friend.fingerprint, own_fingerprint: 'ffff', verified: friend.verified, key_changed: friend.key_changed });
    }
    if (method === 'DELETE') {
      this.friends = this.friends.filter((f) => f !== friend);
      return json(204);
    }
    return json(405, { error: 'Method not allowed' });
  }

  /** A stored message and where it is, or null. */
  find(msgId: string | undefined): { list: Message[]; index: number; m: Message } | null {
    for (const list of this.history.values()) {
      const index = list.findIndex((m) => m.msg_id === msgId);
      if (index >= 0) return { list, index, m: defined(list[index]) };
    }
    return null;
  }

  private async messagesRoute(method: string, parts: string[], u: URL, body: Record<string, string>): Promise<Response> {
    if (parts[1] !== undefined) return this.messageRoute(method, parts, u, body);
    if (method === 'POST') {
      const to = body.to ?? '';
      if (!this.friends.some((f) => f.username === to)) return json(404, { error: `User '${to}' not found in friends list` });
      if (body.reply_to !== undefined && !this.find(body.reply_to)) return json(404, { error: 'Unknown message', code: 'MESSAGE_NOT_FOUND' });
      const reply = { reply_to: body.reply_to ?? null };
      const ids = (body as unknown as { attachments?: string[] }).attachments ?? [];
      const attachments = ids.map((id) => ({ ...defined(this.attachments.get(id)).attachment, state: 'sending' as const, received_bytes: 0 }));
      for (const a of attachments) defined(this.attachments.get(a.attachment_id)).attachment = a;
      const m = message(to, { direction: 'sent', text: body.text ?? '', status: 'queued', delivered: false, delivery_method: 'offline', attachments, ...reply, ...this.sendResult }, this.username ?? 'alice');
      const list = this.history.get(to) ?? [];
      list.push(m);
      this.history.set(to, list);
      if (this.holdSends) await new Promise<void>((r) => this.held.push(r));
      return json(201, { msg_id: m.msg_id, delivered: m.delivered, delivery_method: m.delivery_method, status: m.status });
    }
    const peer = u.searchParams.get('peer') ?? '';
    const limit = Number(u.searchParams.get('limit') ?? 50);
    const all = this.history.get(peer) ?? [];
    const at = (key: string) => all.findIndex((m) => m.msg_id === u.searchParams.get(key));
    let end = all.length - Number(u.searchParams.get('offset') ?? 0);
    let start: number;
    if (u.searchParams.has('after')) {
      start = at('after') + 1;
      end = Math.min(all.length, start + limit);
    } else if (u.searchParams.has('around')) {
      start = Math.max(0, at('around') - Math.floor((limit - 1) / 2));
      end = Math.min(all.length, start + limit);
      start = Math.max(0, end - limit);
    } else {
      if (u.searchParams.has('before')) end = at('before');
      start = Math.max(0, end - limit);
    }
    end = Math.max(end, 0);
    return json(200, { messages: all.slice(start, end), total: all.length, has_more: start > 0, newer: all.length - end });
  }

  /** One message: delete (for me or for everyone), edit, react. */
  private messageRoute(method: string, parts: string[], u: URL, body: Record<string, string>): Response {
    const hit = this.find(parts[1]);
    if (!hit) return json(404, { error: 'Unknown message', code: 'MESSAGE_NOT_FOUND' });
    const { list, index, m } = hit;
    const me = this.username ?? 'alice';
    const own = m.direction === 'sent';
    if (parts[2] === 'reactions') {
      const others = m.reactions.filter((r) => r.from !== me);
      if (method === 'POST') list[index] = { ...m, reactions: [...others, { emoji: body.emoji ?? '', from: me }] };
      else if (m.reactions.some((r) => r.from === me && r.emoji === parts[3])) list[index] = { ...m, reactions: others };
      return json(200, list[index]);
    }
    if (method === 'PATCH') {
      if (!own) return json(403, { error: 'Not yours', code: 'NOT_YOUR_MESSAGE' });
      list[index] = { ...m, text: body.text ?? '', edited_at: new Date().toISOString() };
      return json(200, list[index]);
    }
    if (u.searchParams.get('for') === 'everyone') {
      if (!own) return json(403, { error: 'Not yours', code: 'NOT_YOUR_MESSAGE' });
      list[index] = { ...m, text: '', deleted: true, reply_to: null, edited_at: null, reactions: [], attachments: [] };
    } else {
      list.splice(index, 1);
    }
    return json(204);
  }

  /** POST /attachments, GET /attachments/:id, POST /attachments/:id/cancel|retry. */
  private async attachmentsRoute(method: string, parts: string[], u: URL, init?: RequestInit): Promise<Response> {
    if (method === 'POST' && parts.length === 1) {
      const bytes = new Blob([init?.body as Blob]);
      const type = new Headers(init?.headers).get('content-type') ?? 'application/octet-stream';
      const attachment: Attachment = {
        attachment_id: `att${++seq}`, name: u.searchParams.get('name') ?? 'file', size: bytes.size, mime: type,
        state: 'available', received_bytes: bytes.size, hash: 'h'.repeat(64), error: null, mailbox: bytes.size <= 256 * 1024,
      };
      this.attachments.set(attachment.attachment_id, { attachment, bytes });
      return json(201, attachment);
    }
    const entry = this.attachments.get(parts[1] ?? '');
    if (!entry) return json(404, { error: 'Attachment not found', code: 'ATTACHMENT_NOT_FOUND' });
    if (method === 'GET') {
      if (entry.attachment.state === 'receiving') return json(409, { error: 'Not yet received', code: 'ATTACHMENT_NOT_READY' });
      return new Response(entry.bytes, { status: 200 });
    }
    const a = entry.attachment;
    entry.attachment = parts[2] === 'cancel' ? { ...a, state: 'failed', error: 'Canceled' } : { ...a, state: a.attachment_id.startsWith('in') ? 'receiving' : 'sending', error: null };
    return json(200, entry.attachment);
  }

  /** GET /search: case-insensitive substring match of the whole query, newest first. */
  private searchRoute(u: URL): Response {
    const q = (u.searchParams.get('q') ?? '').trim().toLowerCase();
    if (!q) return json(400, { error: 'Search query is empty', code: 'QUERY_EMPTY' });
    const peer = u.searchParams.get('peer');
    const limit = Number(u.searchParams.get('limit') ?? 50);
    const hits = [...this.history.entries()]
      .filter(([name]) => !peer || name === peer)
      .flatMap(([, list]) => list)
      .filter((m) => m.text.toLowerCase().includes(q))
      .sort((a, b) => b.timestamp.localeCompare(a.timestamp));
    const before = u.searchParams.get('before');
    const from = before ? hits.findIndex((m) => m.msg_id === before) + 1 : 0;
    const page = hits.slice(from, from + limit).map((m) => {
      const i = m.text.toLowerCase().indexOf(q);
      return { ...m, highlights: [[i, i + q.length]] };
    });
    return json(200, { messages: page, has_more: from + limit < hits.length });
  }
}
