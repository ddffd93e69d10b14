import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { HostInfo } from '../shared/contract.js';

export interface HostReady {
  /** What the host wrote to `<data-dir>/host.json`. */
  info: HostInfo;
  /** The API token, or null when the data dir has none. */
  token: string | null;
  /** performance.now() when host.json naming the child was first seen. */
  readyAt: number;
}

/**
 * Waits until `child` (a host on `dataDir`) wrote its host.json, watching the
 * data dir (inotify) with a polling fallback so the moment it appears is
 * timed closely; returns it and the API token.
 */
export async function waitForHostInfo(
  dataDir: string,
  child: ChildProcess,
  stderr: () => string,
  timeoutMs = 20_000,
): Promise<HostReady> {
  const file = path.join(dataDir, 'host.json');
  const { info, readyAt } = await new Promise<{ info: HostInfo; readyAt: number }>((resolve, reject) => {
    let done = false;
    let watcher: fs.FSWatcher | undefined;
    const finish = (result: Error | { info: HostInfo; readyAt: number }) => {
      if (done) return;
      done = true;
      watcher?.close();
      clearInterval(poll);
      clearTimeout(timer);
      child.off('exit', onExit);
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const check = () => {
      const at = performance.now();
      try {
        const found = JSON.parse(fs.readFileSync(file, 'utf8')) as HostInfo;
        if (found.pid === child.pid) finish({ info: found, readyAt: at });
      } catch {
        // not there yet, or caught mid-rename
      }
    };
    const onExit = (code: number | null) => finish(new Error(`host exited with ${code}: ${stderr()}`));
    child.once('exit', onExit);
    try {
      watcher = fs.watch(dataDir, (_event, name) => {
        if (name === 'host.json') check();
      });
    } catch {
      // the data dir does not exist yet: polling only
    }
    const poll = setInterval(check, watcher ? 50 : 5);
    const timer = setTimeout(() => finish(new Error(`host not ready in ${timeoutMs} ms: ${stderr()}`)), timeoutMs);
    if (child.exitCode !== null) onExit(child.exitCode);
    else check();
  });
  const tokenFile = path.join(dataDir, 'api-token');
  return { info, token: fs.existsSync(tokenFile) ? fs.readFileSync(tokenFile, 'utf8').trim() : null, readyAt };
}
