import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHROMIUM_EXTENSION_ID, GECKO_EXTENSION_ID, NATIVE_HOST_NAME } from '../shared/extension-id.js';

const scriptsDir = path.dirname(fileURLToPath(import.meta.url));

// The entry reads the build output next to it, so each test gets a scratch
// checkout: a copy of install-scripts/ and the host's launch flags, plus the
// dist files it needs (the Node version rule as a stub that answers `level`).
let repo: string;
let home: string;

beforeEach(() => {
  repo = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-entry-'));
  home = path.join(repo, 'home');
  fs.mkdirSync(home);
  fs.cpSync(scriptsDir, path.join(repo, 'install-scripts'), { recursive: true, filter: (src) => !src.endsWith('.ts') });
  fs.mkdirSync(path.join(repo, 'native-host'));
  fs.cpSync(path.join(scriptsDir, '..', 'native-host', 'node-flags.js'), path.join(repo, 'native-host', 'node-flags.js'));
  fs.writeFileSync(path.join(repo, 'package.json'), '{"type":"module"}\n');
});

afterEach(() => {
  fs.rmSync(repo, { recursive: true, force: true });
});

function build(nodeLevel: 'supported' | 'deprecated' | 'unsupported' = 'supported') {
  fs.mkdirSync(path.join(repo, 'dist', 'shared'), { recursive: true });
  fs.writeFileSync(
    path.join(repo, 'dist', 'shared', 'extension-id.js'),
    `export const NATIVE_HOST_NAME = ${JSON.stringify(NATIVE_HOST_NAME)};\n` +
      `export const CHROMIUM_EXTENSION_ID = ${JSON.stringify(CHROMIUM_EXTENSION_ID)};\n` +
      `export const GECKO_EXTENSION_ID = ${JSON.stringify(GECKO_EXTENSION_ID)};\n`,
  );
  fs.mkdirSync(path.join(repo, 'dist', 'native-host', 'src'), { recursive: true });
  fs.writeFileSync(path.join(repo, 'dist', 'native-host', 'src', 'main.js'), '');
  const message = nodeLevel === 'supported' ? '' : `node level ${nodeLevel}`;
  fs.writeFileSync(
    path.join(repo, 'dist', 'native-host', 'src', 'node-support.js'),
    `export const nodeSupport = () => (${JSON.stringify({ level: nodeLevel, version: process.versions.node, message })});\n`,
  );
}

function run(args: string[]) {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home };
  return spawnSync(process.execPath, [path.join(repo, 'install-scripts', 'install.js'), ...args], {
    cwd: repo,
    env,
    encoding: 'utf8',
  });
}

describe.skipIf(process.platform !== 'linux')('install.js', () => {
  it('exits 2 with a clear message on bad arguments', () => {
    const out = run(['--browser', 'netscape']);
    expect(out.status).toBe(2);
    expect(out.stderr).toContain("Unknown browser 'netscape'");
    expect(out.stderr).toContain('Usage:');
  });

  it('prints help and exits 0', () => {
    const out = run(['--help']);
    expect(out.status).toBe(0);
    expect(out.stdout).toContain('--user-data-dir DIR');
  });

  it('asks for a build when the host is not built', () => {
    const out = run([]);
    expect(out.status).toBe(1);
    expect(out.stderr).toContain('npm run build:host');
  });

  it('installs, reinstalls and uninstalls, printing every path', () => {
    build();
    const manifest = path.join(home, '.config', 'chromium', 'NativeMessagingHosts', 'com.parley.host.json');
    for (let i = 0; i < 2; i++) {
      const out = run(['--browser', 'chromium']);
      expect(out.status).toBe(0);
      expect(out.stdout).toContain(manifest);
      expect(out.stdout).toContain(process.execPath);
    }
    const installed = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { path: string };
    expect(fs.readFileSync(installed.path, 'utf8')).toContain(path.join(repo, 'dist', 'native-host', 'src', 'main.js'));

    const relative = run(['--user-data-dir', 'profile']);
    expect(relative.status).toBe(0);
    expect(fs.existsSync(path.join(repo, 'profile', 'NativeMessagingHosts', 'com.parley.host.json'))).toBe(true);

    const removed = run(['--uninstall']);
    expect(removed.status).toBe(0);
    expect(removed.stdout).toContain(manifest);
    expect(fs.existsSync(manifest)).toBe(false);
    expect(fs.existsSync(installed.path)).toBe(false);
  });

  it('refuses to pin a Node.js the host does not run on, and warns about an old one', () => {
    build('unsupported');
    const refused = run(['--browser', 'chromium']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('install-host: node level unsupported');
    expect(fs.existsSync(path.join(home, '.config', 'chromium'))).toBe(false);

    build('deprecated');
    const warned = run(['--browser', 'chromium']);
    expect(warned.status).toBe(0);
    expect(warned.stderr).toContain('install-host: warning: node level deprecated');
    expect(warned.stdout).toContain(`(Node.js ${process.versions.node})`);
  });
});
