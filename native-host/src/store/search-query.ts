import { errors } from '../errors.js';
import { searchTokens, type SearchToken } from './search-text.js';
import { defined } from '../../../shared/defined.js';

/** One thing the user looks for: consecutive tokens, the last maybe a prefix. */
export interface SearchTerm {
  tokens: string[];
  prefix: boolean;
}

/**
 * Turns what the user typed into terms. User input never reaches FTS5's
 * query syntax: `"`, `*`, `-`, `^`, `:`, parentheses, NEAR/AND/OR/NOT are
 * either separators (dropped by tokenization) or plain words. Each
 * whitespace-separated word must match the start of a word in the message
 * (`hel` finds "hello"; `don't` finds the two words "don t" in a row); a
 * balanced "quoted phrase" must match exactly. An unbalanced quote is
 * ignored. Throws QUERY_EMPTY when nothing searchable is left and
 * QUERY_TOO_LONG past the limits.
 */
export function parseSearchQuery(input: string, limits: { maxLength: number; maxTerms: number }): SearchTerm[] {
  if (input.length > limits.maxLength) throw errors.queryTooLong(`longer than ${limits.maxLength} characters`);
  const terms: SearchTerm[] = [];
  const quoted = /"([^"]*)"/g;
  let last = 0;
  for (const match of input.matchAll(quoted)) {
    addWords(terms, input.slice(last, match.index));
    addTerm(terms, searchTokens(defined(match[1])), false);
    last = match.index + match[0].length;
  }
  addWords(terms, input.slice(last));
  if (terms.length === 0) throw errors.queryEmpty();
  if (terms.length > limits.maxTerms) throw errors.queryTooLong(`more than ${limits.maxTerms} words`);
  return terms;
}

function addWords(terms: SearchTerm[], text: string): void {
  for (const word of text.split(/[\s"]+/u)) addTerm(terms, searchTokens(word), true);
}

function addTerm(terms: SearchTerm[], tokens: SearchToken[], prefix: boolean): void {
  const lastToken = tokens.at(-1);
  if (!lastToken) return;
  // A single CJK character or emoji is a whole token: as a prefix it would
  // only cost time.
  terms.push({ tokens: tokens.map((t) => t.text), prefix: prefix && !lastToken.single });
}

/**
 * The FTS5 MATCH expression for `terms` on the `body` column: each term a
 * quoted phrase (tokens hold only letters, digits, marks and symbols, and
 * any quote would be doubled anyway), all required.
 */
export function matchExpression(terms: SearchTerm[]): string {
  const phrases = terms.map((t) => `"${t.tokens.join(' ').replaceAll('"', '""')}"${t.prefix ? '*' : ''}`);
  return `{body} : (${phrases.join(' AND ')})`;
}

/** Where the terms occur in `text`: sorted, merged [start, end) UTF-16 ranges. */
export function matchRanges(text: string, terms: SearchTerm[]): Array<[number, number]> {
  const tokens = searchTokens(text);
  const ranges: Array<[number, number]> = [];
  for (const term of terms) {
    const n = term.tokens.length;
    for (let i = 0; i + n <= tokens.length; i++) {
      let hit = true;
      for (let k = 0; k < n && hit; k++) {
        const want = defined(term.tokens[k]);
        const have = defined(tokens[i + k]).text;
        hit = k === n - 1 && term.prefix ? have.startsWith(want) : have === want;
      }
      if (hit) ranges.push([defined(tokens[i]).start, defined(tokens[i + n - 1]).end]);
    }
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const range of ranges) {
    const prev = merged.at(-1);
    if (prev && range[0] <= prev[1]) prev[1] = Math.max(prev[1], range[1]);
    else merged.push([range[0], range[1]]);
  }
  return merged;
}
