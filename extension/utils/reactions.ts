import type { Reaction } from '../../shared/contract.js';

/** The reactions the picker offers, with the names screen readers say. */
export const QUICK_REACTIONS: ReadonlyArray<{ emoji: string; name: string }> = [
  { emoji: '👍', name: 'thumbs up' },
  { emoji: '❤️', name: 'heart' },
  { emoji: '😂', name: 'laughing' },
  { emoji: '😮', name: 'surprised' },
  { emoji: '😢', name: 'sad' },
  { emoji: '🙏', name: 'thank you' },
  { emoji: '🎉', name: 'celebrate' },
  { emoji: '👎', name: 'thumbs down' },
];

/** One chip under a bubble: an emoji, who chose it, and whether one of them is you. */
export interface ReactionChip {
  emoji: string;
  count: number;
  mine: boolean;
  /** "you and bob", for the label. */
  who: string;
}

/**
 * Reactions grouped by emoji, in the order they first appear. In a chat
 * with `peer` every reaction is theirs or yours, so yours are the ones not
 * from them: no need to know your own name.
 */
export function reactionChips(reactions: readonly Reaction[], peer: string): ReactionChip[] {
  const chips = new Map<string, { emoji: string; from: string[] }>();
  for (const r of reactions) {
    const chip = chips.get(r.emoji);
    if (chip) chip.from.push(r.from);
    else chips.set(r.emoji, { emoji: r.emoji, from: [r.from] });
  }
  return [...chips.values()].map(({ emoji, from }) => {
    const mine = from.some((name) => name !== peer);
    return { emoji, count: from.length, mine, who: [...(mine ? ['you'] : []), ...(from.includes(peer) ? [peer] : [])].join(' and ') };
  });
}

/** Your reaction on a message of the chat with `peer`, if any. */
export function myReaction(reactions: readonly Reaction[], peer: string): string | null {
  return reactions.find((r) => r.from !== peer)?.emoji ?? null;
}
