import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isParleyError } from '../errors.js';
import { matchExpression, matchRanges, parseSearchQuery } from './search-query.js';
import { indexText, mappedTokens, searchTokens } from './search-text.js';
import { defined } from '../../../shared/defined.js';

const LIMITS = { maxLength: 256, maxTerms: 16 };
const parse = (q: string) => parseSearchQuery(q, LIMITS);
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return isParleyError(err) ? err.code : 'other';
  }
  return 'none';
};

describe('search tokens', () => {
  it('folds case and accents, precomposed or not, and keeps offsets in the original', () => {
    expect(indexText('Café CRÈME brûlée')).toBe('cafe creme brulee');
    expect(indexText('Cafe\u0301')).toBe('cafe');
    const text = 'x Cafe\u0301!';
    const [, cafe] = searchTokens(text);
    expect(text.slice(defined(cafe).start, defined(cafe).end)).toBe('Cafe\u0301');
    expect(indexText('ＦＵＬＬ ｗｉｄｔｈ ﬁle')).toBe('full width file');
  });

  it('splits on punctuation and keeps digits, apostrophes split words', () => {
    expect(indexText("don't-stop: v1.2 foo_bar, bob@example.com")).toBe('don t stop v1 2 foo bar bob example com');
  });

  it('makes every CJK character and emoji a token of its own', () => {
    expect(indexText('我们今天去北京吃饭')).toBe('我 们 今 天 去 北 京 吃 饭');
    expect(indexText('東京タワーへ行く')).toBe('東 京 タ ワ ー へ 行 く');
    expect(indexText('안녕하세요 world')).toBe('안 녕 하 세 요 world');
    expect(indexText('ok👍🏽 great🎉')).toBe('ok 👍 great 🎉');
    // Kana keep their voicing marks: か and が are different letters.
    expect(indexText('が')).not.toBe(indexText('か'));
  });

  it('gives the same tokens on its fast path (text already in NFKC) as code point by code point', () => {
    const unit = fc.oneof(
      fc.constantFrom('a', 'Z', 'É', 'é', 'e\u0301', '北', 'が', '안', '👍', '🏽', '\u200d', ' ', '-', "'", 'ß', 'İ', 'ﬁ', 'Ａ', '\u0301', '٣', 'ก', 'क्', '\ue000'),
      fc.string({ unit: 'binary', maxLength: 1 }),
    );
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 40 }), (raw) => {
        const text = raw.normalize('NFKC');
        expect(searchTokens(text)).toEqual(mappedTokens(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps Greek, Cyrillic and Arabic words, minus their diacritics', () => {
    expect(indexText('Ἀθῆναι Москва́')).toBe('αθηναι москва');
    expect(indexText('مَرْحَبًا')).toBe('مرحبا');
  });
});

describe('search query', () => {
  it('makes each word a required prefix and a quoted span an exact phrase', () => {
    expect(parse('Hel wor')).toEqual([
      { tokens: ['hel'], prefix: true },
      { tokens: ['wor'], prefix: true },
    ]);
    expect(parse('"see you" later')).toEqual([
      { tokens: ['see', 'you'], prefix: false },
      { tokens: ['later'], prefix: true },
    ]);
    expect(parse('北京')).toEqual([{ tokens: ['北', '京'], prefix: false }]);
  });

  it('never lets FTS5 syntax through: operators are words, symbols separators', () => {
    for (const q of ['NEAR(a b)', 'a OR b', 'NOT x', 'body:hi', '-x', 'x*', '^start', '(a', 'a AND', '"unbalanced', 'a"b"c"d']) {
      const expression = matchExpression(parse(q));
      expect(expression).toMatch(/^\{body\} : \((?:"[\p{L}\p{N}\p{M}\p{So} ]+"\*?(?: AND )?)+\)$/u);
    }
    expect(parse('NEAR(a b)')).toEqual([
      { tokens: ['near', 'a'], prefix: true },
      { tokens: ['b'], prefix: true },
    ]);
    expect(parse('"unbalanced')).toEqual([{ tokens: ['unbalanced'], prefix: true }]);
  });

  it('refuses a query with nothing searchable, or too long', () => {
    for (const q of ['', '   ', '"', '""', '***', '- - -', '?!', '( )']) expect(code(() => parse(q))).toBe('QUERY_EMPTY');
    expect(code(() => parse('a'.repeat(257)))).toBe('QUERY_TOO_LONG');
    expect(code(() => parse(Array.from({ length: 17 }, (_, i) => `w${i}`).join(' ')))).toBe('QUERY_TOO_LONG');
  });

  it('highlights whole matched words and phrases in the original text', () => {
    const text = 'Hello wörld, HELP! say hello world';
    const ranges = matchRanges(text, parse('hel "hello world"'));
    expect(ranges.map(([a, b]) => text.slice(a, b))).toEqual(['Hello wörld', 'HELP', 'hello world']);
    const cjk = '我们今天去北京吃饭';
    expect(matchRanges(cjk, parse('北京')).map(([a, b]) => cjk.slice(a, b))).toEqual(['北京']);
    const emoji = 'party 🎉🎉 now';
    // Two matches side by side are one highlight.
    expect(matchRanges(emoji, parse('🎉'))).toEqual([[6, 10]]);
  });
});
