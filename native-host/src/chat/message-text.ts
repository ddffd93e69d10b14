import { errors, type ParleyError } from '../errors.js';

/**
 * The one rule for a chat message's text, whoever wrote it (our user
 * through the API, a friend live or through the mailbox): not blank, and at
 * most `maxLength` characters, counted as JavaScript counts them (UTF-16
 * code units); a message that carries attachments may have no text
 * (`mayBeEmpty`). Returns the error that breaks it, or null.
 */
export function textProblem(text: string, maxLength: number, mayBeEmpty = false): ParleyError | null {
  if (!mayBeEmpty && text.trim().length === 0) return errors.textEmpty();
  if (text.length > maxLength) return errors.textTooLong(maxLength);
  return null;
}

/** Throws what `textProblem` finds. */
export function requireText(text: string, maxLength: number, mayBeEmpty = false): void {
  const problem = textProblem(text, maxLength, mayBeEmpty);
  if (problem) throw problem;
}

/**
 * Earliest time a message can have been sent: nothing was, before this. A
 * device whose clock reset (to 1970) dates messages before it.
 */
const EARLIEST_SENT_AT = Date.parse('2000-01-01T00:00:00.000Z');

/**
 * The time a received message is shown with: the sender's own send time, in
 * the contract's ISO form, unless it is more than `maxSkewMs` ahead of our
 * clock or before 2000, when the time it reached us is used instead (a clock
 * that is wrong, or a friend dating messages to pin them at the top of the
 * chat list). `clamped` says which.
 */
export function shownTimestamp(claimed: string, receivedAt: number, maxSkewMs: number): { timestamp: string; clamped: boolean } {
  const sentAt = Date.parse(claimed);
  const clamped = !(sentAt >= EARLIEST_SENT_AT && sentAt - receivedAt <= maxSkewMs);
  return { timestamp: new Date(clamped ? receivedAt : sentAt).toISOString(), clamped };
}
