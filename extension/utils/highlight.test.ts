import { describe, expect, it } from 'vitest';
import { snippet } from './highlight.js';

const render = (parts: ReturnType<typeof snippet>) => parts.map((p) => (p.mark ? `[${p.text}]` : p.text)).join('');

describe('snippet', () => {
  it('marks every match inside the excerpt', () => {
    expect(render(snippet('hello world, hello', [[0, 5], [13, 18]]))).toBe('[hello] world, [hello]');
  });

  it('starts shortly before the first match, at a word, and shows what was cut', () => {
    const text = `${'lorem ipsum '.repeat(10)}the secret word${' and more'.repeat(30)}`;
    const at = text.indexOf('secret');
    const out = render(snippet(text, [[at, at + 6]], 12, 60));
    expect(out.startsWith('…')).toBe(true);
    expect(out).toContain('[secret]');
    expect(out.endsWith('…')).toBe(true);
    expect(out.indexOf('[secret]')).toBeLessThan(20);
  });

  it('flattens line breaks and keeps a match that runs past the end', () => {
    expect(render(snippet('a\nb match', [[4, 9]], 24, 7))).toBe('a b [mat]…');
  });
});
