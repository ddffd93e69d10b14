import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { detectPackagings } from '../../../install-scripts/browser-packaging.js';
import { sandboxNote } from '../../../install-scripts/sandbox-notes.js';
import { ConfigError, parseCommandLine } from '../config/config.js';
import { checkDataDir } from './data-dir-checks.js';
import { type Finding, formatFindings } from './finding.js';
import { checkManifests } from './manifest-checks.js';
import { checkRunningHost } from './running-host-checks.js';
import { EXIT, type ExitCode } from '../exit-codes.js';

export const DOCTOR_USAGE = `Usage: parley-host doctor [--user-data-dir DIR] [host options such as --data-dir DIR]

Checks every installed native-messaging manifest, its launcher, the Node.js it
pins and that Node's version, the data dir's permissions, and a running host
and its ports; prints what is wrong and how to fix it. Exit code 1 when
something is wrong.
`;

/**
 * `parley-host doctor`: the checks, printed to stdout (a doctor is never
 * started by a browser, so stdout is free). Resolves with the exit code.
 */
export async function runDoctor(argv: readonly string[], out: (text: string) => void = (t) => process.stdout.write(t)): Promise<ExitCode> {
  const rest = [...argv];
  let userDataDir: string | null = null;
  const at = rest.findIndex((a) => a === '--user-data-dir' || a.startsWith('--user-data-dir='));
  if (at !== -1) {
    const [flag = ''] = rest.splice(at, 1);
    const value = flag.includes('=') ? flag.slice(flag.indexOf('=') + 1) : rest.splice(at, 1)[0];
    if (!value) return usage(out, '--user-data-dir needs a directory');
    userDataDir = path.resolve(value);
  }
  let parsed;
  try {
    parsed = parseCommandLine(rest);
  } catch (err) {
    if (err instanceof ConfigError) return usage(out, err.message);
    throw err;
  }
  if (parsed.kind !== 'run') {
    out(DOCTOR_USAGE);
    return EXIT.ok;
  }
  const { config } = parsed;
  const homeDir = os.homedir();
  const findings: Finding[] = [
    ...checkManifests({ platform: process.platform, homeDir, env: process.env, userDataDir }),
    ...sandboxFindings(homeDir),
    ...checkDataDir(config.dataDir),
    ...(await checkRunningHost(config.dataDir, { apiPort: config.apiPort, wsPort: config.wsPort })),
  ];
  out(formatFindings(findings));
  return findings.some((f) => f.status === 'fail') ? EXIT.failed : EXIT.ok;
}

/** Snap browsers need no file of their own; say whether they can work at all. */
function sandboxFindings(homeDir: string): Finding[] {
  if (process.platform !== 'linux') return [];
  return detectPackagings({ homeDir, exists: fs.existsSync })
    .filter((p) => p.kind === 'snap')
    .map((p): Finding => ({
      status: p.browser === 'firefox' ? 'info' : 'warn',
      subject: `${p.browser} snap`,
      detail: sandboxNote(p),
    }));
}

function usage(out: (text: string) => void, message: string): ExitCode {
  out(`parley-host doctor: ${message}\n\n${DOCTOR_USAGE}`);
  return EXIT.usage;
}
