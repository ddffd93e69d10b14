// @ts-check
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HttpClient } from './http-client.js';
import { EventStream } from './event-stream.js';

const FLOOR_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../floor');

/**
 * Spawns `node <script> ...args` and resolves with the JSON line it prints.
 * @param {string} script
 * @param {string[]} args
 */
function spawnWithPorts(script, args) {
  const child = spawn(process.execPath, [path.join(FLOOR_DIR, script), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve({ child, ports: JSON.parse(line) });
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

/**
 * A bare node:http server answering every GET with the contents of `file`.
 * @param {string} file
 */
export async function startStaticHttp(file) {
  const { child, ports } = /** @type {any} */ (await spawnWithPorts('static-http.js', [file]));
  return {
    http: new HttpClient(ports.http_port),
    async stop() {
      this.http.close();
      await new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(undefined);
        child.once('exit', resolve);
        child.kill('SIGTERM');
      });
    },
  };
}

/**
 * The bare pipe: HTTP POST on one process → one TCP frame → WebSocket push
 * on a second process, acked back before the POST is answered. Returns a
 * client for POSTs and for the push socket, like a pair of Parley hosts.
 */
export async function startFloor() {
  const back = /** @type {any} */ (await spawnWithPorts('pipe-back.js', []));
  const front = /** @type {any} */ (await spawnWithPorts('pipe-front.js', [String(back.ports.tcp_port)]));
  const children = [front.child, back.child];
  return {
    http: new HttpClient(front.ports.http_port),
    /** @returns {Promise<EventStream>} */
    events: () => EventStream.connect(`ws://127.0.0.1:${back.ports.ws_port}/`),
    pids: children.map((c) => c.pid),
    async stop() {
      this.http.close();
      await Promise.all(children.map((c) => new Promise((resolve) => {
        if (c.exitCode !== null) return resolve(undefined);
        c.once('exit', resolve);
        c.kill('SIGTERM');
      })));
    },
  };
}
