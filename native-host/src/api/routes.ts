import type { Messenger } from '../chat/messenger.js';
import type { Conversations } from '../chat/conversations.js';
import type { MessageSearch } from '../chat/search.js';
import { parse, type Schemas } from './schemas.js';

export interface RouteInput {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
}

export interface RouteResult {
  status: number;
  body?: unknown;
}

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  /** Segments; `:name` captures one. */
  path: string;
  /** Whether the handler reads a JSON body. */
  body?: boolean;
  handle(input: RouteInput): RouteResult | Promise<RouteResult>;
}

/** Read-only views of the history, beside the messenger. */
export interface HistoryReaders {
  search: MessageSearch;
  conversations: Conversations;
}

/** Every route of the contract, core and ext. No logic here beyond parsing. */
export function buildRoutes(messenger: Messenger, readers: HistoryReaders, schemas: Schemas): Route[] {
  const ok = (body: unknown, status = 200): RouteResult => ({ status, body });
  const noContent: RouteResult = { status: 204 };
  const usernameParam = (params: Record<string, string>) => parse(schemas.usernameParam, params, 'username').username;
  return [
    { method: 'GET', path: '/status', handle: () => ok(messenger.status()) },
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
        const input = parse(schemas.verifyBody, body, 'request body');
        return ok(messenger.markVerified(usernameParam(params), input?.safety_number));
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
        const { to, text } = parse(schemas.sendBody, body, 'request body');
        return ok(await messenger.send(to, text), 201);
      },
    },
    {
      method: 'GET',
      path: '/search',
      handle: ({ query }) => ok(readers.search.search(parse(schemas.searchQuery, Object.fromEntries(query), 'query'))),
    },
    { method: 'GET', path: '/conversations', handle: () => ok(readers.conversations.list()) },
    {
      method: 'DELETE',
      path: '/messages/:msg_id',
      handle: ({ params }) => {
        messenger.deleteMessage(parse(schemas.msgIdParam, params, 'message id').msg_id);
        return noContent;
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
    const part = parts[i]!;
    let segment: string;
    try {
      segment = decodeURIComponent(segments[i]!);
    } catch {
      return null;
    }
    if (part.startsWith(':')) params[part.slice(1)] = segment;
    else if (part !== segment) return null;
  }
  return params;
}
