import path from 'node:path';

export type Browser = 'chrome' | 'chromium' | 'edge' | 'brave' | 'firefox';

/**
 * Where the installer runs. `env` is read for LOCALAPPDATA (Windows) and
 * XDG_CONFIG_HOME / XDG_DATA_HOME (Linux); everything else in it is ignored.
 */
export interface InstallTarget {
  /** `process.platform`; anything but darwin and win32 uses the Linux layout. */
  platform: string;
  /** Absolute. */
  homeDir: string;
  env: Record<string, string | undefined>;
}

export interface ManifestLocation {
  /** Absolute path of the host manifest file. */
  manifestPath: string;
  /** Windows only: the HKCU key whose default value points to the manifest. */
  registryKey: string | null;
}

export const BROWSERS: readonly Browser[] = Object.freeze(['chrome', 'chromium', 'edge', 'brave', 'firefox']);
export const CHROMIUM_FAMILY: readonly Browser[] = Object.freeze(['chrome', 'chromium', 'edge', 'brave']);

export const LAUNCHER_POSIX_NAME = 'parley-host-launcher.sh';
export const LAUNCHER_WINDOWS_NAME = 'parley-host.cmd';
export const FLATPAK_LAUNCHER_NAME = 'parley-host-flatpak.sh';

// Each browser's user-level native-messaging folder, relative to the user data
// root of the OS (Chrome, Edge and MDN native-messaging docs).
const POSIX_DIRS: Record<'linux' | 'darwin', Record<Browser, string[]>> = {
  linux: {
    chrome: ['google-chrome', 'NativeMessagingHosts'],
    chromium: ['chromium', 'NativeMessagingHosts'],
    edge: ['microsoft-edge', 'NativeMessagingHosts'],
    brave: ['BraveSoftware', 'Brave-Browser', 'NativeMessagingHosts'],
    firefox: ['.mozilla', 'native-messaging-hosts'],
  },
  darwin: {
    chrome: ['Google', 'Chrome', 'NativeMessagingHosts'],
    chromium: ['Chromium', 'NativeMessagingHosts'],
    edge: ['Microsoft Edge', 'NativeMessagingHosts'],
    brave: ['BraveSoftware', 'Brave-Browser', 'NativeMessagingHosts'],
    firefox: ['Mozilla', 'NativeMessagingHosts'],
  },
};

const WINDOWS_REGISTRY_ROOTS: Record<Browser, string> = {
  chrome: 'HKCU\\Software\\Google\\Chrome\\NativeMessagingHosts',
  chromium: 'HKCU\\Software\\Chromium\\NativeMessagingHosts',
  edge: 'HKCU\\Software\\Microsoft\\Edge\\NativeMessagingHosts',
  brave: 'HKCU\\Software\\BraveSoftware\\Brave-Browser\\NativeMessagingHosts',
  firefox: 'HKCU\\Software\\Mozilla\\NativeMessagingHosts',
};

export function osLayout(platform: string): 'linux' | 'darwin' | 'win32' {
  return platform === 'darwin' || platform === 'win32' ? platform : 'linux';
}

/** Path functions for the target OS, so Windows plans can be made (and tested) anywhere. */
export function pathFor(platform: string): path.PlatformPath {
  return osLayout(platform) === 'win32' ? path.win32 : path.posix;
}

/** The per-user Parley folder that holds the launcher (and, on Windows, the manifests). */
export function parleyNativeDir(target: InstallTarget): string {
  const p = pathFor(target.platform);
  switch (osLayout(target.platform)) {
    case 'win32':
      return p.join(target.env.LOCALAPPDATA || p.join(target.homeDir, 'AppData', 'Local'), 'Parley', 'native-host');
    case 'darwin':
      return p.join(target.homeDir, 'Library', 'Application Support', 'Parley', 'native-host');
    default:
      return p.join(absoluteOr(target.env.XDG_DATA_HOME, p.join(target.homeDir, '.local', 'share')), 'parley', 'native-host');
  }
}

/** Absolute path of the launcher script the manifests point to. */
export function launcherPath(target: InstallTarget): string {
  const name = osLayout(target.platform) === 'win32' ? LAUNCHER_WINDOWS_NAME : LAUNCHER_POSIX_NAME;
  return pathFor(target.platform).join(parleyNativeDir(target), name);
}

/** Where a browser looks for the user-level manifest of `hostName`. */
export function manifestLocation(target: InstallTarget, browser: Browser, hostName: string): ManifestLocation {
  const p = pathFor(target.platform);
  const layout = osLayout(target.platform);
  if (layout === 'win32') {
    // Chromium on Windows finds hosts through the registry only; the file can live anywhere.
    return {
      manifestPath: p.join(parleyNativeDir(target), `${hostName}-${browser}.json`),
      registryKey: `${WINDOWS_REGISTRY_ROOTS[browser]}\\${hostName}`,
    };
  }
  const dirs = POSIX_DIRS[layout][browser];
  let root: string;
  if (layout === 'darwin') root = p.join(target.homeDir, 'Library', 'Application Support');
  else if (browser === 'firefox') root = target.homeDir;
  else root = absoluteOr(target.env.XDG_CONFIG_HOME, p.join(target.homeDir, '.config'));
  return { manifestPath: p.join(root, ...dirs, `${hostName}.json`), registryKey: null };
}

/** The manifest inside a custom Chromium user data directory (`--user-data-dir`, absolute). */
export function userDataDirManifestLocation(target: InstallTarget, userDataDir: string, hostName: string): ManifestLocation {
  const p = pathFor(target.platform);
  return { manifestPath: p.join(userDataDir, 'NativeMessagingHosts', `${hostName}.json`), registryKey: null };
}

/**
 * Where a Flatpak browser looks for user-level manifests: inside the sandbox
 * its config home is ~/.var/app/<id>/config, and Firefox's home folder
 * ~/.mozilla is ~/.var/app/<id>/.mozilla on the host.
 */
export function flatpakManifestPath(homeDir: string, browser: Browser, appId: string, hostName: string): string {
  const app = path.posix.join(homeDir, '.var', 'app', appId);
  const root = browser === 'firefox' ? app : path.posix.join(app, 'config');
  return path.posix.join(root, ...POSIX_DIRS.linux[browser], `${hostName}.json`);
}

/**
 * The launcher a Flatpak browser runs. It must be inside the app's own
 * folder, the only part of the home folder the sandbox sees (at the same path).
 */
export function flatpakLauncherPath(homeDir: string, appId: string): string {
  return path.posix.join(homeDir, '.var', 'app', appId, 'data', 'parley', FLATPAK_LAUNCHER_NAME);
}

/** XDG variables count only when absolute (the XDG spec says to ignore relative ones). */
function absoluteOr(value: string | undefined, fallback: string): string {
  return value && value.startsWith('/') ? value : fallback;
}
