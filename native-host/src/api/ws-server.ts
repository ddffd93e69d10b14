import http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import * as z from 'zod';
import { EVENTS_PATH, type HostEvent } from '../../../shared/contract.js';
import type { EventBus } from '../chat/event-bus.js';
import type { Messenger } from '../chat/messenger.js';
import type { Limits } from '../config/limits.js';
import { errors } from '../errors.js';
import type { Logger } from '../logger.js';
import type { AccessPolicy } from './access.js';
import { toHttpError } from './error-mapping.js';
import { parse, type Schemas } from './schemas.js';

const MAX_CLIENT_FRAME_BYTES = 64 * 1024;
const CLIENT_PING_MS = 30_000;

/**
 * The event stream on 127.0.0.1:<ws-port>/events. Every client gets every
 * event; a client that falls `wsMaxBufferedBytes` behind is dropped so it
 * cannot hold the others back; bad client frames get an `error` event.
 */
export function createEventsServer(deps: {
  messenger: Messenger;
  bus: EventBus;
  access: AccessPolicy;
  schemas: Schemas;
  limits: Limits;
  log: Logger;
}): { server: http.Server; clientCount(): number; close(): void } {
  const log = deps.log.child('ws');
  const { schemas } = deps;
  const clientFrame = z.discriminatedUnion('event', [
    z.object({ event: z.literal('typing'), data: z.object({ to: schemas.usernameBody.shape.username, typing: z.boolean() }) }),
    z.object({
      event: z.literal('mark_read'),
      data: z.object({ peer: schemas.usernameBody.shape.username, msg_id: schemas.msgIdParam.shape.msg_id }),
    }),
  ]);
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_FRAME_BYTES, clientTracking: true });
  const alive = new WeakSet<WebSocket>();

  const server = http.createServer((req, res) => {
    const { status, body } = toHttpError(errors.badRequest('This port serves WebSocket upgrades on /events only'));
    res.writeHead(status === 400 ? 426 : status, { 'Content-Type': 'application/json', Upgrade: 'websocket' });
    res.end(JSON.stringify(body));
    req.resume();
  });

  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    try {
      if (new URL(req.url ?? '/', 'http://localhost').pathname !== EVENTS_PATH) throw errors.routeNotFound(req.url ?? '/');
      deps.access.checkOrigin(req);
      deps.access.checkToken(req, true);
      if (wss.clients.size >= deps.limits.wsMaxClients) throw errors.forbidden('Too many event clients');
    } catch (err) {
      const { status, body } = toHttpError(err);
      const payload = JSON.stringify(body);
      socket.end(
        `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(payload)}\r\nConnection: close\r\n\r\n${payload}`,
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      alive.add(ws);
      ws.on('pong', () => alive.add(ws));
      ws.on('message', (data, isBinary) => handleClientFrame(ws, isBinary ? null : data.toString()));
      ws.on('error', (err) => log.debug('client error', { err }));
    });
  });

  const reply = (ws: WebSocket, event: HostEvent) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(event));
  };

  function handleClientFrame(ws: WebSocket, text: string | null): void {
    try {
      if (text === null) throw errors.badRequest('Binary frames are not accepted');
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw errors.badRequest('Frame is not valid JSON');
      }
      const frame = parse(clientFrame, json, 'event');
      deps.messenger.clientEvent(frame.event, frame.data);
    } catch (err) {
      reply(ws, { event: 'error', data: { error: toHttpError(err).body.error } });
    }
  }

  const unsubscribe = deps.bus.subscribe((event) => {
    const payload = JSON.stringify(event);
    for (const ws of wss.clients) {
      if (ws.readyState !== ws.OPEN) continue;
      if (ws.bufferedAmount > deps.limits.wsMaxBufferedBytes) {
        log.warn('dropping an event client that fell too far behind', { buffered: ws.bufferedAmount });
        ws.terminate();
        continue;
      }
      ws.send(payload);
    }
  });

  const pinger = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, CLIENT_PING_MS);
  pinger.unref();

  return {
    server,
    clientCount: () => wss.clients.size,
    close: () => {
      unsubscribe();
      clearInterval(pinger);
      for (const ws of wss.clients) ws.close(1001, 'host shutting down');
      wss.close();
    },
  };
}
