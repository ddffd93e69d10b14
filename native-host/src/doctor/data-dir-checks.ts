import fs from 'node:fs';
import path from 'node:path';
import type { Finding } from './finding.js';

/**
 * The profile folder holds keys, the token and history: it must be the
 * user's own, 0700, writable, with every file in it 0600 (POSIX only).
 */
export function checkDataDir(dataDir: string, platform = process.platform): Finding[] {
  const subject = 'data dir';
  if (!fs.existsSync(dataDir)) return [{ status: 'info', subject, detail: `${dataDir} does not exist yet; the host creates it on first start` }];
  const stat = fs.statSync(dataDir);
  if (!stat.isDirectory()) return [{ status: 'fail', subject, detail: `${dataDir} is not a folder`, fix: `move ${dataDir} away, or start the host with --data-dir DIR` }];
  try {
    fs.accessSync(dataDir, fs.constants.W_OK | fs.constants.R_OK);
  } catch {
    return [{ status: 'fail', subject, detail: `${dataDir} is not readable and writable by you`, fix: `chown -R "$(id -un)" '${dataDir}'` }];
  }
  if (platform === 'win32') return [{ status: 'ok', subject, detail: dataDir }];
  const findings: Finding[] = [];
  if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) {
    findings.push({ status: 'fail', subject, detail: `${dataDir} belongs to another user (uid ${stat.uid})`, fix: `chown -R "$(id -un)" '${dataDir}'` });
  }
  if ((stat.mode & 0o077) !== 0) {
    findings.push({ status: 'fail', subject, detail: `${dataDir} is ${octal(stat.mode)}: others can look inside`, fix: `chmod 700 '${dataDir}'` });
  }
  const open = fs.readdirSync(dataDir, { withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(dataDir, e.name))
    .filter((file) => (fs.statSync(file).mode & 0o077) !== 0);
  if (open.length > 0) {
    findings.push({
      status: 'fail',
      subject: 'data files',
      detail: `readable by others: ${open.map((f) => `${path.basename(f)} (${octal(fs.statSync(f).mode)})`).join(', ')}`,
      fix: `chmod 600 ${open.map((f) => `'${f}'`).join(' ')}`,
    });
  }
  return findings.length > 0 ? findings : [{ status: 'ok', subject, detail: `${dataDir} (0700, files 0600)` }];
}

function octal(mode: number): string {
  return `0${(mode & 0o777).toString(8)}`;
}
