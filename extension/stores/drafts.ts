import { defineStore } from 'pinia';
import { ref } from 'vue';
import { draftsOf, savedDrafts } from '../services/stored-items.js';

/**
 * Unsent text per chat, kept in extension storage so closing the side panel
 * (which ends its page) loses nothing. Writes go out one at a time, the
 * latest text winning, so a fast typist costs one write in flight.
 */
export const useDraftsStore = defineStore('drafts', () => {
  const drafts = ref<Record<string, string>>({});
  const loaded = ref(false);
  let loading: Promise<void> | null = null;
  let writing = false;
  let dirty = false;

  /** Reads saved drafts once; later calls wait for the same read. */
  function load(): Promise<void> {
    loading ??= read();
    return loading;
  }

  async function read(): Promise<void> {
    try {
      // Text typed before storage answered wins over what was saved.
      drafts.value = { ...draftsOf(await savedDrafts.getValue()), ...drafts.value };
    } catch {
      // No storage (a plain page in tests): drafts live as long as the page.
    }
    loaded.value = true;
  }

  async function save(): Promise<void> {
    dirty = true;
    if (writing) return;
    writing = true;
    try {
      while (dirty) {
        dirty = false;
        // A plain copy: a reactive proxy cannot be structured-cloned into storage.
        await savedDrafts.setValue({ ...drafts.value }).catch(() => {});
      }
    } finally {
      writing = false;
    }
  }

  function get(peer: string): string {
    return drafts.value[peer] ?? '';
  }

  function set(peer: string, text: string): void {
    if (get(peer) === text) return;
    const { [peer]: _old, ...rest } = drafts.value;
    drafts.value = text ? { ...rest, [peer]: text } : rest;
    void save();
  }

  return { drafts, loaded, load, get, set, clear: (peer: string) => set(peer, '') };
});
