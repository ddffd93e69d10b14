import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { NATIVE_HOST_NAME } from '../../shared/extension-id.js';
import { INSTALLER } from './paths.js';

export interface InstalledHost {
  /** The manifest Chromium reads from the profile. */
  manifestPath: string;
  /** The launcher the manifest points to. */
  launcherPath: string;
  allowedOrigins: string[];
}

/**
 * Runs the real installer for one Chromium profile. XDG_DATA_HOME points
 * into `xdgDataHome` so the launcher lands in the test's temp dir, not in
 * the user's home.
 */
export function installHost(profileDir: string, xdgDataHome: string): InstalledHost {
  fs.mkdirSync(profileDir, { recursive: true });
  execFileSync(process.execPath, [INSTALLER, '--browser', 'chromium', '--user-data-dir', profileDir], {
    env: { ...process.env, XDG_DATA_HOME: xdgDataHome },
    stdio: 'pipe',
    timeout: 30_000,
  });
  const manifestPath = path.join(profileDir, 'NativeMessagingHosts', `${NATIVE_HOST_NAME}.json`);
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as { path: string; allowed_origins: string[] };
  return { manifestPath, launcherPath: manifest.path, allowedOrigins: manifest.allowed_origins };
}
