import type { Packaging } from './browser-packaging.js';
import { InstallUsageError } from './install-args.js';
import {
  flatpakLauncherScript,
  hostManifest,
  type HostIdentity,
  LAUNCHER_MODE,
  launcherScript,
  MANIFEST_MODE,
  manifestFileContents,
} from './host-files.js';
import { sandboxNote } from './sandbox-notes.js';
import {
  type Browser,
  BROWSERS,
  flatpakLauncherPath,
  flatpakManifestPath,
  type InstallTarget,
  launcherPath,
  type ManifestLocation,
  manifestLocation,
  osLayout,
  parleyNativeDir,
  pathFor,
  userDataDirManifestLocation,
} from './install-locations.js';

/** Everything the plan depends on; no part of it is read from the machine. */
export interface InstallInput {
  /** `process.platform`. */
  platform: string;
  /** Absolute. */
  homeDir: string;
  browsers: readonly Browser[];
  /** Absolute; replaces the per-browser locations. */
  userDataDir?: string | null;
  /** Absolute path of the Node binary to pin (`process.execPath`). */
  nodePath: string;
  /** Absolute path of the checkout. */
  repoDir: string;
  /** Absolute; defaults to `<repoDir>/dist/native-host/src/main.js`. */
  hostEntry?: string;
  /** LOCALAPPDATA, XDG_CONFIG_HOME, XDG_DATA_HOME. */
  env: Record<string, string | undefined>;
  identity: HostIdentity;
  /** Snap and Flatpak builds found on the machine (Linux); each gets its own steps. */
  packagings?: readonly Packaging[];
}

/** One step of a plan. `label` says what the step is for, for the printout. */
export type InstallAction =
  | { kind: 'write-file'; path: string; contents: string; mode: number; label: string }
  | { kind: 'remove-file'; path: string; label: string }
  | { kind: 'remove-empty-dir'; path: string; label: string }
  | { kind: 'run-command'; command: string; args: string[]; allowFailure: boolean; label: string }
  /** Something the user must know or do; printed, nothing else. */
  | { kind: 'note'; text: string; label: string };

/** The launcher, then one manifest per browser (plus its registry key on Windows). */
export function planInstall(input: InstallInput): InstallAction[] {
  const target = checkInput(input);
  const launcher = launcherPath(target);
  const hostEntry = input.hostEntry ?? defaultHostEntry(input);
  const actions: InstallAction[] = [
    {
      kind: 'write-file',
      path: launcher,
      contents: launcherScript({ platform: osLayout(input.platform), nodePath: input.nodePath, hostEntry }),
      mode: LAUNCHER_MODE,
      label: 'launcher',
    },
  ];
  for (const { browser, location } of targets(input)) {
    const manifest = hostManifest({ family: familyOf(browser), identity: input.identity, launcherPath: launcher });
    actions.push({
      kind: 'write-file',
      path: location.manifestPath,
      contents: manifestFileContents(manifest),
      mode: MANIFEST_MODE,
      label: `${browser} manifest`,
    });
    if (location.registryKey) {
      actions.push({
        kind: 'run-command',
        command: 'reg',
        args: ['add', location.registryKey, '/ve', '/t', 'REG_SZ', '/d', location.manifestPath, '/f'],
        allowFailure: false,
        label: `${browser} registry key`,
      });
    }
  }
  for (const packaging of sandboxed(input)) {
    if (packaging.kind === 'flatpak') {
      const inside = flatpakLauncherPath(input.homeDir, packaging.appId);
      actions.push({
        kind: 'write-file',
        path: inside,
        contents: flatpakLauncherScript({ hostLauncher: launcher }),
        mode: LAUNCHER_MODE,
        label: `${packaging.browser} flatpak launcher`,
      });
      const manifest = hostManifest({ family: familyOf(packaging.browser), identity: input.identity, launcherPath: inside });
      actions.push({
        kind: 'write-file',
        path: flatpakManifestPath(input.homeDir, packaging.browser, packaging.appId, input.identity.hostName),
        contents: manifestFileContents(manifest),
        mode: MANIFEST_MODE,
        label: `${packaging.browser} flatpak manifest`,
      });
    }
    actions.push({ kind: 'note', text: sandboxNote(packaging), label: `${packaging.browser} ${packaging.kind}` });
  }
  return actions;
}

/**
 * Removes what `planInstall` writes for the same input. The launcher goes
 * only when every browser is uninstalled, since the others still use it.
 */
export function planUninstall(input: InstallInput): InstallAction[] {
  const target = checkInput(input);
  const actions: InstallAction[] = [];
  for (const { browser, location } of targets(input)) {
    if (location.registryKey) {
      actions.push({
        kind: 'run-command',
        command: 'reg',
        args: ['delete', location.registryKey, '/f'],
        // reg fails when the key is already gone; uninstalling twice is not an error.
        allowFailure: true,
        label: `${browser} registry key`,
      });
    }
    actions.push({ kind: 'remove-file', path: location.manifestPath, label: `${browser} manifest` });
  }
  for (const packaging of sandboxed(input)) {
    if (packaging.kind !== 'flatpak') continue;
    const manifest = flatpakManifestPath(input.homeDir, packaging.browser, packaging.appId, input.identity.hostName);
    actions.push({ kind: 'remove-file', path: manifest, label: `${packaging.browser} flatpak manifest` });
    actions.push({ kind: 'remove-file', path: flatpakLauncherPath(input.homeDir, packaging.appId), label: `${packaging.browser} flatpak launcher` });
    const folder = pathFor(input.platform).dirname(flatpakLauncherPath(input.homeDir, packaging.appId));
    actions.push({ kind: 'remove-empty-dir', path: folder, label: `${packaging.browser} flatpak launcher folder` });
  }
  const everyBrowser = !input.userDataDir && BROWSERS.every((b) => input.browsers.includes(b));
  if (everyBrowser) {
    actions.push({ kind: 'remove-file', path: launcherPath(target), label: 'launcher' });
    actions.push({ kind: 'remove-empty-dir', path: parleyNativeDir(target), label: 'launcher folder' });
  }
  return actions;
}

function targets(input: InstallInput): { browser: Browser | 'user-data-dir'; location: ManifestLocation }[] {
  const target = { platform: input.platform, homeDir: input.homeDir, env: input.env };
  if (input.userDataDir) {
    return [
      {
        browser: 'user-data-dir',
        location: userDataDirManifestLocation(target, input.userDataDir, input.identity.hostName),
      },
    ];
  }
  return [...new Set(input.browsers)].map((browser) => ({
    browser,
    location: manifestLocation(target, browser, input.identity.hostName),
  }));
}

/**
 * The Snap and Flatpak builds to handle: Linux only, the chosen browsers
 * only, and none when a custom profile is targeted.
 */
function sandboxed(input: InstallInput): Packaging[] {
  if (input.userDataDir || osLayout(input.platform) !== 'linux') return [];
  return (input.packagings ?? []).filter((p) => input.browsers.includes(p.browser));
}

function familyOf(browser: Browser | 'user-data-dir'): 'chromium' | 'firefox' {
  return browser === 'firefox' ? 'firefox' : 'chromium';
}

function defaultHostEntry(input: InstallInput): string {
  return pathFor(input.platform).join(input.repoDir, 'dist', 'native-host', 'src', 'main.js');
}

/**
 * Relative paths here are programmer errors (the entry resolves user input
 * first), except a user data dir on Windows, which Chromium never reads there.
 */
function checkInput(input: InstallInput): InstallTarget {
  const p = pathFor(input.platform);
  const paths: [string, string | null | undefined][] = [
    ['homeDir', input.homeDir],
    ['nodePath', input.nodePath],
    ['repoDir', input.repoDir],
    ['hostEntry', input.hostEntry],
    ['userDataDir', input.userDataDir],
  ];
  for (const [name, value] of paths) {
    if (value === null || value === undefined) continue;
    if (!p.isAbsolute(value)) throw new TypeError(`${name} must be an absolute path: ${value}`);
  }
  if (input.userDataDir && osLayout(input.platform) === 'win32') {
    throw new InstallUsageError(
      '--user-data-dir is not supported on Windows: Chromium finds native hosts through the registry only',
    );
  }
  return { platform: input.platform, homeDir: input.homeDir, env: input.env };
}
