/**
 * What counts as "one emoji" for a reaction: a single grapheme cluster made
 * only of emoji code points (pictographs, skin tones, ZWJ sequences, keycaps,
 * flags, tag sequences), with at least one that is an emoji on its own.
 * Shared by the host (REST input and peer frames) and the extension.
 */

/** Longest reaction accepted, in UTF-16 code units: the longest emoji sequences (tag flags, families) fit. */
export const MAX_EMOJI_LENGTH = 32;

const ONLY_EMOJI_PARTS = /^[\p{Extended_Pictographic}\p{Emoji_Component}\uFE0E]+$/u;
// Digits, '#' and '*' are emoji components, but alone they are text: a keycap needs U+20E3.
const STANDS_ALONE = /[\p{Extended_Pictographic}\p{Regional_Indicator}\u20E3]/u;
const REGIONAL_INDICATOR = /\p{Regional_Indicator}/gu;

let segmenter: Intl.Segmenter | undefined;

export function isSingleEmoji(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_EMOJI_LENGTH) return false;
  if (!ONLY_EMOJI_PARTS.test(value) || !STANDS_ALONE.test(value)) return false;
  // A flag is exactly two regional indicators; one alone or several in a row are not one emoji.
  const indicators = value.match(REGIONAL_INDICATOR)?.length ?? 0;
  if (indicators !== 0 && (indicators !== 2 || value.length !== 4)) return false;
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  const graphemes = segmenter.segment(value)[Symbol.iterator]();
  graphemes.next();
  return graphemes.next().done === true;
}
