import { storage } from 'wxt/utils/storage';
import type { HostDetails } from '../../shared/native-protocol.js';
import type { Theme } from '../stores/ui.js';
import type { HostLinkState } from './host-link.js';

/** The host link as last seen ready; only that phase is worth remembering. */
export type ReadyHostLink = Extract<HostLinkState, { phase: 'ready' }>;

/**
 * The last ready host link. Session storage outlives a stopped Chromium
 * service worker but not the browser, so a restarted worker can serve the
 * pages at once while it reconnects, and a closed browser leaves no token
 * behind. The key is the one earlier versions wrote.
 */
export const lastReadyLink = storage.defineItem<ReadyHostLink | null>('session:parley.hostLink', {
  fallback: null,
});

/** The theme the user picked; kept across browser restarts. */
export const savedTheme = storage.defineItem<Theme>('local:parley.theme', { fallback: 'system' });

/** Unsent text per chat, by friend; kept across side panel reopens and browser restarts. The key is the one earlier versions wrote. */
export const savedDrafts = storage.defineItem<Record<string, string>>('local:parley.drafts', { fallback: {} });

/** A stored value can be anything an older build wrote: check its shape before use. */
export function isReadyLink(value: unknown): value is ReadyHostLink {
  if (!value || typeof value !== 'object') return false;
  const link = value as Partial<ReadyHostLink>;
  if (link.phase !== 'ready' || typeof link.bridged !== 'boolean') return false;
  const d = link.details as Partial<HostDetails> | undefined;
  return !!d && Number.isInteger(d.api_port) && Number.isInteger(d.ws_port) &&
    (d.token === null || typeof d.token === 'string') && (d.username === null || typeof d.username === 'string');
}

/** Per friend, the key rotation (its `keys_rotated_at`) whose notice the user dismissed. */
export const seenKeyRotations = storage.defineItem<Record<string, string>>('local:parley.seenKeyRotations', { fallback: {} });

export function isTheme(value: unknown): value is Theme {
  return value === 'system' || value === 'light' || value === 'dark';
}

/** The drafts of a stored value, keeping only text entries. */
export function draftsOf(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'));
}
