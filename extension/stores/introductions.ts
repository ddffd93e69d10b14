import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Introduction } from '../../shared/contract.js';
import { useContactsStore, type AddFriendResult } from './contacts.js';
import { useSessionStore } from './session.js';
import { type AsyncState, errorText } from './types.js';

/** People who added you and whom you have not added: "wants to chat". */
export const useIntroductionsStore = defineStore('introductions', () => {
  const session = useSessionStore();
  const contacts = useContactsStore();
  const items = ref<Introduction[]>([]);
  const state = ref<AsyncState>('idle');
  const error = ref<string | null>(null);

  async function refresh(): Promise<void> {
    try {
      items.value = await session.requireApi().introductions();
      state.value = 'ready';
      error.value = null;
    } catch (err) {
      error.value = errorText(err);
      state.value = 'error';
    }
  }

  /** Adds them back: the host applies the capabilities they sent. */
  async function accept(username: string): Promise<AddFriendResult> {
    const result = await contacts.add(username);
    await refresh();
    return result;
  }

  async function dismiss(username: string): Promise<void> {
    items.value = items.value.filter((i) => i.username !== username);
    try {
      await session.requireApi().dismissIntroduction(username);
    } catch (err) {
      error.value = errorText(err);
      await refresh();
    }
  }

  return { items, state, error, refresh, accept, dismiss };
});
