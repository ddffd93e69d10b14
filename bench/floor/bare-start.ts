/**
 * The start-up floor: node starts, writes `<dir>/host.json` naming its pid,
 * then idles until SIGTERM. Usage: `node bare-start.js --data-dir <dir>`.
 */
import fs from 'node:fs';
import path from 'node:path';

const dir = process.argv[process.argv.indexOf('--data-dir') + 1] ?? '.';
fs.writeFileSync(path.join(dir, 'host.json'), JSON.stringify({ pid: process.pid, api_port: 0, ws_port: 0, peer_port: 0 }));
setInterval(() => {}, 60_000);
process.on('SIGTERM', () => process.exit(0));
