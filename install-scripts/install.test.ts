import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const built = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');

// The entry runs from the build (npm test builds first; after changing the
// installer alone, run npm run build:host) and finds the host relative to
// itself, so each test gets a scratch checkout: a copy of the built installer
// and the modules it imports (the Node version rule as a stub that answers
// `level`), with the host entry only once "built".
let repo: string;
let home: string;

beforeAll(() => {
  if (!fs.existsSync(path.join(built, 'install-scripts', 'install.js'))) {
    throw new Error('dist/install-scripts/install.js is missing: run npm run build:host first');
  }
});

beforeEach(() => {
  repo = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-entry-'));
  home = path.join(repo, 'home');
  fs.mkdirSync(home);
  const dist = path.join(repo, 'dist');
  fs.cpSync(path.join(built, 'install-scripts'), path.join(dist, 'install-scripts'), { recursive: true });
  fs.mkdirSync(path.join(dist, 'native-host', 'src'), { recursive: true });
  fs.cpSync(path.join(built, 'native-host', 'node-flags.js'), path.join(dist, 'native-host', 'node-flags.js'));
  fs.cpSync(path.join(built, 'shared', 'extension-id.js'), path.join(dist, 'shared', 'extension-id.js'));
  fs.writeFileSync(path.join(repo, 'package.json'), '{"type":"module"}\n');
  nodeLevel('supported');
});

afterEach(() => {
  fs.rmSync(repo, { recursive: true, force: true });
});

function nodeLevel(level: 'supported' | 'deprecated' | 'unsupported') {
  const message = level === 'supported' ? '' : `node level ${level}`;
  fs.writeFileSync(
    path.join(repo, 'dist', 'native-host', 'src', 'node-support.js'),
    `export const nodeSupport = () => (${JSON.stringify({ level, version: process.versions.node, message })});\n`,
  );
}

function build(level: 'supported' | 'deprecated' | 'unsupported' = 'supported') {
  fs.writeFileSync(path.join(repo, 'dist', 'native-host', 'src', 'main.js'), '');
  nodeLevel(level);
}

function run(args: string[]) {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home };
  return spawnSync(process.execPath, [path.join(repo, 'dist', 'install-scripts', 'install.js'), ...args], {
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
