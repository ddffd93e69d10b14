// @ts-check
import path from 'node:path';

/** @typedef {'chrome' | 'chromium' | 'edge' | 'brave' | 'firefox'} Browser */

/**
 * Where the installer runs. `env` is read for LOCALAPPDATA (Windows) and
 * XDG_CONFIG_HOME / XDG_DATA_HOME (Linux); everything else in it is ignored.
 * @typedef {object} InstallTarget
 * @property {string} platform  `process.platform`; anything but darwin and win32 uses the Linux layout
 * @property {string} homeDir  absolute
 * @property {Record<string, string | undefined>} env
 */

/**
 * @typedef {object} ManifestLocation
 * @property {string} manifestPath  absolute path of the host manifest file
 * @property {string | null} registryKey  Windows only: the HKCU key whose default value points to the manifest
 */

/** @type {readonly Browser[]} */
export const BROWSERS = Object.freeze(['chrome', 'chromium', 'edge', 'brave', 'firefox']);
/** @type {readonly Browser[]} */
export const CHROMIUM_FAMILY = Object.freeze(['chrome', 'chromium', 'edge', 'brave']);

export const LAUNCHER_POSIX_NAME = 'parley-host-launcher.sh';
export const LAUNCHER_WINDOWS_NAME = 'parley-host.cmd';
export const FLATPAK_LAUNCHER_NAME = 'parley-host-flatpak.sh';

// Each browser's user-level native-messaging folder, relative to the user data
// root of the OS (Chrome, Edge and MDN native-messaging docs).
/** @type {Record<'linux' | 'darwin', Record<Browser, string[]>>} */
const POSIX_DIRS = {
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

/** @type {Record<Browser, string>} */
const WINDOWS_REGISTRY_ROOTS = {
  chrome: 'HKCU\\Software\\Google\\Chrome\\NativeMessagingHosts',
  chromium: 'HKCU\\Software\\Chromium\\NativeMessagingHosts',
  edge: 'HKCU\\Software\\Microsoft\\Edge\\NativeMessagingHosts',
  brave: 'HKCU\\Software\\BraveSoftware\\Brave-Browser\\NativeMessagingHosts',
  firefox: 'HKCU\\Software\\Mozilla\\NativeMessagingHosts',
};

/**
 * @param {string} platform
 * @returns {'linux' | 'darwin' | 'win32'}
 */
export function osLayout(platform) {
  return platform === 'darwin' || platform === 'win32' ? platform : 'linux';
}

/**
 * Path functions for the target OS, so Windows plans can be made (and tested) anywhere.
 * @param {string} platform
 */
export function pathFor(platform) {
  return osLayout(platform) === 'win32' ? path.win32 : path.posix;
}

/**
 * The per-user Parley folder that holds the launcher (and, on Windows, the manifests).
 * @param {InstallTarget} target
 * @returns {string}
 */
export function parleyNativeDir(target) {
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

/**
 * Absolute path of the launcher script the manifests point to.
 * @param {InstallTarget} target
 * @returns {string}
 */
export function launcherPath(target) {
  const name = osLayout(target.platform) === 'win32' ? LAUNCHER_WINDOWS_NAME : LAUNCHER_POSIX_NAME;
  return pathFor(target.platform).join(parleyNativeDir(target), name);
}

/**
 * Where a browser looks for the user-level manifest of `hostName`.
 * @param {InstallTarget} target
 * @param {Browser} browser
 * @param {string} hostName
 * @returns {ManifestLocation}
 */
export function manifestLocation(target, browser, hostName) {
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
  let root;
  if (layout === 'darwin') root = p.join(target.homeDir, 'Library', 'Application Support');
  else if (browser === 'firefox') root = target.homeDir;
  else root = absoluteOr(target.env.XDG_CONFIG_HOME, p.join(target.homeDir, '.config'));
  return { manifestPath: p.join(root, ...dirs, `${hostName}.json`), registryKey: null };
}

/**
 * The manifest inside a custom Chromium user data directory (`--user-data-dir`).
 * @param {InstallTarget} target
 * @param {string} userDataDir  absolute
 * @param {string} hostName
 * @returns {ManifestLocation}
 */
export function userDataDirManifestLocation(target, userDataDir, hostName) {
  const p = pathFor(target.platform);
  return { manifestPath: p.join(userDataDir, 'NativeMessagingHosts', `${hostName}.json`), registryKey: null };
}

/**
 * Where a Flatpak browser looks for user-level manifests: inside the sandbox
 * its config home is ~/.var/app/<id>/config, and Firefox's home folder
 * ~/.mozilla is ~/.var/app/<id>/.mozilla on the host.
 * @param {string} homeDir
 * @param {Browser} browser
 * @param {string} appId
 * @param {string} hostName
 * @returns {string}
 */
export function flatpakManifestPath(homeDir, browser, appId, hostName) {
  const app = path.posix.join(homeDir, '.var', 'app', appId);
  const root = browser === 'firefox' ? app : path.posix.join(app, 'config');
  return path.posix.join(root, ...POSIX_DIRS.linux[browser], `${hostName}.json`);
}

/**
 * The launcher a Flatpak browser runs. It must be inside the app's own
 * folder, the only part of the home folder the sandbox sees (at the same path).
 * @param {string} homeDir
 * @param {string} appId
 */
export function flatpakLauncherPath(homeDir, appId) {
  return path.posix.join(homeDir, '.var', 'app', appId, 'data', 'parley', FLATPAK_LAUNCHER_NAME);
}

/**
 * XDG variables count only when absolute (the XDG spec says to ignore relative ones).
 * @param {string | undefined} value
 * @param {string} fallback
 */
function absoluteOr(value, fallback) {
  return value && value.startsWith('/') ? value : fallback;
}
