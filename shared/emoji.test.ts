import { describe, expect, it } from 'vitest';
import { isSingleEmoji } from './emoji.js';

describe('isSingleEmoji', () => {
  it('accepts one emoji, however many code points it takes', () => {
    for (const emoji of ['👍', '❤️', '❤', '😂', '👍🏽', '👩‍👩‍👧‍👦', '🏳️‍🌈', '🇫🇷', '#️⃣', '1️⃣', '🏴󠁧󠁢󠁳󠁣󠁴󠁿', '©️', '👨🏿‍🦰', '🧑‍🤝‍🧑', '♀️']) {
      expect(isSingleEmoji(emoji), emoji).toBe(true);
    }
  });

  it('refuses text, several emoji, parts of one, and anything not a string', () => {
    for (const value of ['', 'a', 'ok', '1', '#', ':)', '👍👍', '👍 ', ' 👍', '🇫', '🇫🇷🇩🇪', '\u200d', '\ufe0f', '👍\u0301', '😀'.repeat(20), null, 1, ['👍']]) {
      expect(isSingleEmoji(value), JSON.stringify(value)).toBe(false);
    }
  });
});
