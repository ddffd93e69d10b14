import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.js';
import { countingTransaction, memoryStore } from './test-support.js';

describe('group commit', () => {
  it('commits the writes of one tick in one transaction, and a failing one rolls back alone', async () => {
    const store = memoryStore();
    const tx = countingTransaction(store);
    const commits = new GroupCommit(tx.run);
    const put = (key: 'username' | 'directory_secret', value: string) => () => store.meta.set(key, value);
    const results = await Promise.allSettled([
      commits.run(put('username', 'alice')),
      commits.run(() => {
        store.meta.set('registered_directory', 'half-done');
        throw new Error('refused');
      }),
      commits.run(put('directory_secret', 's3cret')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    // One outer transaction, plus one savepoint per write.
    expect(tx.count()).toBe(4);
    expect([store.meta.get('username'), store.meta.get('registered_directory'), store.meta.get('directory_secret')]).toEqual([
      'alice',
      null,
      's3cret',
    ]);
    // Alone in its tick, a write runs in a transaction of its own, without a savepoint.
    await expect(commits.run(() => 'next tick, next transaction')).resolves.toBe('next tick, next transaction');
    expect(tx.count()).toBe(5);
  });
});
