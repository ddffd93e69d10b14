import { spawn, type ChildProcess } from 'node:child_process';
import { EventClient, type EventClientOptions } from '../../testkit/event-client.js';
import { HttpClient } from '../../testkit/http-client.js';
import { builtPath } from '../../testkit/repo.js';

/** The ports a floor script prints on its first stdout line. */
type Ports = Record<string, number>;

/**
 * Spawns `node <script> ...args` (the compiled bench/floor/<script>) and
 * resolves with the JSON line it prints.
 */
function spawnWithPorts(script: string, args: string[]): Promise<{ child: ChildProcess; ports: Ports }> {
  const child = spawn(process.execPath, [builtPath(`bench/floor/${script}.ts`), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const [line] = out.split('\n');
      if (out.includes('\n') && line) resolve({ child, ports: JSON.parse(line) as Ports });
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

/** Resolves once `child` has exited, sending SIGTERM if it runs. */
function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/**
 * A bare node:http server answering every GET with the contents of `file`.
 */
export async function startStaticHttp(file: string) {
  const { child, ports } = await spawnWithPorts('static-http', [file]);
  const http = new HttpClient(Number(ports.http_port));
  return {
    http,
    async stop() {
      http.close();
      await stopChild(child);
    },
  };
}

/**
 * The bare pipe: HTTP POST on one process → one TCP frame → WebSocket push
 * on a second process, acked back before the POST is answered. Returns a
 * client for POSTs and for the push socket, like a pair of Parley hosts.
 */
export async function startFloor() {
  const back = await spawnWithPorts('pipe-back', []);
  const front = await spawnWithPorts('pipe-front', [String(back.ports.tcp_port)]);
  const children = [front.child, back.child];
  const http = new HttpClient(Number(front.ports.http_port));
  return {
    http,
    events: (options?: EventClientOptions): Promise<EventClient> => EventClient.connectUrl(`ws://127.0.0.1:${back.ports.ws_port}/`, {}, options),
    pids: children.map((c) => c.pid),
    async stop() {
      http.close();
      await Promise.all(children.map(stopChild));
    },
  };
}
