import { defineStore } from 'pinia';
import { ref } from 'vue';
import { ApiError } from '../../shared/api-client.js';
import type { SearchHit } from '../../shared/contract.js';
import { useSessionStore } from './session.js';
import { type AsyncState, errorText } from './types.js';

/** Typing pauses this long before the host is asked. */
export const SEARCH_DEBOUNCE_MS = 200;
/** Results per page. */
export const SEARCH_PAGE = 30;

/**
 * Message search as the user types: debounced, and an answer to an older
 * query never replaces a newer one's.
 */
export const useSearchStore = defineStore('search', () => {
  const session = useSessionStore();
  const query = ref('');
  const hits = ref<SearchHit[]>([]);
  const hasMore = ref(false);
  const state = ref<AsyncState>('idle');
  const moreState = ref<AsyncState>('idle');
  const error = ref<string | null>(null);
  let asked = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;

  function run(text: string): void {
    if (timer) clearTimeout(timer);
    query.value = text;
    asked++;
    if (!text.trim()) {
      hits.value = [];
      hasMore.value = false;
      state.value = 'idle';
      return;
    }
    state.value = 'loading';
    timer = setTimeout(() => void first(), SEARCH_DEBOUNCE_MS);
  }

  async function first(): Promise<void> {
    const mine = ++asked;
    try {
      const page = await session.requireApi().search(query.value, { limit: SEARCH_PAGE });
      if (mine !== asked) return;
      hits.value = page.messages;
      hasMore.value = page.has_more;
      error.value = null;
      state.value = 'ready';
    } catch (err) {
      if (mine !== asked) return;
      // Only punctuation, say: nothing to look for is no match, not a failure.
      if (err instanceof ApiError && err.code === 'QUERY_EMPTY') {
        hits.value = [];
        hasMore.value = false;
        state.value = 'ready';
        return;
      }
      error.value = errorText(err);
      state.value = 'error';
    }
  }

  async function more(): Promise<void> {
    const last = hits.value.at(-1);
    if (!hasMore.value || !last || moreState.value === 'loading') return;
    const mine = asked;
    moreState.value = 'loading';
    try {
      const page = await session.requireApi().search(query.value, { limit: SEARCH_PAGE, before: last.msg_id });
      if (mine !== asked) return;
      hits.value = [...hits.value, ...page.messages];
      hasMore.value = page.has_more;
      moreState.value = 'ready';
    } catch (err) {
      if (mine !== asked) return;
      error.value = errorText(err);
      moreState.value = 'error';
    }
  }

  /** A message deleted here leaves the results too. */
  function forget(msgId: string): void {
    hits.value = hits.value.filter((h) => h.msg_id !== msgId);
  }

  return { query, hits, hasMore, state, moreState, error, run, more, retry: first, forget };
});
