import type { Browser } from './install-locations.js';

export interface InstallArgs {
  browsers: Browser[];
  /** As given; the caller resolves it against the cwd. */
  userDataDir: string | null;
  uninstall: boolean;
  help: boolean;
}

export const USAGE: string;

/** Bad command-line input: the entry prints the message and exits with code 2. */
export class InstallUsageError extends Error {
  constructor(message: string);
}

export function parseInstallArgs(argv: readonly string[]): InstallArgs;
