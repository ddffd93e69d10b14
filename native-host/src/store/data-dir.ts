import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { HostInfo } from '../../../shared/contract.js';

export const HOST_INFO_FILE = 'host.json';
export const TOKEN_FILE = 'api-token';
export const LOCK_FILE = 'host.lock';
export const DATABASE_FILE = 'parley.db';

/** Creates the profile folder (0700) if needed and tightens an existing one. */
export function ensureDataDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
}

/** Writes via a temp file and rename, with the final mode from the start. */
export function writeFileAtomic(file: string, content: string, mode: number): void {
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, content, { mode });
  fs.chmodSync(temp, mode);
  fs.renameSync(temp, file);
}

export type LockResult = { acquired: true } | { acquired: false; pid: number };

/**
 * One host per data dir. The lock file holds the owner's pid; a lock left by
 * a process that no longer exists (kill -9, power loss), or whose pid now
 * belongs to another user, is taken over. A pid reused by another process of
 * ours looks alive: the launcher tells it apart by asking for the host's
 * proof (native/host-verification.ts) and then `releaseStaleLock`.
 */
export function acquireLock(dir: string): LockResult {
  const file = path.join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx', mode: 0o600 });
      return { acquired: true };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = readPid(file);
    if (owner !== null && owner !== process.pid && isOwnProcessAlive(owner)) return { acquired: false, pid: owner };
    // Stale: remove and retry; if another starter wins the race, wx fails and we re-check.
    fs.rmSync(file, { force: true });
  }
  const owner = readPid(file);
  return { acquired: false, pid: owner ?? -1 };
}

export function releaseLock(dir: string): void {
  const file = path.join(dir, LOCK_FILE);
  if (readPid(file) === process.pid) fs.rmSync(file, { force: true });
}

/**
 * Whether `pid` runs as a process of this user. A host for a data dir runs
 * as the user who owns it (the dir is 0700), so a process we may not signal
 * (EPERM: another user's) is never that host, only a reused pid.
 */
export function isOwnProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Drops the lock and host.json of `stalePid`, found not to be a Parley host
 * for this dir, so that a new host can start. Leaves them if another process
 * took the lock meanwhile.
 */
export function releaseStaleLock(dir: string, stalePid: number): void {
  const file = path.join(dir, LOCK_FILE);
  if (readPid(file) !== stalePid) return;
  if (readHostInfo(dir)?.pid === stalePid) removeHostInfo(dir);
  fs.rmSync(file, { force: true });
}

function readPid(file: string): number | null {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/**
 * A new API bearer token for this run (0600), replacing the last one: a
 * token that leaked (to whatever listened on an old port, say) is worthless
 * once the host restarts. Local clients read the file; the extension gets
 * it over the native port.
 */
export function createToken(dir: string): string {
  const token = crypto.randomBytes(32).toString('base64url');
  writeFileAtomic(path.join(dir, TOKEN_FILE), token + '\n', 0o600);
  return token;
}

export function writeHostInfo(dir: string, info: HostInfo): void {
  writeFileAtomic(path.join(dir, HOST_INFO_FILE), JSON.stringify(info) + '\n', 0o600);
}

export function readHostInfo(dir: string): HostInfo | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, HOST_INFO_FILE), 'utf8')) as HostInfo;
  } catch {
    return null;
  }
}

export function removeHostInfo(dir: string): void {
  fs.rmSync(path.join(dir, HOST_INFO_FILE), { force: true });
}
