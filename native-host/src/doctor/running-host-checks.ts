import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ApiClient } from '../../../shared/api-client.js';
import { verifyRunningHost } from '../native/host-verification.js';
import { HOST_INFO_FILE, isOwnProcessAlive, LOCK_FILE, readHostInfo, TOKEN_FILE } from '../store/data-dir.js';
import type { Finding } from './finding.js';

/** How long the running host may take to answer. */
const ANSWER_TIMEOUT_MS = 3_000;

/**
 * Whether a host runs for this data dir and answers on its ports; when none
 * runs, whether the ports it will want are free.
 */
export async function checkRunningHost(dataDir: string, wanted: { apiPort: number; wsPort: number }): Promise<Finding[]> {
  const info = readHostInfo(dataDir);
  if (!info) {
    const findings: Finding[] = [{ status: 'info', subject: 'host', detail: 'not running; the browser starts it when Parley opens' }];
    for (const [name, port, env] of [['API', wanted.apiPort, 'PARLEY_API_PORT'], ['events', wanted.wsPort, 'PARLEY_WS_PORT']] as const) {
      if (port !== 0 && !(await portFree(port))) {
        findings.push({
          status: 'fail',
          subject: `${name} port`,
          detail: `127.0.0.1:${port} is taken by another program, so the host cannot start there`,
          fix: `stop that program (ss -ltnp 'sport = :${port}' shows it), or set ${env} to another port (0 picks one)`,
        });
      }
    }
    return findings;
  }
  if (!isOwnProcessAlive(info.pid)) {
    return [{
      status: 'warn',
      subject: 'host',
      detail: `${path.join(dataDir, HOST_INFO_FILE)} names pid ${info.pid}, which is gone (a host that did not stop cleanly)`,
      fix: 'nothing needed: the next host replaces it; or delete the file',
    }];
  }
  // The token goes only to a host that proved it is the one host.json describes.
  const check = await verifyRunningHost(info, ANSWER_TIMEOUT_MS);
  if (check !== 'proven') {
    const stale = check === 'nobody' || check === 'impostor';
    return [{
      status: 'fail',
      subject: 'host',
      detail: stale
        ? `${path.join(dataDir, HOST_INFO_FILE)} names pid ${info.pid}, but ${check === 'nobody' ? 'nothing listens' : 'something other than its host answers'} on 127.0.0.1:${info.api_port} (a host that did not stop cleanly, its pid now another program's)`
        : `pid ${info.pid} runs but ${check === 'silent' ? 'did not prove in time that it is this data dir\'s host' : 'is a host from an older Parley, which cannot prove itself'}; the token was not sent to it`,
      fix: stale
        ? `nothing needed: the browser takes over when Parley opens; or delete ${HOST_INFO_FILE} and ${LOCK_FILE} in ${dataDir}`
        : `stop it (kill ${info.pid}) and reopen Parley`,
    }];
  }
  const tokenFile = path.join(dataDir, TOKEN_FILE);
  const token = fs.existsSync(tokenFile) ? fs.readFileSync(tokenFile, 'utf8').trim() : null;
  const api = new ApiClient({ baseUrl: `http://127.0.0.1:${info.api_port}`, token, timeoutMs: ANSWER_TIMEOUT_MS });
  const findings: Finding[] = [];
  try {
    const status = await api.status();
    findings.push({
      status: 'ok',
      subject: 'host',
      detail: `pid ${info.pid}, version ${status.version}, user ${status.username ?? '(not set up)'}, API on 127.0.0.1:${info.api_port}, ` +
        `directory ${status.directory.kind} ${status.directory.reachable ? 'reachable' : 'NOT reachable'}`,
    });
    if (!status.directory.reachable) {
      findings.push({ status: 'warn', subject: 'directory', detail: `the ${status.directory.kind} directory is not reachable: friends cannot be found or mailed`, fix: 'check the network, or --supabase-url / --supabase-key' });
    }
  } catch (err) {
    findings.push({
      status: 'fail',
      subject: 'host',
      detail: `pid ${info.pid} runs but GET /status on 127.0.0.1:${info.api_port} failed: ${(err as Error).message}`,
      fix: `stop it (kill ${info.pid}) and reopen Parley; the log is where --log-file or PARLEY_LOG_FILE points`,
    });
  }
  if (!(await accepts(info.ws_port))) {
    findings.push({ status: 'fail', subject: 'events port', detail: `nothing accepts connections on 127.0.0.1:${info.ws_port}`, fix: `stop the host (kill ${info.pid}) and reopen Parley` });
  } else {
    findings.push({ status: 'ok', subject: 'events port', detail: `127.0.0.1:${info.ws_port} accepts connections` });
  }
  return findings;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(ANSWER_TIMEOUT_MS, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
