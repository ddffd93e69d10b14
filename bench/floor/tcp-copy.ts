/**
 * The file-transfer floor: one process sends a file over a plain TCP socket
 * on loopback, a second takes it. `memory` mode sends zeros from memory and
 * discards them (the socket alone); `disk` mode reads the file and writes
 * it to disk, synced (the dumbest correct copy: no crypto, no framing, no
 * hashing). The receiving side prints its port, then one JSON line with the
 * bytes and seconds once the sender closed.
 *
 *   node dist/bench/floor/tcp-copy.js receive <memory|disk> [out-file]
 *   node dist/bench/floor/tcp-copy.js send <memory|disk> <port> <bytes|in-file>
 */
import fs from 'node:fs';
import net from 'node:net';

const [role, mode, arg1, arg2] = process.argv.slice(2);
const CHUNK = 256 * 1024;

if (role === 'receive') {
  const server = net.createServer((socket) => {
    const started = performance.now();
    let bytes = 0;
    const sink = mode === 'disk' ? fs.createWriteStream(arg1 as string) : null;
    socket.on('data', (chunk) => {
      bytes += chunk.length;
      if (sink && !sink.write(chunk)) {
        socket.pause();
        sink.once('drain', () => socket.resume());
      }
    });
    socket.on('end', () => {
      const done = () => {
        process.stdout.write(JSON.stringify({ bytes, seconds: (performance.now() - started) / 1000 }) + '\n');
        server.close();
      };
      if (!sink) return done();
      sink.end(() => {
        const fd = fs.openSync(arg1 as string, 'r+');
        fs.fsyncSync(fd);
        fs.closeSync(fd);
        done();
      });
    });
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port: (server.address() as net.AddressInfo).port }) + '\n'));
} else {
  const socket = net.connect({ host: '127.0.0.1', port: Number(arg1) }, () => {
    if (mode === 'disk') {
      fs.createReadStream(arg2 as string, { highWaterMark: CHUNK }).pipe(socket);
      return;
    }
    const block = Buffer.alloc(CHUNK);
    let left = Number(arg2);
    const pump = () => {
      while (left > 0) {
        const n = Math.min(left, CHUNK);
        left -= n;
        if (!socket.write(n === CHUNK ? block : block.subarray(0, n))) return void socket.once('drain', pump);
      }
      socket.end();
    };
    pump();
  });
}
