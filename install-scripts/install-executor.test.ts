import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHROMIUM_EXTENSION_ID, GECKO_EXTENSION_ID, NATIVE_HOST_NAME } from '../shared/extension-id.js';
import { executePlan, type CommandResult } from './install-executor.js';
import { BROWSERS } from './install-locations.js';
import { planInstall, planUninstall, type InstallInput } from './install-plan.js';

const identity = {
  hostName: NATIVE_HOST_NAME,
  chromiumExtensionId: CHROMIUM_EXTENSION_ID,
  geckoExtensionId: GECKO_EXTENSION_ID,
};

const MANIFESTS = [
  '.config/google-chrome/NativeMessagingHosts/com.parley.host.json',
  '.config/chromium/NativeMessagingHosts/com.parley.host.json',
  '.config/microsoft-edge/NativeMessagingHosts/com.parley.host.json',
  '.config/BraveSoftware/Brave-Browser/NativeMessagingHosts/com.parley.host.json',
  '.mozilla/native-messaging-hosts/com.parley.host.json',
];
const LAUNCHER = '.local/share/parley/native-host/parley-host-launcher.sh';

let home: string;
let input: InstallInput;

beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-install-'));
  // A stand-in host entry that reports how it was started.
  const entry = path.join(home, 'probe-host.js');
  fs.writeFileSync(
    entry,
    'process.stdout.write(JSON.stringify({ argv: process.argv.slice(2), probe: process.env.PARLEY_PROBE ?? null }));\n',
  );
  input = {
    platform: 'linux',
    homeDir: home,
    browsers: BROWSERS,
    nodePath: process.execPath,
    repoDir: home,
    hostEntry: entry,
    env: {},
    identity,
  };
});

afterEach(() => {
  fs.rmSync(home, { recursive: true, force: true });
});

describe.skipIf(process.platform === 'win32')('executePlan on Linux into a temporary HOME', () => {
  it('installs idempotently, runs the launcher, then uninstalls everything', () => {
    const lines: string[] = [];
    const log = (line: string) => lines.push(line);

    executePlan(planInstall(input), { log });
    const firstPass = snapshot(home);
    lines.length = 0;
    const outcomes = executePlan(planInstall(input), { log });
    expect(snapshot(home)).toEqual(firstPass);
    expect(outcomes.every((o) => o.result === 'written')).toBe(true);
    // Every path written is printed.
    expect(lines).toHaveLength(6);
    for (const rel of [LAUNCHER, ...MANIFESTS]) {
      expect(lines.some((l) => l.startsWith('wrote') && l.endsWith(path.join(home, rel)))).toBe(true);
    }

    const launcher = path.join(home, LAUNCHER);
    expect(fs.statSync(launcher).mode & 0o777).toBe(0o755);
    expect(fs.readFileSync(launcher, 'utf8')).toContain(`'${process.execPath}'`);
    for (const rel of MANIFESTS) {
      const file = path.join(home, rel);
      expect(fs.statSync(file).mode & 0o777).toBe(0o644);
      const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as { path: string; name: string };
      expect(manifest).toMatchObject({ name: 'com.parley.host', path: launcher });
    }
    expect(leftoverTempFiles(home)).toEqual([]);

    // The launcher runs with no PATH at all (as from a desktop session) and
    // hands the browser's arguments and PARLEY_* variables to the host.
    const origin = `chrome-extension://${CHROMIUM_EXTENSION_ID}/`;
    const out = execFileSync(launcher, [origin, '--parent-window=0', 'with space'], {
      env: { PARLEY_PROBE: 'kept' },
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toEqual({ argv: [origin, '--parent-window=0', 'with space'], probe: 'kept' });

    lines.length = 0;
    executePlan(planUninstall(input), { log });
    for (const rel of [LAUNCHER, ...MANIFESTS]) expect(fs.existsSync(path.join(home, rel))).toBe(false);
    expect(fs.existsSync(path.join(home, '.local/share/parley/native-host'))).toBe(false);
    expect(lines.filter((l) => l.startsWith('removed'))).toHaveLength(7);

    // Uninstalling again finds nothing and does not fail.
    lines.length = 0;
    const again = executePlan(planUninstall(input), { log });
    expect(again.map((o) => o.result)).toEqual([...MANIFESTS.map(() => 'absent'), 'absent', 'absent']);
  });

  it('writes into DIR/NativeMessagingHosts for --user-data-dir and keeps a non-empty launcher folder', () => {
    const profile = path.join(home, 'profile');
    const withProfile = { ...input, userDataDir: profile };
    executePlan(planInstall(withProfile), { log: () => {} });
    const manifest = path.join(profile, 'NativeMessagingHosts', 'com.parley.host.json');
    expect(JSON.parse(fs.readFileSync(manifest, 'utf8'))).toMatchObject({
      allowed_origins: [`chrome-extension://${CHROMIUM_EXTENSION_ID}/`],
    });
    expect(fs.existsSync(path.join(home, '.config'))).toBe(false);

    executePlan(planUninstall(withProfile), { log: () => {} });
    expect(fs.existsSync(manifest)).toBe(false);
    expect(fs.existsSync(path.join(home, LAUNCHER))).toBe(true);

    // A stray file in the launcher folder keeps the folder on a full uninstall.
    fs.writeFileSync(path.join(home, '.local/share/parley/native-host/notes.txt'), 'mine');
    const outcomes = executePlan(planUninstall(input), { log: () => {} });
    expect(outcomes.at(-1)?.result).toBe('kept');
  });

  it('fixes the mode of a launcher that lost its executable bit', () => {
    executePlan(planInstall(input), { log: () => {} });
    const launcher = path.join(home, LAUNCHER);
    fs.chmodSync(launcher, 0o600);
    executePlan(planInstall(input), { log: () => {} });
    expect(fs.statSync(launcher).mode & 0o777).toBe(0o755);
    expect(spawnSync(launcher, [], { env: {} }).status).toBe(0);
  });
});

describe('executePlan commands', () => {
  const windows: InstallInput = {
    platform: 'win32',
    homeDir: 'C:\\Users\\alice',
    browsers: ['chrome'],
    nodePath: 'C:\\node\\node.exe',
    repoDir: 'C:\\parley',
    env: { LOCALAPPDATA: 'C:\\Users\\alice\\AppData\\Local' },
    identity,
  };
  const commandsOnly = (plan: ReturnType<typeof planUninstall>) => plan.filter((a) => a.kind === 'run-command');

  it('runs reg and prints the command', () => {
    const ran: string[][] = [];
    const lines: string[] = [];
    const runCommand = (command: string, args: string[]): CommandResult => {
      ran.push([command, ...args]);
      return { status: 0, stderr: '' };
    };
    executePlan(commandsOnly(planInstall(windows)), { log: (l) => lines.push(l), runCommand });
    expect(ran).toEqual([
      [
        'reg',
        'add',
        'HKCU\\Software\\Google\\Chrome\\NativeMessagingHosts\\com.parley.host',
        '/ve',
        '/t',
        'REG_SZ',
        '/d',
        'C:\\Users\\alice\\AppData\\Local\\Parley\\native-host\\com.parley.host-chrome.json',
        '/f',
      ],
    ]);
    expect(lines[0]).toContain(
      'reg add "HKCU\\Software\\Google\\Chrome\\NativeMessagingHosts\\com.parley.host" /ve /t REG_SZ /d "C:\\Users\\alice\\AppData\\Local\\Parley\\native-host\\com.parley.host-chrome.json" /f',
    );
  });

  it('fails on a failed reg add but tolerates a failed reg delete', () => {
    const failing = (): CommandResult => ({ status: 1, stderr: 'ERROR: access denied' });
    expect(() => executePlan(commandsOnly(planInstall(windows)), { log: () => {}, runCommand: failing })).toThrow(
      /reg add .* failed: ERROR: access denied/,
    );
    const outcomes = executePlan(commandsOnly(planUninstall(windows)), { log: () => {}, runCommand: failing });
    expect(outcomes.map((o) => o.result)).toEqual(['failed-allowed']);
  });
});

function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else out[path.relative(root, full)] = `${(fs.statSync(full).mode & 0o777).toString(8)} ${fs.readFileSync(full, 'utf8')}`;
    }
  };
  walk(root);
  return out;
}

function leftoverTempFiles(root: string): string[] {
  return Object.keys(snapshot(root)).filter((f) => f.endsWith('.tmp'));
}
