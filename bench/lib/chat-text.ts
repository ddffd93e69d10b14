/**
 * Deterministic chat-like text for search benchmarks: word frequencies
 * follow Zipf's law over a vocabulary of common chat words and a few
 * thousand made-up ones, 2 % of messages are Chinese and some carry emoji,
 * so a query meets the spread of hits a real history gives it (a few words
 * in most messages, most words in few).
 */

const COMMON = [
  'the', 'to', 'i', 'you', 'a', 'and', 'it', 'is', 'of', 'in', 'that', 'for', 'me', 'on', 'we', 'have', 'be', 'what', 'so', 'at',
  'do', 'this', 'just', 'with', 'not', 'are', 'my', 'can', 'know', 'but', 'get', 'was', 'will', 'no', 'all', 'like', 'if', 'your',
  'up', 'how', 'ok', 'go', 'about', 'out', 'there', 'see', 'one', 'now', 'time', 'good', 'yes', 'think', 'lol', 'when', 'going',
  'want', 'did', 'tomorrow', 'today', 'call', 'later', 'thanks', 'home', 'work', 'night', 'morning', 'love', 'sure', 'haha',
  'really', 'right', 'need', 'let', 'tell', 'got', 'back', 'day', 'come', 'where', 'here', 'been', 'too', 'some', 'then', 'well',
  'much', 'make', 'why', 'maybe', 'meeting', 'lunch', 'dinner', 'coffee', 'file', 'photo', 'link', 'weekend',
];
const SYLLABLES = ['ka', 'lo', 'mi', 'ra', 'te', 'su', 'no', 'vi', 'de', 'pa', 'zu', 'ri', 'mo', 'le', 'ta', 'ne', 'go', 'fi', 'ba', 'xe'];
const CHINESE = ['我们明天见', '北京的天气很好', '你吃饭了吗', '今天晚上一起看电影', '谢谢你的帮助', '周末去北京玩'];
const EMOJI = ['👍', '😂', '🎉', '❤️'];

/** The vocabulary, most frequent first. */
export const VOCABULARY = (() => {
  const words = [...COMMON];
  const seen = new Set(words);
  for (const a of SYLLABLES) for (const b of SYLLABLES) for (const c of ['', ...SYLLABLES.slice(0, 9)]) {
    const word = a + b + c;
    if (!seen.has(word)) {
      seen.add(word);
      words.push(word);
    }
  }
  return words;
})();

const cumulative = (() => {
  const weights = VOCABULARY.map((_, rank) => 1 / (rank + 1));
  const out = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => (out[i] = sum += w));
  return out.map((v) => v / sum);
})();

/**
 * A small, fast, seedable PRNG (mulberry32).
 */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A word by Zipf rank; `u` is uniform in [0, 1). */
function zipfWord(u: number) {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cumulative[mid] ?? 1) < u) lo = mid + 1;
    else hi = mid;
  }
  return VOCABULARY[lo] ?? '';
}

/**
 * Message text number `i`: the same `i` always gives the same text.
 */
export function chatText(i: number): string {
  const next = random(i * 2654435761);
  const pick = (list: readonly string[]) => list[Math.floor(next() * list.length)] ?? '';
  if (next() < 0.02) return pick(CHINESE);
  const n = 2 + Math.floor(next() * 12);
  const words = Array.from({ length: n }, () => zipfWord(next()));
  if (next() < 0.05) words.push(pick(EMOJI));
  return words.join(' ');
}
