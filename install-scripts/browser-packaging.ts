import path from 'node:path';
import type { Browser } from './install-locations.js';

/**
 * A sandboxed build of a browser found on this machine. Snap and Flatpak
 * browsers do not read the usual manifest folders, or cannot start a
 * program outside their sandbox, so each needs its own install step.
 */
export type Packaging = { browser: Browser; kind: 'snap'; name: string } | { browser: Browser; kind: 'flatpak'; appId: string };

/** Flathub app ids of the browsers Parley supports. */
export const FLATPAK_APP_IDS: Record<Browser, string> = {
  chrome: 'com.google.Chrome',
  chromium: 'org.chromium.Chromium',
  edge: 'com.microsoft.Edge',
  brave: 'com.brave.Browser',
  firefox: 'org.mozilla.firefox',
};

/** Snap names of the browsers published as snaps that Parley knows about. */
export const SNAP_NAMES: Partial<Record<Browser, string>> = { chromium: 'chromium', firefox: 'firefox' };

/**
 * Finds Snap and Flatpak builds of the browsers: a snap is installed when
 * /snap/bin/<name> exists; a Flatpak when its app folder exists in the user
 * or system installation, or the app has run (~/.var/app/<id>).
 */
export function detectPackagings({ homeDir, exists }: { homeDir: string; exists: (file: string) => boolean }): Packaging[] {
  const found: Packaging[] = [];
  for (const [browser, name] of Object.entries(SNAP_NAMES) as [Browser, string][]) {
    if (exists(path.posix.join('/snap/bin', name))) found.push({ browser, kind: 'snap', name });
  }
  for (const [browser, appId] of Object.entries(FLATPAK_APP_IDS) as [Browser, string][]) {
    const places = [
      path.posix.join(homeDir, '.local/share/flatpak/app', appId),
      path.posix.join('/var/lib/flatpak/app', appId),
      path.posix.join(homeDir, '.var/app', appId),
    ];
    if (places.some(exists)) found.push({ browser, kind: 'flatpak', appId });
  }
  return found;
}
