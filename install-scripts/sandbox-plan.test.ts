import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHROMIUM_EXTENSION_ID, GECKO_EXTENSION_ID, NATIVE_HOST_NAME } from '../shared/extension-id.js';
import { detectPackagings, FLATPAK_APP_IDS, type Packaging } from './browser-packaging.js';
import { flatpakLauncherScript, type HostManifest, LAUNCHER_MODE } from './host-files.js';
import { executePlan } from './install-executor.js';
import { BROWSERS, type Browser } from './install-locations.js';
import { planInstall, planUninstall, type InstallAction, type InstallInput } from './install-plan.js';

const identity = { hostName: NATIVE_HOST_NAME, chromiumExtensionId: CHROMIUM_EXTENSION_ID, geckoExtensionId: GECKO_EXTENSION_ID };
const HOME = '/home/alice';
const HOST_LAUNCHER = `${HOME}/.local/share/parley/native-host/parley-host-launcher.sh`;
const flatpak = (browser: Browser): Packaging => ({ browser, kind: 'flatpak', appId: FLATPAK_APP_IDS[browser] });
const LINUX: InstallInput = {
  platform: 'linux',
  homeDir: HOME,
  browsers: BROWSERS,
  nodePath: '/usr/bin/node',
  repoDir: `${HOME}/parley`,
  env: {},
  identity,
  packagings: BROWSERS.map(flatpak),
};

type Write = Extract<InstallAction, { kind: 'write-file' }>;
const writes = (actions: InstallAction[]) => actions.filter((a): a is Write => a.kind === 'write-file');
const notes = (actions: InstallAction[]) => actions.filter((a) => a.kind === 'note').map((a) => (a as { text: string }).text);
const byLabel = (actions: InstallAction[], label: string) => {
  const found = writes(actions).find((a) => a.label === label);
  if (!found) throw new Error(`no ${label}`);
  return found;
};

describe('Flatpak browsers', () => {
  const FLATPAK_MANIFESTS: Record<Browser, string> = {
    chrome: `${HOME}/.var/app/com.google.Chrome/config/google-chrome/NativeMessagingHosts/com.parley.host.json`,
    chromium: `${HOME}/.var/app/org.chromium.Chromium/config/chromium/NativeMessagingHosts/com.parley.host.json`,
    edge: `${HOME}/.var/app/com.microsoft.Edge/config/microsoft-edge/NativeMessagingHosts/com.parley.host.json`,
    brave: `${HOME}/.var/app/com.brave.Browser/config/BraveSoftware/Brave-Browser/NativeMessagingHosts/com.parley.host.json`,
    firefox: `${HOME}/.var/app/org.mozilla.firefox/.mozilla/native-messaging-hosts/com.parley.host.json`,
  };

  it.each(BROWSERS)('%s: a manifest where the sandbox looks, pointing at a launcher the sandbox can see', (browser) => {
    const actions = planInstall(LINUX);
    const appId = FLATPAK_APP_IDS[browser];
    const launcher = byLabel(actions, `${browser} flatpak launcher`);
    expect(launcher.path).toBe(`${HOME}/.var/app/${appId}/data/parley/parley-host-flatpak.sh`);
    expect(launcher.mode).toBe(LAUNCHER_MODE);
    expect(launcher.contents).toBe(flatpakLauncherScript({ hostLauncher: HOST_LAUNCHER }));
    const manifest = byLabel(actions, `${browser} flatpak manifest`);
    expect(manifest.path).toBe(FLATPAK_MANIFESTS[browser]);
    const parsed = JSON.parse(manifest.contents) as HostManifest;
    expect(parsed.path).toBe(launcher.path);
    if (browser === 'firefox') expect(parsed.allowed_extensions).toEqual([GECKO_EXTENSION_ID]);
    else expect(parsed.allowed_origins).toEqual([`chrome-extension://${CHROMIUM_EXTENSION_ID}/`]);
    // The user must allow the sandbox escape; the installer says exactly how.
    expect(notes(actions).some((n) => n.includes(`flatpak override --user --talk-name=org.freedesktop.Flatpak ${appId}`))).toBe(true);
  });

  it('still writes the normal manifests, for the non-Flatpak build of each browser', () => {
    const paths = writes(planInstall(LINUX)).map((a) => a.path);
    expect(paths).toContain(`${HOME}/.config/google-chrome/NativeMessagingHosts/com.parley.host.json`);
    expect(paths).toContain(`${HOME}/.mozilla/native-messaging-hosts/com.parley.host.json`);
    expect(paths[0]).toBe(HOST_LAUNCHER);
  });

  it('handles only the browsers asked for', () => {
    const actions = planInstall({ ...LINUX, browsers: ['firefox'] });
    expect(writes(actions).map((a) => a.label)).toEqual(['launcher', 'firefox manifest', 'firefox flatpak launcher', 'firefox flatpak manifest']);
  });

  it('uninstall removes the Flatpak launcher, its folder and manifest too', () => {
    const written = writes(planInstall(LINUX)).map((a) => a.path);
    const removed = planUninstall(LINUX).flatMap((a) => (a.kind === 'remove-file' ? [a.path] : []));
    expect(removed.sort()).toEqual(written.sort());
    expect(planUninstall(LINUX).filter((a) => a.kind === 'remove-empty-dir').map((a) => (a as { path: string }).path)).toContain(
      `${HOME}/.var/app/org.mozilla.firefox/data/parley`,
    );
  });
});

describe('Snap browsers', () => {
  it('Snap Chromium gets no files and a clear reason with what to do instead', () => {
    const actions = planInstall({ ...LINUX, browsers: ['chromium'], packagings: [{ browser: 'chromium', kind: 'snap', name: 'chromium' }] });
    expect(writes(actions).map((a) => a.label)).toEqual(['launcher', 'chromium manifest']);
    const [note] = notes(actions);
    expect(note).toMatch(/Chromium from Snap cannot start native hosts/);
    expect(note).toMatch(/flatpak install flathub org\.chromium\.Chromium/);
  });

  it('Snap Firefox uses the ~/.mozilla manifest through the portal, and says so', () => {
    const actions = planInstall({ ...LINUX, browsers: ['firefox'], packagings: [{ browser: 'firefox', kind: 'snap', name: 'firefox' }] });
    expect(byLabel(actions, 'firefox manifest').path).toBe(`${HOME}/.mozilla/native-messaging-hosts/com.parley.host.json`);
    expect(notes(actions)[0]).toMatch(/WebExtensions portal/);
  });
});

describe('where sandboxes do not apply', () => {
  it.each([
    ['macOS', { platform: 'darwin', homeDir: '/Users/alice', repoDir: '/Users/alice/parley' }],
    ['Windows', { platform: 'win32', homeDir: 'C:\\Users\\alice', repoDir: 'C:\\Users\\alice\\parley', nodePath: 'C:\\node\\node.exe' }],
    ['a custom profile', { userDataDir: '/tmp/profile' }],
  ])('%s ignores Snap and Flatpak', (_name, change) => {
    const actions = planInstall({ ...LINUX, ...change });
    expect(writes(actions).some((a) => a.label.includes('flatpak'))).toBe(false);
    expect(notes(actions)).toEqual([]);
  });
});

describe('detectPackagings', () => {
  it('finds snaps by /snap/bin and Flatpaks by user, system or app-data folders', () => {
    const present = new Set([
      '/snap/bin/firefox',
      `${HOME}/.local/share/flatpak/app/com.brave.Browser`,
      '/var/lib/flatpak/app/org.chromium.Chromium',
      `${HOME}/.var/app/org.mozilla.firefox`,
    ]);
    expect(detectPackagings({ homeDir: HOME, exists: (f) => present.has(f) })).toEqual([
      { browser: 'firefox', kind: 'snap', name: 'firefox' },
      { browser: 'chromium', kind: 'flatpak', appId: 'org.chromium.Chromium' },
      { browser: 'brave', kind: 'flatpak', appId: 'com.brave.Browser' },
      { browser: 'firefox', kind: 'flatpak', appId: 'org.mozilla.firefox' },
    ]);
    expect(detectPackagings({ homeDir: HOME, exists: () => false })).toEqual([]);
  });
});

describe.skipIf(process.platform === 'win32')('the Flatpak launcher in a real shell', () => {
  it('asks flatpak-spawn to run the host launcher with the browser arguments and the Parley variables', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-flatpak-'));
    try {
      // flatpak-spawn exists only inside a Flatpak sandbox: a stand-in on PATH records how it was called.
      const bin = path.join(dir, 'bin');
      fs.mkdirSync(bin);
      fs.writeFileSync(path.join(bin, 'flatpak-spawn'), '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n', { mode: 0o755 });
      const home = path.join(dir, 'home');
      const input = { ...LINUX, homeDir: home, browsers: ['firefox'] as Browser[], packagings: [flatpak('firefox')] };
      executePlan(planInstall(input), { log: () => {} });
      const launcher = path.join(home, '.var/app/org.mozilla.firefox/data/parley/parley-host-flatpak.sh');
      expect(fs.statSync(launcher).mode & 0o777).toBe(0o755);
      const out = execFileSync(launcher, ['/x/com.parley.host.json', GECKO_EXTENSION_ID], {
        env: { PATH: `${bin}:/usr/bin:/bin`, PARLEY_DATA_DIR: "/data/it's here", SUPABASE_URL: 'https://x.supabase.co', OTHER: 'no' },
        encoding: 'utf8',
      }).trim().split('\n');
      expect(out.slice(0, 2)).toEqual(['--host', '--watch-bus']);
      expect(out.slice(2, 4).sort()).toEqual(["--env=PARLEY_DATA_DIR=/data/it's here", '--env=SUPABASE_URL=https://x.supabase.co']);
      expect(out.slice(4)).toEqual([path.join(home, '.local/share/parley/native-host/parley-host-launcher.sh'), '/x/com.parley.host.json', GECKO_EXTENSION_ID]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
