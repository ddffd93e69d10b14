import type { Packaging } from './browser-packaging.js';
import type { HostIdentity } from './host-files.js';
import type { Browser } from './install-locations.js';

/** Everything the plan depends on; no part of it is read from the machine. */
export interface InstallInput {
  platform: string;
  homeDir: string;
  browsers: readonly Browser[];
  /** Absolute; replaces the per-browser locations. */
  userDataDir?: string | null;
  /** The Node binary to pin (`process.execPath`). */
  nodePath: string;
  repoDir: string;
  /** Defaults to `<repoDir>/dist/native-host/src/main.js`. */
  hostEntry?: string;
  env: Record<string, string | undefined>;
  identity: HostIdentity;
  /** Snap and Flatpak builds found on the machine (Linux); each gets its own steps. */
  packagings?: readonly Packaging[];
}

export type InstallAction =
  | { kind: 'write-file'; path: string; contents: string; mode: number; label: string }
  | { kind: 'remove-file'; path: string; label: string }
  | { kind: 'remove-empty-dir'; path: string; label: string }
  | { kind: 'run-command'; command: string; args: string[]; allowFailure: boolean; label: string }
  /** Something the user must know or do; printed, nothing else. */
  | { kind: 'note'; text: string; label: string };

export function planInstall(input: InstallInput): InstallAction[];
export function planUninstall(input: InstallInput): InstallAction[];
