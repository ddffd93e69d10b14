import fs from 'node:fs';
import http from 'node:http';
import type { Messenger } from '../chat/messenger.js';
import type { Limits } from '../config/limits.js';
import { errors, ParleyError } from '../errors.js';
import { hostProof } from '../host-proof.js';
import type { Logger } from '../logger.js';
import type { AccessPolicy } from './access.js';
import { parseJsonBody, readBody } from './body.js';
import { toHttpError } from './error-mapping.js';
import { type BodyStream, buildRoutes, type HistoryReaders, matchRoute } from './routes.js';
import type { Schemas } from './schemas.js';

const SECURITY_HEADERS = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
};

/** The REST API server. Bind it to 127.0.0.1 only. */
export function createApiServer(deps: {
  messenger: Messenger;
  readers: HistoryReaders;
  access: AccessPolicy;
  schemas: Schemas;
  limits: Limits;
  log: Logger;
  /** This run's key for GET /proof (host.json's proof_key). */
  proofKey: string;
}): http.Server {
  const routes = buildRoutes(deps.messenger, deps.readers, deps.schemas, (nonce) => hostProof(deps.proofKey, nonce));
  const log = deps.log.child('api');

  const server = http.createServer(async (req, res) => {
    const cors = corsHeaders(req, deps.access);
    try {
      deps.access.checkOrigin(req);
      if (req.method === 'OPTIONS') {
        respond(res, 204, undefined, {
          ...cors,
          'Access-Control-Allow-Methods': 'GET, POST, PATCH, DELETE, OPTIONS',
          'Access-Control-Allow-Headers': 'Authorization, Content-Type',
          'Access-Control-Max-Age': '600',
        });
        return;
      }
      const url = new URL(req.url ?? '/', 'http://localhost');
      const match = matchRoute(routes, req.method ?? 'GET', url.pathname);
      // Before anything else is told, even whether a route exists, except on open routes.
      if (!(match && 'route' in match && match.route.open)) deps.access.checkToken(req, false);
      if (!match) throw errors.routeNotFound(url.pathname);
      if ('allowed' in match) {
        cors.Allow = match.allowed.join(', ');
        throw errors.methodNotAllowed(req.method ?? '', url.pathname);
      }
      // GET and DELETE may carry a Content-Type and an empty body: read, check size, ignore.
      const stream = match.route.stream ? bodyStream(req) : null;
      const text = stream ? '' : await readBody(req, deps.limits.maxBodyBytes);
      const body = match.route.body ? parseJsonBody(text) : undefined;
      const result = await match.route.handle({ params: match.params, query: url.searchParams, body, stream });
      if (result.file) sendFile(res, result.file, cors, log);
      else respond(res, result.status, result.body, cors);
    } catch (err) {
      const { status, body } = toHttpError(err);
      if (!(err instanceof ParleyError)) log.error('request failed', { method: req.method, url: req.url, err, stack: (err as Error)?.stack });
      else log.debug('request refused', { method: req.method, url: req.url, code: body.code });
      const closing: Record<string, string> = status === 413 ? { Connection: 'close' } : {};
      respond(res, status, body, { ...cors, ...closing });
      // Let an oversized upload drain so the client reads the 413, within bounds.
      if (status === 413) drainThenClose(req);
    }
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  return server;
}

function corsHeaders(req: http.IncomingMessage, access: AccessPolicy): Record<string, string> {
  const origin = req.headers.origin;
  return origin && access.isAllowedOrigin(origin) ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' } : {};
}

function respond(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  if (res.headersSent) return;
  const payload = body === undefined ? undefined : JSON.stringify(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    ...headers,
    ...(payload !== undefined ? { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(payload) } : {}),
  });
  res.end(payload);
}

/** The raw body of an upload, read as it arrives; left open on failure so a 413 can still be read by the client. */
function bodyStream(req: http.IncomingMessage): BodyStream {
  const declared = req.headers['content-length'];
  return {
    type: req.headers['content-type'],
    length: declared !== undefined && /^\d+$/.test(declared) ? Number(declared) : null,
    chunks: req.iterator({ destroyOnReturn: false }) as AsyncIterable<Uint8Array>,
  };
}

function sendFile(res: http.ServerResponse, file: { path: string; headers: Record<string, string> }, cors: Record<string, string>, log: Logger): void {
  const stream = fs.createReadStream(file.path);
  stream.once('open', () => {
    res.writeHead(200, { ...SECURITY_HEADERS, ...cors, ...file.headers });
    stream.pipe(res);
  });
  stream.once('error', (err) => {
    log.warn('could not read an attachment to serve', { err: err.message });
    if (!res.headersSent) respond(res, 404, { error: 'Attachment file is missing', code: 'ATTACHMENT_NOT_FOUND' }, cors);
    else res.destroy();
  });
  res.once('close', () => stream.destroy());
}

function drainThenClose(req: http.IncomingMessage): void {
  const timer = setTimeout(() => req.socket.destroy(), 2000);
  timer.unref();
  req.on('end', () => clearTimeout(timer));
  req.resume();
}
