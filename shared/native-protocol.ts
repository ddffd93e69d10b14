/**
 * Messages on the native-messaging port between the extension's background
 * worker and the host (`com.parley.host`). Each is one JSON frame.
 */

/** What the extension needs to reach its host through the REST/WS contract. */
export interface HostDetails {
  api_port: number;
  ws_port: number;
  /** null when the host runs with `--auth none` */
  token: string | null;
  username: string | null;
  version: string;
}

export type NativeRequestMethod = 'details' | 'shutdown' | 'ping';

/** browser → host */
export interface NativeRequest {
  type: 'request';
  id: number;
  method: NativeRequestMethod;
}

/** host → browser */
export type NativeMessage =
  /** Sent once the host (or the host this process bridges to) is ready. */
  | ({ type: 'hello'; bridged: boolean } & HostDetails)
  /** Username set up, host stopping, and other changes the UI should show. */
  | { type: 'status'; state: 'ready' | 'stopping'; username: string | null }
  | { type: 'response'; id: number; ok: true; result: unknown }
  | { type: 'response'; id: number; ok: false; error: string };

/** Chromium refuses host → browser messages of 1 MiB or more. */
export const MAX_HOST_TO_BROWSER_BYTES = 1024 * 1024 - 1;
/** Chromium sends at most 4 GiB but we never expect more than this. */
export const MAX_BROWSER_TO_HOST_BYTES = 64 * 1024 * 1024;
