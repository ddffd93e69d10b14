import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually } from '../../testkit/eventually.js';
import { defined } from '../../shared/defined.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const HOST = path.join(repo, 'dist', 'native-host', 'src', 'main.js');
const INSTALLER = path.join(repo, 'dist', 'install-scripts', 'install.js');

let root: string;
let env: NodeJS.ProcessEnv;
let children: Array<ReturnType<typeof spawn>> = [];

// A user's machine in a temp dir: the real installer writes into this HOME, the real host bin examines it.
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-doctor-'));
  const home = path.join(root, 'home');
  fs.mkdirSync(home);
  env = { PATH: process.env.PATH, HOME: home, XDG_DATA_HOME: path.join(home, '.local', 'share'), XDG_CONFIG_HOME: path.join(home, '.config') };
});

afterEach(() => {
  for (const child of children) child.kill('SIGKILL');
  children = [];
  fs.rmSync(root, { recursive: true, force: true });
});

const home = () => defined(env.HOME);
const dataDir = () => path.join(home(), '.local', 'share', 'parley');
const launcher = () => path.join(dataDir(), 'native-host', 'parley-host-launcher.sh');

function install(...args: string[]) {
  const out = spawnSync(process.execPath, [INSTALLER, ...args], { env, encoding: 'utf8' });
  expect(out.status, out.stderr).toBe(0);
  return out.stdout;
}

function doctor(...args: string[]) {
  const out = spawnSync(process.execPath, [HOST, 'doctor', ...args], { env, encoding: 'utf8', timeout: 30_000 });
  return { code: out.status, text: out.stdout, lines: out.stdout.split('\n') };
}

const line = (text: string, start: string) => text.split('\n').find((l) => l.startsWith(start)) ?? '';
/** Node 22 and 24 are supported, 20 only warns: either way the pinned Node itself is no failure here. */
const nodeStatus = /^v(22|24)\./.test(process.version) ? 'ok' : 'WARN';

describe.skipIf(process.platform !== 'linux')('parley-host doctor', () => {
  it('says when nothing is installed, and exits 1', () => {
    const r = doctor();
    expect(r.code).toBe(1);
    expect(line(r.text, 'FAIL  manifests')).toContain('no browser has the Parley host manifest');
    expect(r.text).toContain('fix: npm run install-host');
  });

  it('passes a fresh install: manifests, launcher, pinned Node and its version', () => {
    install('--browser', 'firefox', '--browser', 'chrome');
    const r = doctor();
    expect(line(r.text, 'ok    firefox manifest')).toContain(path.join(home(), '.mozilla/native-messaging-hosts/com.parley.host.json'));
    expect(line(r.text, 'ok    chrome manifest')).toContain(path.join(home(), '.config/google-chrome/NativeMessagingHosts/com.parley.host.json'));
    expect(line(r.text, 'ok    firefox launcher')).toContain(`runs ${process.execPath} ${HOST}`);
    expect(line(r.text, `${nodeStatus.padEnd(5)} node`)).toContain(`${process.execPath} is ${process.version}`);
    // The installer's folders do not open the data dir to others before the host first runs.
    expect(r.text).not.toContain('FAIL');
    expect(r.code).toBe(0);
  });

  it('catches a pinned Node that is gone or too old, and a missing host build', () => {
    install('--browser', 'firefox');
    const oldNode = path.join(root, 'node-18');
    fs.writeFileSync(oldNode, '#!/bin/sh\necho v18.19.0\n', { mode: 0o755 });
    const text = fs.readFileSync(launcher(), 'utf8');
    fs.writeFileSync(launcher(), text.replace(`'${process.execPath}'`, `'${oldNode}'`));
    let r = doctor();
    expect(line(r.text, 'FAIL  node')).toContain(`${oldNode} is v18.19.0: Node.js 18.19.0 is too old for Parley`);
    expect(r.text).toContain('fix: install Node.js 24 or 22, then run npm run install-host -- --browser firefox');
    expect(r.code).toBe(1);

    fs.writeFileSync(launcher(), text.replace(`'${process.execPath}'`, "'/nowhere/node'").replace(`'${HOST}'`, "'/nowhere/main.js'"));
    r = doctor();
    expect(line(r.text, 'FAIL  node')).toContain('/nowhere/node (pinned by the launcher) does not exist');
    expect(line(r.text, 'FAIL  host build')).toContain('/nowhere/main.js does not exist');
  });

  it('flags a manifest that does not allow the extension, and a launcher that cannot run', () => {
    install('--browser', 'chromium');
    const manifest = path.join(home(), '.config/chromium/NativeMessagingHosts/com.parley.host.json');
    fs.writeFileSync(manifest, JSON.stringify({ ...JSON.parse(fs.readFileSync(manifest, 'utf8')), allowed_origins: ['chrome-extension://other/'] }));
    expect(line(doctor().text, 'FAIL  chromium manifest')).toMatch(/does not allow chrome-extension:\/\/[a-p]{32}\//);
    install('--browser', 'chromium');
    fs.chmodSync(launcher(), 0o644);
    expect(line(doctor().text, 'FAIL  chromium launcher')).toContain('is not executable');
  });

  it('flags a data dir and files others can read, with the chmod that fixes them', () => {
    fs.mkdirSync(dataDir(), { recursive: true, mode: 0o755 });
    fs.chmodSync(dataDir(), 0o755);
    fs.writeFileSync(path.join(dataDir(), 'api-token'), 'x'.repeat(40), { mode: 0o644 });
    fs.chmodSync(path.join(dataDir(), 'api-token'), 0o644);
    const r = doctor();
    expect(line(r.text, 'FAIL  data dir')).toContain('is 0755: others can look inside');
    expect(r.text).toContain(`fix: chmod 700 '${dataDir()}'`);
    expect(line(r.text, 'FAIL  data files')).toContain('api-token (0644)');
  });

  it('finds the running host and its ports, then notices when it died without cleaning up', async () => {
    const host = spawn(process.execPath, [HOST, '--data-dir', dataDir(), '--api-port', '0', '--ws-port', '0', '--peer-port', '0',
      '--peer-host', '127.0.0.1', '--directory-path', path.join(root, 'directory.db')], { env, stdio: 'ignore' });
    children.push(host);
    await eventually(() => fs.existsSync(path.join(dataDir(), 'host.json')), 15_000, 'the host to be ready');
    const info = JSON.parse(fs.readFileSync(path.join(dataDir(), 'host.json'), 'utf8')) as { api_port: number; ws_port: number };
    let r = doctor();
    expect(line(r.text, 'ok    host')).toContain(`pid ${host.pid}, version`);
    expect(line(r.text, 'ok    host')).toContain(`API on 127.0.0.1:${info.api_port}`);
    expect(line(r.text, 'ok    events port')).toContain(`127.0.0.1:${info.ws_port} accepts connections`);
    expect(line(r.text, 'ok    data dir')).toContain('(0700, files 0600)');

    host.kill('SIGKILL');
    await eventually(() => host.exitCode !== null || host.signalCode !== null, 10_000, 'the host to die');
    r = doctor();
    expect(line(r.text, 'WARN  host')).toContain(`names pid ${host.pid}, which is gone`);
  });

  it('sends no token to whatever answers where host.json says the host is, and says the pid was reused', async () => {
    fs.mkdirSync(dataDir(), { recursive: true, mode: 0o700 });
    // Another program, now holding the dead host's pid and its API port, records what it gets
    // (in a process of its own: the doctor runs synchronously here).
    const requests = path.join(root, 'requests.log');
    const listener = `require('http').createServer((q, s) => {
      require('fs').appendFileSync(${JSON.stringify(requests)}, JSON.stringify({ url: q.url, headers: q.headers }) + '\\n');
      s.end('{}');
    }).listen(0, '127.0.0.1', function () { console.log(this.address().port); });`;
    const other = spawn(process.execPath, ['-e', listener], { stdio: ['ignore', 'pipe', 'ignore'] });
    children.push(other);
    const port = await new Promise<number>((resolve) => defined(other.stdout).once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))));
    const token = 'the-token-that-must-not-leak-0123456789';
    fs.writeFileSync(path.join(dataDir(), 'api-token'), token, { mode: 0o600 });
    fs.writeFileSync(
      path.join(dataDir(), 'host.json'),
      JSON.stringify({ pid: other.pid, api_port: port, ws_port: port, peer_port: 1, started_at: new Date().toISOString(), proof_key: 'ab'.repeat(32) }),
      { mode: 0o600 },
    );
    const r = doctor();
    expect(line(r.text, 'FAIL  host')).toContain('something other than its host answers');
    const seen = fs.readFileSync(requests, 'utf8');
    expect(seen).toMatch(/\/proof\?nonce=[0-9a-f]{64}/);
    expect(seen).not.toContain(token);
  });

  it('says when the port a host would need is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const r = doctor('--api-port', String(port), '--ws-port', '0');
      expect(line(r.text, 'FAIL  API port')).toContain(`127.0.0.1:${port} is taken by another program`);
      expect(r.text).toContain('PARLEY_API_PORT');
    } finally {
      blocker.close();
    }
  });

  it('checks a Flatpak browser: its manifest, the launcher inside the sandbox, and the permission it needs', () => {
    // Flatpak keeps each app's files in ~/.var/app/<id>; the installer takes that as "installed".
    fs.mkdirSync(path.join(home(), '.var/app/org.mozilla.firefox'), { recursive: true });
    const printed = install('--browser', 'firefox');
    expect(printed).toContain('flatpak override --user --talk-name=org.freedesktop.Flatpak org.mozilla.firefox');
    let r = doctor();
    expect(line(r.text, 'ok    firefox flatpak manifest')).toContain('.var/app/org.mozilla.firefox/.mozilla/native-messaging-hosts/com.parley.host.json');
    expect(line(r.text, 'ok    firefox flatpak launcher')).toContain(`runs ${launcher()} outside the sandbox`);
    expect(line(r.text, 'FAIL  org.mozilla.firefox permission')).toContain('may not run flatpak-spawn --host');
    expect(r.text).toContain('fix: flatpak override --user --talk-name=org.freedesktop.Flatpak org.mozilla.firefox');

    // What `flatpak override --user --talk-name=...` writes.
    const overrides = path.join(home(), '.local/share/flatpak/overrides');
    fs.mkdirSync(overrides, { recursive: true });
    fs.writeFileSync(path.join(overrides, 'org.mozilla.firefox'), '[Session Bus Policy]\norg.freedesktop.Flatpak=talk\n');
    r = doctor();
    expect(line(r.text, 'ok    org.mozilla.firefox permission')).toContain('may start the host outside its sandbox');
    expect(r.text).not.toContain('FAIL');
  });
});
