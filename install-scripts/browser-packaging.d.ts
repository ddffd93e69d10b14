import type { Browser } from './install-locations.js';

/** A sandboxed build of a browser found on this machine. */
export type Packaging = { browser: Browser; kind: 'snap'; name: string } | { browser: Browser; kind: 'flatpak'; appId: string };

export const FLATPAK_APP_IDS: Record<Browser, string>;
export const SNAP_NAMES: Partial<Record<Browser, string>>;

export function detectPackagings(machine: { homeDir: string; exists: (file: string) => boolean }): Packaging[];
