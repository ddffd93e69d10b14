// @ts-check
import path from 'node:path';

/** @typedef {import('./install-locations.js').Browser} Browser */

/**
 * A sandboxed build of a browser found on this machine. Snap and Flatpak
 * browsers do not read the usual manifest folders, or cannot start a
 * program outside their sandbox, so each needs its own install step.
 * @typedef {{ browser: Browser, kind: 'snap', name: string }
 *   | { browser: Browser, kind: 'flatpak', appId: string }} Packaging
 */

/** Flathub app ids of the browsers Parley supports. */
/** @type {Record<Browser, string>} */
export const FLATPAK_APP_IDS = {
  chrome: 'com.google.Chrome',
  chromium: 'org.chromium.Chromium',
  edge: 'com.microsoft.Edge',
  brave: 'com.brave.Browser',
  firefox: 'org.mozilla.firefox',
};

/** Snap names of the browsers published as snaps that Parley knows about. */
/** @type {Partial<Record<Browser, string>>} */
export const SNAP_NAMES = { chromium: 'chromium', firefox: 'firefox' };

/**
 * Finds Snap and Flatpak builds of the browsers: a snap is installed when
 * /snap/bin/<name> exists; a Flatpak when its app folder exists in the user
 * or system installation, or the app has run (~/.var/app/<id>).
 * @param {{ homeDir: string, exists: (file: string) => boolean }} machine
 * @returns {Packaging[]}
 */
export function detectPackagings({ homeDir, exists }) {
  /** @type {Packaging[]} */
  const found = [];
  for (const [browser, name] of /** @type {[Browser, string][]} */ (Object.entries(SNAP_NAMES))) {
    if (exists(path.posix.join('/snap/bin', name))) found.push({ browser, kind: 'snap', name });
  }
  for (const [browser, appId] of /** @type {[Browser, string][]} */ (Object.entries(FLATPAK_APP_IDS))) {
    const places = [
      path.posix.join(homeDir, '.local/share/flatpak/app', appId),
      path.posix.join('/var/lib/flatpak/app', appId),
      path.posix.join(homeDir, '.var/app', appId),
    ];
    if (places.some(exists)) found.push({ browser, kind: 'flatpak', appId });
  }
  return found;
}
