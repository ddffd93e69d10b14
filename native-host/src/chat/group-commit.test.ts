import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.js';
import { countingTransaction, memoryStore } from './test-support.js';

describe('group commit', () => {
  it('commits the writes of one tick in one transaction, and a failing one fails alone', async () => {
    const store = memoryStore();
    const tx = countingTransaction(store);
    const commits = new GroupCommit(tx.run);
    const put = (key: 'username' | 'directory_secret', value: string) => () => store.meta.set(key, value);
    const together = await Promise.allSettled([commits.run(put('username', 'alice')), commits.run(put('directory_secret', 's3cret'))]);
    expect(together.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(tx.count()).toBe(1);

    const results = await Promise.allSettled([
      commits.run(put('username', 'bob')),
      commits.run(() => {
        store.meta.set('registered_directory', 'half-done');
        throw new Error('refused');
      }),
      commits.run(put('directory_secret', 'other')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    // The shared attempt rolled back, then each write ran alone.
    expect(tx.count()).toBe(1 + 1 + 3);
    expect([store.meta.get('username'), store.meta.get('registered_directory'), store.meta.get('directory_secret')]).toEqual([
      'bob',
      null,
      'other',
    ]);
  });
});
