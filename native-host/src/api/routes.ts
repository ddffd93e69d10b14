import type { Messenger } from '../chat/messenger.js';
import type { Conversations } from '../chat/conversations.js';
import type { MessageSearch } from '../chat/search.js';
import { fileHeaders } from './file-response.js';
import { parse, type Schemas } from './schemas.js';
import { defined } from '../../../shared/defined.js';

/** A request body read as it streams in (uploads), never whole. */
export interface BodyStream {
  type: string | undefined;
  /** Content-Length when the client declared one. */
  length: number | null;
  chunks: AsyncIterable<Uint8Array>;
}

export interface RouteInput {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  /** For routes with `stream`: the raw body. */
  stream: BodyStream | null;
}

export interface RouteResult {
  status: number;
  body?: unknown;
  /** A file to stream as the answer, with its headers. */
  file?: { path: string; headers: Record<string, string> };
}

export interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Segments; `:name` captures one. */
  path: string;
  /** Whether the handler reads a JSON body. */
  body?: boolean;
  /** Whether the handler reads the raw body as a stream (its own size limit applies). */
  stream?: boolean;
  /** Answered without the token (the Host and Origin checks still apply). */
  open?: boolean;
  handle(input: RouteInput): RouteResult | Promise<RouteResult>;
}

/** Read-only views of the history, beside the messenger. */
export interface HistoryReaders {
  search: MessageSearch;
  conversations: Conversations;
}

/** Every route of the contract, core and ext. No logic here beyond parsing. */
export function buildRoutes(messenger: Messenger, readers: HistoryReaders, schemas: Schemas, proof: (nonce: string) => string): Route[] {
  const ok = (body: unknown, status = 200): RouteResult => ({ status, body });
  const noContent: RouteResult = { status: 204 };
  const usernameParam = (params: Record<string, string>) => parse(schemas.usernameParam, params, 'username').username;
  const msgIdParam = (params: Record<string, string>) => parse(schemas.msgIdParam, params, 'message id').msg_id;
  const attachmentParam = (params: Record<string, string>) => parse(schemas.attachmentIdParam, params, 'attachment id').attachment_id;
  return [
    { method: 'GET', path: '/status', handle: () => ok(messenger.status()) },
    // Launchers ask this before they trust host.json with the token (host-proof.ts).
    { method: 'GET', path: '/proof', open: true, handle: ({ query }) => ok({ proof: proof(parse(schemas.proofQuery, Object.fromEntries(query), 'query').nonce) }) },
    {
      method: 'POST',
      path: '/setup',
      body: true,
      handle: async ({ body }) => ok(await messenger.setup(parse(schemas.usernameBody, body, 'request body').username), 201),
    },
    {
      method: 'POST',
      path: '/recover',
      body: true,
      handle: async ({ body }) => {
        const { username, recovery_code } = parse(schemas.recoverBody, body, 'request body');
        return ok(await messenger.recover(username, recovery_code), 201);
      },
    },
    { method: 'POST', path: '/keys/rotate', handle: async () => ok(await messenger.rotateKeys()) },
    { method: 'GET', path: '/introductions', handle: () => ok(messenger.pendingIntroductions()) },
    {
      method: 'DELETE',
      path: '/introductions/:username',
      handle: ({ params }) => {
        messenger.dismissIntroduction(usernameParam(params));
        return noContent;
      },
    },
    { method: 'GET', path: '/friends', handle: () => ok(messenger.friends()) },
    {
      method: 'POST',
      path: '/friends',
      body: true,
      handle: async ({ body }) => ok(await messenger.addFriend(parse(schemas.usernameBody, body, 'request body').username), 201),
    },
    {
      method: 'DELETE',
      path: '/friends/:username',
      handle: ({ params }) => {
        messenger.removeFriend(usernameParam(params));
        return noContent;
      },
    },
    {
      method: 'GET',
      path: '/friends/:username/verify',
      handle: ({ params }) => ok(messenger.verification(usernameParam(params))),
    },
    {
      method: 'POST',
      path: '/friends/:username/verify',
      body: true,
      handle: ({ params, body }) => {
        const { safety_number } = parse(schemas.verifyBody, body, 'request body');
        return ok(messenger.markVerified(usernameParam(params), safety_number));
      },
    },
    {
      method: 'GET',
      path: '/messages',
      handle: ({ query }) => {
        const { peer, ...page } = parse(schemas.historyQuery, Object.fromEntries(query), 'query');
        return ok(messenger.messages(peer, page));
      },
    },
    {
      method: 'POST',
      path: '/messages',
      body: true,
      handle: async ({ body }) => {
        const { to, text, reply_to, attachments } = parse(schemas.sendBody, body, 'request body');
        return ok(await messenger.send(to, text, { replyTo: reply_to, attachments }), 201);
      },
    },
    {
      method: 'POST',
      path: '/attachments',
      stream: true,
      handle: async ({ query, stream }) => {
        const { name } = parse(schemas.uploadQuery, Object.fromEntries(query), 'query');
        return ok(await messenger.uploadAttachment({ name: name ?? '', type: defined(stream).type, length: defined(stream).length, body: defined(stream).chunks }), 201);
      },
    },
    {
      method: 'GET',
      path: '/attachments/:attachment_id',
      handle: ({ params }) => {
        const file = messenger.attachmentDownload(attachmentParam(params));
        return { status: 200, file: { path: file.file, headers: fileHeaders(file) } };
      },
    },
    { method: 'POST', path: '/attachments/:attachment_id/cancel', handle: ({ params }) => ok(messenger.cancelAttachment(attachmentParam(params))) },
    { method: 'POST', path: '/attachments/:attachment_id/retry', handle: ({ params }) => ok(messenger.retryAttachment(attachmentParam(params))) },
    {
      method: 'GET',
      path: '/search',
      handle: ({ query }) => ok(readers.search.search(parse(schemas.searchQuery, Object.fromEntries(query), 'query'))),
    },
    { method: 'GET', path: '/conversations', handle: () => ok(readers.conversations.list()) },
    {
      method: 'PATCH',
      path: '/messages/:msg_id',
      body: true,
      handle: async ({ params, body }) => ok(await messenger.edit(msgIdParam(params), parse(schemas.editBody, body, 'request body').text)),
    },
    {
      method: 'DELETE',
      path: '/messages/:msg_id',
      handle: async ({ params, query }) => {
        const msgId = msgIdParam(params);
        if (parse(schemas.deleteQuery, Object.fromEntries(query), 'query').for === 'everyone') await messenger.deleteForEveryone(msgId);
        else messenger.deleteMessage(msgId);
        return noContent;
      },
    },
    {
      method: 'POST',
      path: '/messages/:msg_id/reactions',
      body: true,
      handle: async ({ params, body }) => ok(await messenger.react(msgIdParam(params), parse(schemas.reactionBody, body, 'request body').emoji)),
    },
    {
      method: 'DELETE',
      path: '/messages/:msg_id/reactions/:emoji',
      handle: async ({ params }) => {
        const { msg_id, emoji } = parse(schemas.reactionParams, params, 'reaction');
        return ok(await messenger.unreact(msg_id, emoji));
      },
    },
  ];
}

/** Finds the route for a path; `allowed` lists methods when only the method is wrong. */
export function matchRoute(
  routes: Route[],
  method: string,
  pathname: string,
): { route: Route; params: Record<string, string> } | { allowed: string[] } | null {
  const segments = pathname.split('/').filter(Boolean);
  const allowed: string[] = [];
  for (const route of routes) {
    const params = matchPath(route.path, segments);
    if (!params) continue;
    if (route.method === method) return { route, params };
    allowed.push(route.method);
  }
  return allowed.length > 0 ? { allowed } : null;
}

function matchPath(pattern: string, segments: string[]): Record<string, string> | null {
  const parts = pattern.split('/').filter(Boolean);
  if (parts.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const part = defined(parts[i]);
    let segment: string;
    try {
      segment = decodeURIComponent(defined(segments[i]));
    } catch {
      return null;
    }
    if (part.startsWith(':')) params[part.slice(1)] = segment;
    else if (part !== segment) return null;
  }
  return params;
}
