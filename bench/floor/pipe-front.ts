/**
 * The floor's first process: an HTTP server whose POST bodies each go out as
 * one TCP frame to the second process; the POST is answered once that frame
 * is acked, the round-trip shape of Parley's send pipeline. Usage:
 * `node pipe-front.js <tcp-port>`. Prints its HTTP port as one JSON line.
 */
import http from 'node:http';
import net from 'node:net';
import { decoder, encode } from './frames.js';

const backPort = Number(process.argv[2]);
const socket = net.connect({ host: '127.0.0.1', port: backPort });
socket.setNoDelay(true);
await new Promise((resolve, reject) => {
  socket.once('connect', resolve);
  socket.once('error', reject);
});

const pending = new Map<number, http.ServerResponse>();
let nextId = 1;
const ANSWER = '{"delivered":true}';

socket.on('data', decoder((id) => {
  const res = pending.get(id);
  if (!res) return;
  pending.delete(id);
  res.writeHead(201, { 'Content-Type': 'application/json', 'Content-Length': ANSWER.length }).end(ANSWER);
}));

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const id = nextId++ >>> 0;
    pending.set(id, res);
    socket.write(encode(id, Buffer.concat(chunks)));
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ http_port: (server.address() as net.AddressInfo).port }) + '\n');
});
process.on('SIGTERM', () => process.exit(0));
