import { defineStore } from 'pinia';
import { shallowRef } from 'vue';
import { ApiClient } from '../../shared/api-client.js';
import type { HostDetails } from '../../shared/native-protocol.js';
import { EventStream, type EventStreamOptions } from '../services/event-stream.js';
import { apiBaseUrl, eventsUrl } from '../services/host-urls.js';

/** The clients for the current host; replaced when the host's details change. */
export const useSessionStore = defineStore('session', () => {
  const api = shallowRef<ApiClient | null>(null);
  const events = shallowRef<EventStream | null>(null);
  const details = shallowRef<HostDetails | null>(null);

  function sameHost(d: HostDetails): boolean {
    const cur = details.value;
    return !!cur && cur.api_port === d.api_port && cur.ws_port === d.ws_port && cur.token === d.token;
  }

  /** Points the clients at a host; a no-op when it is the same host. Returns true when they changed. */
  function open(d: HostDetails, streamOptions: Omit<EventStreamOptions, 'url'> = {}): boolean {
    if (sameHost(d)) {
      details.value = d;
      return false;
    }
    close();
    details.value = d;
    api.value = new ApiClient({ baseUrl: apiBaseUrl(d), token: d.token });
    events.value = new EventStream({ url: eventsUrl(d), ...streamOptions });
    return true;
  }

  /** Uses ready-made clients (tests, other embeddings). */
  function attach(client: ApiClient, stream: EventStream | null): void {
    close();
    api.value = client;
    events.value = stream;
  }

  function close(): void {
    events.value?.close();
    events.value = null;
    api.value = null;
    details.value = null;
  }

  function requireApi(): ApiClient {
    if (!api.value) throw new Error('Not connected to the Parley host');
    return api.value;
  }

  return { api, events, details, open, attach, close, requireApi };
});
