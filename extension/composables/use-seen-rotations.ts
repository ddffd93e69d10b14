import { ref } from 'vue';
import type { Contact } from '../../shared/contract.js';
import { seenKeyRotations } from '../services/stored-items.js';

const seen = ref<Record<string, string>>({});
let loaded = false;

/**
 * Which friends' key rotations the user has been told about: the notice
 * "bob's keys were rotated…" shows until dismissed, once per rotation, and
 * stays dismissed across restarts.
 */
export function useSeenRotations() {
  if (!loaded) {
    loaded = true;
    void seenKeyRotations.getValue().then((value) => {
      if (value && typeof value === 'object') seen.value = { ...value, ...seen.value };
    }).catch(() => {});
  }
  function unseen(contact: Contact | undefined): boolean {
    return !!contact?.keys_rotated_at && seen.value[contact.username] !== contact.keys_rotated_at;
  }
  function dismiss(contact: Contact): void {
    if (!contact.keys_rotated_at) return;
    seen.value = { ...seen.value, [contact.username]: contact.keys_rotated_at };
    void seenKeyRotations.setValue(seen.value).catch(() => {});
  }
  return { unseen, dismiss };
}
