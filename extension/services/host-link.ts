import type { HostDetails } from '../../shared/native-protocol.js';

/** What the background knows about the native host, as the UI sees it. */
export type HostLinkState =
  | { phase: 'connecting'; attempt: number }
  | { phase: 'ready'; details: HostDetails; bridged: boolean }
  | { phase: 'stopping' }
  | { phase: 'not-installed'; error: string }
  | { phase: 'disconnected'; error: string; retryInMs: number | null };

/** Name of the runtime port a Parley page opens to the background. */
export const UI_PORT_NAME = 'parley-ui';

export type UiRequestMethod = 'state' | 'reconnect';

/** page → background */
export type UiToBackground =
  | { type: 'request'; id: number; method: UiRequestMethod }
  /** Per-peer unread counts as the page knows them, for the toolbar badge. */
  | { type: 'unread'; counts: Record<string, number> }
  /** Whether this page is focused and visible; notifications stay quiet while one is. */
  | { type: 'focus'; focused: boolean };

/** background → page */
export type BackgroundToUi =
  | { type: 'response'; id: number; ok: true; result: unknown }
  | { type: 'response'; id: number; ok: false; error: string }
  | { type: 'state'; state: HostLinkState };

const NOT_INSTALLED = /not found|no such native application|forbidden|not allowed|manifest/i;

/** True when a native-port error means the host is missing or not allowed for this extension. */
export function isHostMissingError(message: string): boolean {
  return NOT_INSTALLED.test(message);
}
