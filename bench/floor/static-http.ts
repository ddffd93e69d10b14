/**
 * The HTTP floor of the history figures: a bare node:http server answering
 * every GET with the bytes of one file (a real 50-message page), read once.
 * Usage: `node dist/bench/floor/static-http.js <file>`. Prints its port as one JSON line.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const body = fs.readFileSync(process.argv[2] ?? '');
const server = http.createServer((req, res) => {
  req.resume();
  res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': body.length }).end(body);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ http_port: (server.address() as AddressInfo).port }) + '\n');
});
process.on('SIGTERM', () => process.exit(0));
