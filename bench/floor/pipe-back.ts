/**
 * The floor's second process: takes frames on a TCP port, pushes each body to
 * every WebSocket client as a `new_message` event, then acks the frame. No
 * crypto, no storage, no validation. Prints its two ports as one JSON line.
 */
import http from 'node:http';
import net from 'node:net';
import { WebSocketServer } from 'ws';
import { decoder, encode } from './frames.js';

const wsServer = http.createServer((_req, res) => res.writeHead(426).end());
const wss = new WebSocketServer({ server: wsServer });

const tcp = net.createServer((socket) => {
  socket.setNoDelay(true);
  socket.on('data', decoder((id, payload) => {
    const event = `{"event":"new_message","data":${payload.toString('utf8')}}`;
    for (const client of wss.clients) client.send(event);
    socket.write(encode(id));
  }));
  socket.on('error', () => socket.destroy());
});

const listen = (server: net.Server|http.Server) =>
  new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));

const [tcpPort, wsPort] = await Promise.all([listen(tcp), listen(wsServer)]);
process.stdout.write(JSON.stringify({ tcp_port: tcpPort, ws_port: wsPort }) + '\n');
process.on('SIGTERM', () => process.exit(0));
