import { describe, expect, it } from 'vitest';
import { myReaction, reactionChips } from './reactions.js';

describe('reactions in a chat with bob', () => {
  it('groups by emoji, counts, and names you first', () => {
    expect(reactionChips([{ emoji: '👍', from: 'bob' }, { emoji: '👍', from: 'alice' }], 'bob')).toEqual([
      { emoji: '👍', count: 2, mine: true, who: 'you and bob' },
    ]);
    expect(reactionChips([{ emoji: '🎉', from: 'bob' }, { emoji: '😂', from: 'alice' }], 'bob')).toEqual([
      { emoji: '🎉', count: 1, mine: false, who: 'bob' },
      { emoji: '😂', count: 1, mine: true, who: 'you' },
    ]);
    expect(reactionChips([], 'bob')).toEqual([]);
  });

  it('finds yours: the one not from bob', () => {
    expect(myReaction([{ emoji: '🎉', from: 'bob' }, { emoji: '😂', from: 'alice' }], 'bob')).toBe('😂');
    expect(myReaction([{ emoji: '🎉', from: 'bob' }], 'bob')).toBeNull();
  });
});
