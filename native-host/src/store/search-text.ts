import type { Db } from './database.js';

/**
 * Search tokens, shared by the index, the query and the highlighting so the
 * three always agree. SQLite's unicode61 tokenizer alone cannot do this: it
 * keeps a run of Chinese or Japanese text as one token (no spaces between
 * words there) and drops emoji. So tokenization happens here and the index
 * is fed tokens already separated by spaces:
 *
 * - text is NFKC-normalised first (full-width letters, ligatures, composed
 *   accents);
 * - a word is a run of letters, digits, private-use characters and the
 *   combining marks attached to them; anything else separates words;
 * - each Han, Hiragana, Katakana and Hangul character, and each symbol or
 *   emoji, is a token of its own, so a phrase of them matches anywhere inside
 *   a longer run;
 * - words are lower-cased and lose Latin, Greek and Cyrillic accents and
 *   Arabic vowel marks (cafe finds Café); CJK characters are kept as they are
 *   (か and が stay different).
 */
export interface SearchToken {
  /** The folded form, as indexed. */
  text: string;
  /** UTF-16 offsets of the token in the original string, end exclusive. */
  start: number;
  end: number;
  /** A CJK character or a symbol: a whole token on its own, never a prefix. */
  single: boolean;
}

const SINGLE_SET = String.raw`\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{So}\p{Extended_Pictographic}`;
const SINGLE = new RegExp(`[${SINGLE_SET}]`, 'u');
const WORD = /[\p{L}\p{N}\p{Co}]/u;
const MARK = /\p{M}/u;
// Combining diacritics (Latin, Greek, Cyrillic) and Arabic harakat: what
// people leave out when they type a search.
const DIACRITICS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\u064b-\u065f\u0670]/gu;

const NON_ASCII = /[^\x00-\x7f]/;

function foldWord(word: string): string {
  if (!NON_ASCII.test(word)) return word.toLowerCase();
  return word.toLowerCase().normalize('NFD').replace(DIACRITICS, '').normalize('NFC');
}

/** Splits `text` into search tokens with their places in `text`. */
export function searchTokens(text: string): SearchToken[] {
  // Most text is already in NFKC: then every code point is too, offsets
  // need no mapping, and one regular expression does the work.
  return text.normalize('NFKC') === text ? normalizedTokens(text) : mappedTokens(text);
}

const WORD_ONLY = String.raw`[[\p{L}\p{N}\p{Co}]--[${SINGLE_SET}]]`;
const TOKEN = new RegExp(String.raw`([${SINGLE_SET}])|${WORD_ONLY}(?:${WORD_ONLY}|\p{M})*`, 'gv');

function normalizedTokens(text: string): SearchToken[] {
  const tokens: SearchToken[] = [];
  for (const m of text.matchAll(TOKEN)) {
    const single = m[1] !== undefined;
    const folded = single ? m[0].toLowerCase() : foldWord(m[0]);
    if (folded) tokens.push({ text: folded, start: m.index, end: m.index + m[0].length, single });
  }
  return tokens;
}

/** The same tokens for text that NFKC changes, keeping offsets in the original (exported for its test). */
export function mappedTokens(text: string): SearchToken[] {
  const tokens: SearchToken[] = [];
  let word = '';
  let start = 0;
  let end = 0;
  const flush = () => {
    if (word) {
      const folded = foldWord(word);
      if (folded) tokens.push({ text: folded, start, end, single: false });
    }
    word = '';
  };
  let offset = 0;
  for (const cp of text) {
    const cpStart = offset;
    offset += cp.length;
    // Per code point, so every piece of the normalised form keeps an
    // offset in the original; a precomposed or decomposed accent folds the same.
    for (const ch of cp.normalize('NFKC')) {
      if (SINGLE.test(ch)) {
        flush();
        tokens.push({ text: ch.toLowerCase(), start: cpStart, end: offset, single: true });
      } else if (WORD.test(ch) || (word && MARK.test(ch))) {
        if (!word) start = cpStart;
        word += ch;
        end = offset;
      } else {
        flush();
      }
    }
  }
  flush();
  return tokens;
}

/** What the index stores for a message text: its tokens, space-separated. */
export function indexText(text: string): string {
  return searchTokens(text)
    .map((t) => t.text)
    .join(' ');
}

/** SQL name of indexText, called by the triggers that keep the index true. */
export const INDEX_TEXT_FUNCTION = 'parley_search_text';

/**
 * Makes indexText callable from SQL on this connection. Every connection
 * that writes message text needs it (the index triggers call it); deleting
 * does not.
 */
export function registerSearchFunctions(db: Db): void {
  db.function(INDEX_TEXT_FUNCTION, { deterministic: true }, (text: unknown) => (typeof text === 'string' ? indexText(text) : ''));
}
