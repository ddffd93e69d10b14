import { EVENTS_PATH } from '../../shared/contract.js';
import type { HostDetails } from '../../shared/native-protocol.js';

/** REST base URL of the host described by `details`. */
export function apiBaseUrl(details: Pick<HostDetails, 'api_port'>): string {
  return `http://127.0.0.1:${details.api_port}`;
}

/** WebSocket URL of the host's event stream; the token rides in the query. */
export function eventsUrl(details: Pick<HostDetails, 'ws_port' | 'token'>): string {
  const base = `ws://127.0.0.1:${details.ws_port}${EVENTS_PATH}`;
  return details.token ? `${base}?token=${encodeURIComponent(details.token)}` : base;
}
