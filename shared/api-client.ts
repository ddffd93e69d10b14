import type {
  Attachment,
  Contact,
  ConversationSummary,
  ErrorBody,
  Introduction,
  Message,
  MessagesResponse,
  ProofResponse,
  SearchResponse,
  SendResult,
  SetupResponse,
  StatusResponse,
  VerifyResponse,
} from './contract.js';

/** What a request may carry as its body (fetch's own type, without needing the DOM library). */
type RequestBody = NonNullable<RequestInit['body']>;

/** An error answer from the host, or a failure to reach it (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string | undefined;

  constructor(status: number, message: string, code?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

export interface ApiClientOptions {
  /** e.g. `http://127.0.0.1:8080` */
  baseUrl: string;
  token?: string | null;
  /** Per-request time limit; the host answers sends within about 2 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** A page by offset, or next to an anchor message: `before`, `after` or `around` it (give one). */
export type HistoryQuery = { limit?: number } & (
  | { offset?: number; before?: never; after?: never; around?: never }
  | { before: string; offset?: never; after?: never; around?: never }
  | { after: string; offset?: never; before?: never; around?: never }
  | { around: string; offset?: never; before?: never; after?: never }
);

export interface SearchOptions {
  /** One chat only. */
  peer?: string;
  limit?: number;
  /** The next page: matches older than this result's msg_id. */
  before?: string;
}

/** Typed client for every core and ext route of the host's REST API. */
export class ApiClient {
  private readonly baseUrl: string;
  private readonly token: string | null;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(options: ApiClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.token = options.token ?? null;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  status(): Promise<StatusResponse> {
    return this.request('GET', '/status');
  }

  /** The host's answer to a challenge (no token is sent or needed): proves it holds host.json's proof_key. */
  proof(nonce: string): Promise<ProofResponse> {
    return this.request('GET', `/proof?nonce=${encodeURIComponent(nonce)}`);
  }

  /** Claims the username; the answer's `recovery_code` is shown this once. */
  setup(username: string): Promise<SetupResponse> {
    return this.request('POST', '/setup', { username });
  }

  /** Takes a username back on a profile not set up yet; answers a new recovery code. */
  recover(username: string, recoveryCode: string): Promise<SetupResponse> {
    return this.request('POST', '/recover', { username, recovery_code: recoveryCode });
  }

  /** New keys, vouched for by the old ones. */
  rotateKeys(): Promise<StatusResponse> {
    return this.request('POST', '/keys/rotate', {});
  }

  /** People who added you and whom you have not added. */
  introductions(): Promise<Introduction[]> {
    return this.request('GET', '/introductions');
  }

  dismissIntroduction(username: string): Promise<void> {
    return this.request('DELETE', `/introductions/${encodeURIComponent(username)}`);
  }

  friends(): Promise<Contact[]> {
    return this.request('GET', '/friends');
  }

  addFriend(username: string): Promise<Contact> {
    return this.request('POST', '/friends', { username });
  }

  removeFriend(username: string): Promise<void> {
    return this.request('DELETE', `/friends/${encodeURIComponent(username)}`);
  }

  verification(username: string): Promise<VerifyResponse> {
    return this.request('GET', `/friends/${encodeURIComponent(username)}/verify`);
  }

  /**
   * Marks the friend verified: pins the keys behind `safetyNumber`, the
   * number the user compared. 409 (SAFETY_NUMBER_CHANGED) when the keys
   * changed since it was shown.
   */
  markVerified(username: string, safetyNumber: string): Promise<Contact> {
    return this.request('POST', `/friends/${encodeURIComponent(username)}/verify`, { safety_number: safetyNumber });
  }

  messages(peer: string, query: HistoryQuery = {}): Promise<MessagesResponse> {
    const params = new URLSearchParams({ peer });
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    if (query.offset !== undefined) params.set('offset', String(query.offset));
    for (const key of ['before', 'after', 'around'] as const) {
      const anchor = query[key];
      if (anchor !== undefined) params.set(key, anchor);
    }
    return this.request('GET', `/messages?${params}`);
  }

  /** One summary per friend: newest message, unread count, size of the chat. */
  conversations(): Promise<ConversationSummary[]> {
    return this.request('GET', '/conversations');
  }

  search(q: string, options: SearchOptions = {}): Promise<SearchResponse> {
    const params = new URLSearchParams({ q });
    if (options.peer !== undefined) params.set('peer', options.peer);
    if (options.limit !== undefined) params.set('limit', String(options.limit));
    if (options.before !== undefined) params.set('before', options.before);
    return this.request('GET', `/search?${params}`);
  }

  /** Sends text, attachments (ids from `uploadAttachment`), or both (text may be empty when attachments are given); with `replyTo`, as a reply to that message of the same chat. */
  send(to: string, text: string, options: { replyTo?: string; attachments?: readonly string[] } = {}): Promise<SendResult> {
    const { replyTo, attachments } = options;
    return this.request('POST', '/messages', {
      to,
      text,
      ...(replyTo === undefined ? {} : { reply_to: replyTo }),
      ...(attachments && attachments.length > 0 ? { attachments } : {}),
    });
  }

  /** Uploads a file for a message; the host streams it to its store. `type` is only a hint for the receiver. */
  async uploadAttachment(name: string, bytes: Blob | Uint8Array, type = 'application/octet-stream', timeoutMs = 10 * 60_000): Promise<Attachment> {
    const response = await this.fetchRaw('POST', `/attachments?${new URLSearchParams({ name })}`, { 'Content-Type': type }, bytes as RequestBody, timeoutMs);
    return (await this.answer(response)) as Attachment;
  }

  /** The bytes of an attachment: 409 while it is still on its way. */
  async attachmentBlob(attachmentId: string, timeoutMs = 10 * 60_000): Promise<Blob> {
    const response = await this.fetchRaw('GET', `/attachments/${encodeURIComponent(attachmentId)}`, {}, undefined, timeoutMs);
    if (!response.ok) await this.answer(response);
    return response.blob();
  }

  /** Stops an attachment on its way, either direction. */
  cancelAttachment(attachmentId: string): Promise<Attachment> {
    return this.request('POST', `/attachments/${encodeURIComponent(attachmentId)}/cancel`, {});
  }

  /** Tries a failed attachment again. */
  retryAttachment(attachmentId: string): Promise<Attachment> {
    return this.request('POST', `/attachments/${encodeURIComponent(attachmentId)}/retry`, {});
  }

  /** Deletes our copy of a message; with `forEveryone` (own messages only), the friend's copy too. */
  deleteMessage(msgId: string, options: { forEveryone?: boolean } = {}): Promise<void> {
    return this.request('DELETE', `/messages/${encodeURIComponent(msgId)}${options.forEveryone ? '?for=everyone' : ''}`);
  }

  /** Replaces the text of one of our messages; the friend's copy follows. */
  editMessage(msgId: string, text: string): Promise<Message> {
    return this.request('PATCH', `/messages/${encodeURIComponent(msgId)}`, { text });
  }

  /** Our reaction on the message becomes `emoji` (one per person: it replaces another). */
  react(msgId: string, emoji: string): Promise<Message> {
    return this.request('POST', `/messages/${encodeURIComponent(msgId)}/reactions`, { emoji });
  }

  /** Takes our reaction `emoji` off the message. */
  unreact(msgId: string, emoji: string): Promise<Message> {
    return this.request('DELETE', `/messages/${encodeURIComponent(msgId)}/reactions/${encodeURIComponent(emoji)}`);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const json = body === undefined ? undefined : JSON.stringify(body);
    return (await this.answer(await this.fetchRaw(method, path, { 'Content-Type': 'application/json' }, json, this.timeoutMs))) as T;
  }

  private async fetchRaw(method: string, path: string, headers: Record<string, string>, body: RequestBody | undefined, timeoutMs: number): Promise<Response> {
    const all = { ...headers, ...(this.token ? { Authorization: `Bearer ${this.token}` } : {}) };
    try {
      return await this.fetchImpl(this.baseUrl + path, { method, headers: all, body, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      throw new ApiError(0, `Parley host not reachable: ${(err as Error).message}`, 'UNREACHABLE', { cause: err });
    }
  }

  /** The JSON of a success (undefined for 204), or the host's error as an ApiError. */
  private async answer(response: Response): Promise<unknown> {
    if (response.status === 204) return undefined;
    const text = await response.text();
    const parsed: unknown = text ? safeParse(text) : undefined;
    if (!response.ok) {
      const err = parsed as Partial<ErrorBody> | undefined;
      throw new ApiError(response.status, err?.error ?? `HTTP ${response.status}`, err?.code);
    }
    return parsed;
  }
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
