import { describe, expect, it } from 'vitest';
import { HOST_NODE_FLAGS } from '../native-host/node-flags.js';
import { CHROMIUM_EXTENSION_ID, GECKO_EXTENSION_ID, NATIVE_HOST_NAME } from '../shared/extension-id.js';
import { LAUNCHER_MODE, MANIFEST_MODE, type HostManifest } from './host-files.js';
import { InstallUsageError } from './install-args.js';
import { BROWSERS, type Browser } from './install-locations.js';
import { planInstall, planUninstall, type InstallAction, type InstallInput } from './install-plan.js';

const identity = {
  hostName: NATIVE_HOST_NAME,
  chromiumExtensionId: CHROMIUM_EXTENSION_ID,
  geckoExtensionId: GECKO_EXTENSION_ID,
};

const LINUX: InstallInput = {
  platform: 'linux',
  homeDir: '/home/alice',
  browsers: BROWSERS,
  nodePath: '/opt/node-20/bin/node',
  repoDir: '/home/alice/src/parley',
  env: {},
  identity,
};
const MAC: InstallInput = {
  ...LINUX,
  platform: 'darwin',
  homeDir: '/Users/alice',
  nodePath: '/usr/local/bin/node',
  repoDir: '/Users/alice/parley',
};
const WINDOWS: InstallInput = {
  ...LINUX,
  platform: 'win32',
  homeDir: 'C:\\Users\\alice',
  nodePath: 'C:\\Program Files\\nodejs\\node.exe',
  repoDir: 'C:\\Users\\alice\\parley',
  env: { LOCALAPPDATA: 'C:\\Users\\alice\\AppData\\Local', APPDATA: 'C:\\Users\\alice\\AppData\\Roaming' },
};

type WriteFile = Extract<InstallAction, { kind: 'write-file' }>;
const writes = (actions: InstallAction[]) => actions.filter((a): a is WriteFile => a.kind === 'write-file');
const manifestFor = (actions: InstallAction[], browser: Browser | 'user-data-dir') => {
  const action = writes(actions).find((a) => a.label === `${browser} manifest`);
  if (!action) throw new Error(`no manifest for ${browser}`);
  return { path: action.path, mode: action.mode, manifest: JSON.parse(action.contents) as HostManifest };
};

describe('host manifests', () => {
  it.each(['chrome', 'chromium', 'edge', 'brave'] as const)('%s gets allowed_origins with the trailing slash', (browser) => {
    const { manifest, mode } = manifestFor(planInstall(LINUX), browser);
    expect(manifest).toEqual({
      name: 'com.parley.host',
      description: expect.any(String),
      path: '/home/alice/.local/share/parley/native-host/parley-host-launcher.sh',
      type: 'stdio',
      allowed_origins: [`chrome-extension://${CHROMIUM_EXTENSION_ID}/`],
    });
    expect(mode).toBe(MANIFEST_MODE);
  });

  it('firefox gets allowed_extensions with the add-on id and no allowed_origins', () => {
    const { manifest } = manifestFor(planInstall(LINUX), 'firefox');
    expect(manifest.allowed_extensions).toEqual(['parley@parley.chat']);
    expect(manifest).not.toHaveProperty('allowed_origins');
    expect(manifest.type).toBe('stdio');
  });

  it.each([LINUX, MAC, WINDOWS])('points every manifest at the absolute launcher ($platform)', (input) => {
    const actions = planInstall(input);
    const launcher = writes(actions).find((a) => a.label === 'launcher');
    expect(launcher?.mode).toBe(LAUNCHER_MODE);
    for (const browser of BROWSERS) expect(manifestFor(actions, browser).manifest.path).toBe(launcher?.path);
  });
});

describe('manifest locations', () => {
  const locations = (input: InstallInput) =>
    Object.fromEntries(BROWSERS.map((b) => [b, manifestFor(planInstall(input), b).path]));

  it('Linux', () => {
    expect(locations(LINUX)).toEqual({
      chrome: '/home/alice/.config/google-chrome/NativeMessagingHosts/com.parley.host.json',
      chromium: '/home/alice/.config/chromium/NativeMessagingHosts/com.parley.host.json',
      edge: '/home/alice/.config/microsoft-edge/NativeMessagingHosts/com.parley.host.json',
      brave: '/home/alice/.config/BraveSoftware/Brave-Browser/NativeMessagingHosts/com.parley.host.json',
      firefox: '/home/alice/.mozilla/native-messaging-hosts/com.parley.host.json',
    });
  });

  it('Linux honours absolute XDG_CONFIG_HOME and XDG_DATA_HOME, and ignores relative ones', () => {
    const xdg = { ...LINUX, env: { XDG_CONFIG_HOME: '/xdg/config', XDG_DATA_HOME: '/xdg/data' } };
    expect(manifestFor(planInstall(xdg), 'chrome').path).toBe('/xdg/config/google-chrome/NativeMessagingHosts/com.parley.host.json');
    expect(manifestFor(planInstall(xdg), 'firefox').path).toBe('/home/alice/.mozilla/native-messaging-hosts/com.parley.host.json');
    expect(writes(planInstall(xdg))[0]?.path).toBe('/xdg/data/parley/native-host/parley-host-launcher.sh');
    const relative = { ...LINUX, env: { XDG_CONFIG_HOME: 'cfg', XDG_DATA_HOME: 'data' } };
    expect(locations(relative)).toEqual(locations(LINUX));
  });

  it('macOS', () => {
    const support = '/Users/alice/Library/Application Support';
    expect(locations(MAC)).toEqual({
      chrome: `${support}/Google/Chrome/NativeMessagingHosts/com.parley.host.json`,
      chromium: `${support}/Chromium/NativeMessagingHosts/com.parley.host.json`,
      edge: `${support}/Microsoft Edge/NativeMessagingHosts/com.parley.host.json`,
      brave: `${support}/BraveSoftware/Brave-Browser/NativeMessagingHosts/com.parley.host.json`,
      firefox: `${support}/Mozilla/NativeMessagingHosts/com.parley.host.json`,
    });
    expect(writes(planInstall(MAC))[0]?.path).toBe(`${support}/Parley/native-host/parley-host-launcher.sh`);
  });

  it('Windows keeps one manifest per browser in the Parley folder', () => {
    const dir = 'C:\\Users\\alice\\AppData\\Local\\Parley\\native-host';
    expect(locations(WINDOWS)).toEqual(
      Object.fromEntries(BROWSERS.map((b) => [b, `${dir}\\com.parley.host-${b}.json`])),
    );
    expect(writes(planInstall(WINDOWS))[0]?.path).toBe(`${dir}\\parley-host.cmd`);
    const noLocalAppData = { ...WINDOWS, env: {} };
    expect(writes(planInstall(noLocalAppData))[0]?.path).toBe(`${dir}\\parley-host.cmd`);
  });
});

describe('Windows registry', () => {
  const manifest = (b: Browser) => `C:\\Users\\alice\\AppData\\Local\\Parley\\native-host\\com.parley.host-${b}.json`;
  const KEYS: Record<Browser, string> = {
    chrome: 'HKCU\\Software\\Google\\Chrome\\NativeMessagingHosts\\com.parley.host',
    chromium: 'HKCU\\Software\\Chromium\\NativeMessagingHosts\\com.parley.host',
    edge: 'HKCU\\Software\\Microsoft\\Edge\\NativeMessagingHosts\\com.parley.host',
    brave: 'HKCU\\Software\\BraveSoftware\\Brave-Browser\\NativeMessagingHosts\\com.parley.host',
    firefox: 'HKCU\\Software\\Mozilla\\NativeMessagingHosts\\com.parley.host',
  };

  it('install adds each key with the manifest path as default value, after writing the manifest', () => {
    const actions = planInstall(WINDOWS);
    const commands = actions.filter((a) => a.kind === 'run-command');
    expect(commands.map((c) => [c.command, ...c.args])).toEqual(
      BROWSERS.map((b) => ['reg', 'add', KEYS[b], '/ve', '/t', 'REG_SZ', '/d', manifest(b), '/f']),
    );
    expect(commands.every((c) => !c.allowFailure)).toBe(true);
    const firstCommand = actions.findIndex((a) => a.kind === 'run-command');
    expect(actions.findIndex((a) => 'path' in a && a.path === manifest('chrome'))).toBeLessThan(firstCommand);
  });

  it('uninstall deletes each key, tolerating keys already gone', () => {
    const commands = planUninstall(WINDOWS).filter((a) => a.kind === 'run-command');
    expect(commands.map((c) => [c.command, ...c.args])).toEqual(BROWSERS.map((b) => ['reg', 'delete', KEYS[b], '/f']));
    expect(commands.every((c) => c.allowFailure)).toBe(true);
  });

  it('launcher is a .cmd that pins node and passes arguments through', () => {
    const launcher = writes(planInstall(WINDOWS))[0];
    expect(launcher?.contents).toBe(
      '@echo off\r\nrem Parley native host launcher, generated by npm run install-host.\r\n' +
        `"C:\\Program Files\\nodejs\\node.exe" ${HOST_NODE_FLAGS.join(' ')} "C:\\Users\\alice\\parley\\dist\\native-host\\src\\main.js" %*\r\n`,
    );
  });

  it('refuses --user-data-dir on Windows as a usage error', () => {
    expect(() => planInstall({ ...WINDOWS, userDataDir: 'C:\\profiles\\test' })).toThrow(InstallUsageError);
  });
});

describe('--user-data-dir', () => {
  const input = { ...LINUX, userDataDir: '/tmp/profile' };

  it('writes one Chromium-style manifest into DIR/NativeMessagingHosts and nothing per browser', () => {
    const actions = planInstall(input);
    expect(writes(actions).map((a) => a.path)).toEqual([
      '/home/alice/.local/share/parley/native-host/parley-host-launcher.sh',
      '/tmp/profile/NativeMessagingHosts/com.parley.host.json',
    ]);
    expect(manifestFor(actions, 'user-data-dir').manifest.allowed_origins).toEqual([
      `chrome-extension://${CHROMIUM_EXTENSION_ID}/`,
    ]);
  });

  it('uninstall removes that manifest and keeps the launcher other browsers use', () => {
    expect(planUninstall(input)).toEqual([
      { kind: 'remove-file', path: '/tmp/profile/NativeMessagingHosts/com.parley.host.json', label: 'user-data-dir manifest' },
    ]);
  });
});

describe('uninstall plan', () => {
  it('removes every manifest, then the launcher and its folder when all browsers go', () => {
    const actions = planUninstall(LINUX);
    expect(actions.map((a) => [a.kind, 'path' in a ? a.path : ''])).toEqual([
      ...BROWSERS.map((b) => ['remove-file', manifestFor(planInstall(LINUX), b).path]),
      ['remove-file', '/home/alice/.local/share/parley/native-host/parley-host-launcher.sh'],
      ['remove-empty-dir', '/home/alice/.local/share/parley/native-host'],
    ]);
  });

  it('keeps the launcher when only some browsers are uninstalled', () => {
    const actions = planUninstall({ ...LINUX, browsers: ['chrome', 'firefox'] });
    expect(actions).toEqual([
      { kind: 'remove-file', path: '/home/alice/.config/google-chrome/NativeMessagingHosts/com.parley.host.json', label: 'chrome manifest' },
      { kind: 'remove-file', path: '/home/alice/.mozilla/native-messaging-hosts/com.parley.host.json', label: 'firefox manifest' },
    ]);
  });

  it('removes exactly what install writes', () => {
    for (const input of [LINUX, MAC]) {
      const written = writes(planInstall(input)).map((a) => a.path);
      const removed = planUninstall(input).flatMap((a) => (a.kind === 'remove-file' ? [a.path] : []));
      expect(removed.sort()).toEqual(written.sort());
    }
  });
});

describe('plan input checks', () => {
  it('uses the given host entry, or the build output in the checkout', () => {
    expect(writes(planInstall(LINUX))[0]?.contents).toContain("'/home/alice/src/parley/dist/native-host/src/main.js'");
    expect(writes(planInstall({ ...LINUX, hostEntry: '/x/main.js' }))[0]?.contents).toContain("'/x/main.js'");
  });

  it('rejects relative paths as programmer errors', () => {
    expect(() => planInstall({ ...LINUX, nodePath: 'node' })).toThrow(TypeError);
    expect(() => planInstall({ ...LINUX, userDataDir: 'profile' })).toThrow(TypeError);
  });

  it('installs a browser once even if listed twice', () => {
    expect(writes(planInstall({ ...LINUX, browsers: ['chrome', 'chrome'] }))).toHaveLength(2);
  });
});
