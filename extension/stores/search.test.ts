import { flushPromises } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { contact, message } from '../test-support/fake-host.js';
import { setupStores } from '../test-support/setup-stores.js';
import { SEARCH_DEBOUNCE_MS, SEARCH_PAGE, useSearchStore } from './search.js';
import { defined } from '../../shared/defined.js';

const pause = () => new Promise((r) => setTimeout(r, SEARCH_DEBOUNCE_MS + 20));

describe('search store', () => {
  it('asks the host once per pause in typing, and only for the latest text', async () => {
    const { host } = setupStores();
    host.friends = [contact('bob')];
    host.history.set('bob', [message('bob', { text: 'tomorrow then' }), message('bob', { text: 'today' })]);
    const search = useSearchStore();
    for (const q of ['t', 'to', 'tom']) search.run(q);
    expect(search.state).toBe('loading');
    await pause();
    await flushPromises();
    expect(host.requests).toEqual([`GET /search?q=tom&limit=${SEARCH_PAGE}`]);
    expect(search.hits.map((h) => h.text)).toEqual(['tomorrow then']);
    search.run('  ');
    await pause();
    expect(host.requests).toHaveLength(1);
    expect(search.state).toBe('idle');
    expect(search.hits).toEqual([]);
  });

  it('pages with before= the last result and reports failures', async () => {
    const { host } = setupStores();
    host.friends = [contact('bob')];
    host.history.set('bob', Array.from({ length: SEARCH_PAGE + 5 }, (_, i) => message('bob', { text: `ping ${i}` })));
    const search = useSearchStore();
    search.run('ping');
    await pause();
    await flushPromises();
    expect(search.hits).toHaveLength(SEARCH_PAGE);
    expect(search.hasMore).toBe(true);
    await search.more();
    expect(host.requests.at(-1)).toBe(`GET /search?q=ping&limit=${SEARCH_PAGE}&before=${defined(search.hits[SEARCH_PAGE - 1]).msg_id}`);
    expect(search.hits).toHaveLength(SEARCH_PAGE + 5);
    expect(search.hasMore).toBe(false);
    host.failWith = 'disk on fire';
    search.run('pong');
    await pause();
    await flushPromises();
    expect(search.state).toBe('error');
    expect(search.error).toContain('disk on fire');
  });
});
