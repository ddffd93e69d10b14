import type path from 'node:path';

export type Browser = 'chrome' | 'chromium' | 'edge' | 'brave' | 'firefox';

/** Where the installer runs; `env` is read for LOCALAPPDATA, XDG_CONFIG_HOME and XDG_DATA_HOME only. */
export interface InstallTarget {
  /** `process.platform`; anything but darwin and win32 uses the Linux layout. */
  platform: string;
  homeDir: string;
  env: Record<string, string | undefined>;
}

export interface ManifestLocation {
  manifestPath: string;
  /** Windows only: the HKCU key whose default value points to the manifest. */
  registryKey: string | null;
}

export const BROWSERS: readonly Browser[];
export const CHROMIUM_FAMILY: readonly Browser[];
export const LAUNCHER_POSIX_NAME: 'parley-host-launcher.sh';
export const LAUNCHER_WINDOWS_NAME: 'parley-host.cmd';
export const FLATPAK_LAUNCHER_NAME: 'parley-host-flatpak.sh';

export function osLayout(platform: string): 'linux' | 'darwin' | 'win32';
export function pathFor(platform: string): path.PlatformPath;
export function parleyNativeDir(target: InstallTarget): string;
export function launcherPath(target: InstallTarget): string;
export function manifestLocation(target: InstallTarget, browser: Browser, hostName: string): ManifestLocation;
export function userDataDirManifestLocation(target: InstallTarget, userDataDir: string, hostName: string): ManifestLocation;
export function flatpakManifestPath(homeDir: string, browser: Browser, appId: string, hostName: string): string;
export function flatpakLauncherPath(homeDir: string, appId: string): string;
