import { describe, expect, it } from 'vitest';
import { chatText, VOCABULARY } from './chat-text.js';

describe('chat text for the search bench', () => {
  it('is the same for the same index, with Zipf-like word frequencies', () => {
    expect(chatText(42)).toBe(chatText(42));
    expect(new Set(VOCABULARY).size).toBe(VOCABULARY.length);
    const counts = new Map<string, number>();
    for (let i = 0; i < 5000; i++) for (const w of chatText(i).split(' ')) counts.set(w, (counts.get(w) ?? 0) + 1);
    const the = counts.get('the') ?? 0;
    const mid = counts.get(VOCABULARY[100] ?? '') ?? 0;
    expect(the).toBeGreaterThan(20 * Math.max(1, mid));
    expect([...Array(5000).keys()].some((i) => /北京/.test(chatText(i)))).toBe(true);
  });
});
