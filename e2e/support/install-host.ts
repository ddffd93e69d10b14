import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { BrowserKind } from './driver.js';
import { GECKO_EXTENSION_ID } from '../../shared/extension-id.js';
import { CALLER_ORIGIN, INSTALLER } from './paths.js';

export interface InstalledHost {
  /** The manifest the browser reads. */
  manifestPath: string;
  /** The launcher the manifest points to. */
  launcherPath: string;
  /** `allowed_origins` (Chromium) or `allowed_extensions` (Firefox). */
  allowed: string[];
}

/**
 * Runs the real installer the way a user would, into the test's own dirs:
 * Chromium gets `--user-data-dir <profile>`; Firefox, which has no such
 * option, gets a temporary `HOME`. XDG_DATA_HOME keeps the launcher in the
 * test's temp dir, not the user's home.
 */
export function installHost(kind: BrowserKind, dirs: { profileDir: string; home: string; xdgDataHome: string }): InstalledHost {
  fs.mkdirSync(dirs.profileDir, { recursive: true });
  fs.mkdirSync(dirs.home, { recursive: true });
  const args = kind === 'chromium' ? ['--browser', 'chromium', '--user-data-dir', dirs.profileDir] : ['--browser', 'firefox'];
  execFileSync(process.execPath, [INSTALLER, ...args], {
    env: { ...process.env, HOME: dirs.home, XDG_DATA_HOME: dirs.xdgDataHome, XDG_CONFIG_HOME: path.join(dirs.home, '.config') },
    stdio: 'pipe',
    timeout: 30_000,
  });
  const manifestPath = kind === 'chromium'
    ? path.join(dirs.profileDir, 'NativeMessagingHosts', 'com.parley.host.json')
    : path.join(dirs.home, '.mozilla', 'native-messaging-hosts', 'com.parley.host.json');
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as { path: string; allowed_origins?: string[]; allowed_extensions?: string[] };
  return { manifestPath, launcherPath: manifest.path, allowed: manifest.allowed_origins ?? manifest.allowed_extensions ?? [] };
}

/** The arguments a browser of this kind passes to the launcher it starts. */
export function browserLaunchArgs(kind: BrowserKind, installed: InstalledHost): string[] {
  return kind === 'chromium' ? [CALLER_ORIGIN] : [installed.manifestPath, GECKO_EXTENSION_ID];
}
