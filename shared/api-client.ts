import type {
  Contact,
  ConversationSummary,
  ErrorBody,
  Introduction,
  MessagesResponse,
  SearchResponse,
  SendResult,
  SetupResponse,
  StatusResponse,
  VerifyResponse,
} from './contract.js';

/** An error answer from the host, or a failure to reach it (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string | undefined;

  constructor(status: number, message: string, code?: string) {
    super(message);
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

  /** Marks the friend verified, accepting the keys the directory now shows. */
  markVerified(username: string): Promise<Contact> {
    return this.request('POST', `/friends/${encodeURIComponent(username)}/verify`, {});
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

  send(to: string, text: string): Promise<SendResult> {
    return this.request('POST', '/messages', { to, text });
  }

  deleteMessage(msgId: string): Promise<void> {
    return this.request('DELETE', `/messages/${encodeURIComponent(msgId)}`);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    let response: Response;
    try {
      response = await this.fetchImpl(this.baseUrl + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new ApiError(0, `Parley host not reachable: ${(err as Error).message}`, 'UNREACHABLE');
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    const parsed: unknown = text ? safeParse(text) : undefined;
    if (!response.ok) {
      const err = parsed as Partial<ErrorBody> | undefined;
      throw new ApiError(response.status, err?.error ?? `HTTP ${response.status}`, err?.code);
    }
    return parsed as T;
  }
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
