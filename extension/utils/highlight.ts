/** A piece of text to show, marked when it is part of a search match. */
export interface TextPart {
  text: string;
  mark: boolean;
}

/**
 * A short excerpt of `text` around its first match, split into marked and
 * plain parts: up to `lead` characters before the match (cut at a space
 * when one is near), `max` characters in all, with an ellipsis where text
 * was left out. `highlights` are [start, end) offsets, sorted.
 */
export function snippet(text: string, highlights: ReadonlyArray<readonly [number, number]>, lead = 24, max = 160): TextPart[] {
  const first = highlights[0]?.[0] ?? 0;
  let start = Math.max(0, first - lead);
  if (start > 0) {
    const space = text.indexOf(' ', start);
    if (space >= 0 && space < first) start = space + 1;
  }
  const end = Math.min(text.length, start + max);
  const parts: TextPart[] = [];
  const push = (from: number, to: number, mark: boolean) => {
    if (to > from) parts.push({ text: text.slice(from, to).replace(/\s+/g, ' '), mark });
  };
  let at = start;
  for (const [a, b] of highlights) {
    const from = Math.max(a, start);
    const to = Math.min(b, end);
    if (to <= from) continue;
    push(at, from, false);
    push(from, to, true);
    at = to;
  }
  push(at, end, false);
  if (start > 0) parts.unshift({ text: '…', mark: false });
  if (end < text.length) parts.push({ text: '…', mark: false });
  return parts;
}
