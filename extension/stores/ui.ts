import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { StatusResponse } from '../../shared/contract.js';
import type { EventStreamState } from '../services/event-stream.js';
import type { HostLinkState } from '../services/host-link.js';

export type Theme = 'system' | 'light' | 'dark';
export type BackendState = 'unknown' | 'up' | 'down';
/** Which screen the app shows. */
export type AppPhase = 'starting' | 'not-installed' | 'unreachable' | 'onboarding' | 'recovery-code' | 'ready';

/** How often `GET /status` checks that the backend is up. */
export const STATUS_POLL_MS = 6_000;

export const useUiStore = defineStore('ui', () => {
  const hostLink = ref<HostLinkState | null>(null);
  const backend = ref<BackendState>('unknown');
  const backendError = ref<string | null>(null);
  const events = ref<EventStreamState>('idle');
  const status = ref<StatusResponse | null>(null);
  const theme = ref<Theme>('system');
  /** The recovery code of a name just claimed or recovered, until the user says they wrote it down. */
  const recoveryCode = ref<string | null>(null);

  const username = computed(() => status.value?.username ?? null);

  const phase = computed<AppPhase>(() => {
    const link = hostLink.value;
    // Once set up, a short outage keeps the chat on screen with a banner.
    if (status.value?.username && link?.phase !== 'not-installed') return recoveryCode.value ? 'recovery-code' : 'ready';
    if (!link || link.phase === 'connecting') return 'starting';
    if (link.phase === 'not-installed') return 'not-installed';
    if (link.phase !== 'ready') return 'unreachable';
    if (backend.value === 'down') return 'unreachable';
    if (!status.value) return 'starting';
    return 'onboarding';
  });

  /** One word for the connection indicator. */
  const connection = computed<'online' | 'connecting' | 'offline'>(() => {
    if (backend.value === 'down' || phase.value === 'unreachable' || phase.value === 'not-installed') return 'offline';
    if (backend.value === 'up' && events.value === 'open') return 'online';
    return 'connecting';
  });

  function setStatus(next: StatusResponse): void {
    status.value = next;
    backend.value = 'up';
    backendError.value = null;
  }

  function setBackendDown(error: string): void {
    backend.value = 'down';
    backendError.value = error;
  }

  return { hostLink, backend, backendError, events, status, theme, recoveryCode, username, phase, connection, setStatus, setBackendDown };
});
