import type { Db } from './database.js';

/** A reaction as stored: ours or the friend's, and its emoji (null once taken back). */
export interface ReactionState {
  emoji: string | null;
  version: number;
}

/** A reaction shown on a message. */
export interface ReactionEntry {
  mine: boolean;
  emoji: string;
}

/**
 * Changes to stored messages after they were written: edits, deletion for
 * everyone and reactions. Each change carries its author's count, and a
 * change applies only over a lower count, so repeats and late arrivals
 * change nothing. A message deleted for everyone takes no further change.
 */
export class MessageChangesRepo {
  private readonly stmt;

  constructor(db: Db) {
    this.stmt = {
      editOwn: db.prepare(
        `UPDATE messages SET text = @text, edited_at = @edited_at, edit_version = edit_version + 1
         WHERE id = @id AND direction = 'sent' AND deleted = 0 RETURNING edit_version`,
      ),
      edit: db.prepare(
        `UPDATE messages SET text = @text, edited_at = @edited_at, edit_version = @version
         WHERE id = @id AND deleted = 0 AND edit_version < @version`,
      ),
      tombstone: db.prepare(`UPDATE messages SET text = '', reply_to = NULL, edited_at = NULL, deleted = 1 WHERE id = ? AND deleted = 0`),
      clearReactions: db.prepare(`DELETE FROM reactions WHERE message = ?`),
      reaction: db.prepare(`SELECT emoji, version FROM reactions WHERE message = ? AND mine = ?`),
      setReaction: db.prepare(
        `INSERT INTO reactions (message, mine, emoji, version) VALUES (@message, @mine, @emoji, @version)
         ON CONFLICT (message, mine) DO UPDATE SET emoji = excluded.emoji, version = excluded.version
         WHERE excluded.version > reactions.version`,
      ),
      reactionsOf: db.prepare(
        `SELECT message, mine, emoji FROM reactions
         WHERE message IN (SELECT value FROM json_each(?)) AND emoji IS NOT NULL ORDER BY message, mine`,
      ),
    };
  }

  /** Our edit of our own message (row `id`): the new text, one more edit. Returns its count, or null if the message cannot be edited. */
  editOwn(id: number, text: string, editedAt: string): number | null {
    const row = this.stmt.editOwn.get({ id, text, edited_at: editedAt }) as { edit_version: number } | undefined;
    return row?.edit_version ?? null;
  }

  /** The author's edit number `version`: applied only over a lower one, never to a deleted message. */
  applyEdit(id: number, text: string, editedAt: string, version: number): boolean {
    return this.stmt.edit.run({ id, text, edited_at: editedAt, version }).changes > 0;
  }

  /** Deletes the message for everyone: no text, no reply, no reactions. False when it already was. */
  tombstone(id: number): boolean {
    if (this.stmt.tombstone.run(id).changes === 0) return false;
    this.stmt.clearReactions.run(id);
    return true;
  }

  /** Our reaction (`mine`) or the friend's on message row `id`, with its count; undefined if never set. */
  reaction(id: number, mine: boolean): ReactionState | undefined {
    return this.stmt.reaction.get(id, mine ? 1 : 0) as ReactionState | undefined;
  }

  /** Sets a reaction (null: taken back) with its count; applied only over a lower count. */
  setReaction(id: number, mine: boolean, emoji: string | null, version: number): boolean {
    return this.stmt.setReaction.run({ message: id, mine: mine ? 1 : 0, emoji, version }).changes > 0;
  }

  /** The reactions shown on these message rows, in one query. */
  reactionsOf(ids: readonly number[]): Map<number, ReactionEntry[]> {
    const byMessage = new Map<number, ReactionEntry[]>();
    if (ids.length === 0) return byMessage;
    for (const r of this.stmt.reactionsOf.all(JSON.stringify(ids)) as Array<{ message: number; mine: number; emoji: string }>) {
      const entry = { mine: r.mine === 1, emoji: r.emoji };
      const list = byMessage.get(r.message);
      if (list) list.push(entry);
      else byMessage.set(r.message, [entry]);
    }
    return byMessage;
  }
}
