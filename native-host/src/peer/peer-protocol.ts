import * as z from 'zod';

/**
 * What travels inside an encrypted peer session: one JSON object per frame.
 * The session authenticates every frame, so messages carry no signatures.
 */
export const MAX_MSG_ID_LENGTH = 64;

const msgId = z.string().min(1).max(MAX_MSG_ID_LENGTH).regex(/^[A-Za-z0-9-]+$/);
const timestamp = z.string().max(40).refine((s) => !Number.isNaN(Date.parse(s)), 'not a timestamp');

export function peerMessageSchema(maxTextLength: number) {
  return z.discriminatedUnion('type', [
    z.object({ type: z.literal('message'), msg_id: msgId, timestamp, text: z.string().min(1).max(maxTextLength) }),
    /** The receiver committed msg_id. */
    z.object({ type: z.literal('ack'), msg_id: msgId }),
    /** A message that arrived through the mailbox was committed (delivery receipt). */
    z.object({ type: z.literal('receipt'), msg_ids: z.array(msgId).min(1).max(1000) }),
    z.object({ type: z.literal('typing'), typing: z.boolean() }),
    /** The reader saw everything up to and including msg_id. */
    z.object({ type: z.literal('read'), msg_id: msgId }),
    /**
     * How the dialler's DHT stream reaches us: its first frame on a DHT link
     * and again when that changes. Never sent on TCP (hosts without the DHT
     * would not know it).
     */
    z.object({ type: z.literal('path'), path: z.enum(['holepunch', 'relay']) }),
    z.object({ type: z.literal('ping') }),
    z.object({ type: z.literal('pong') }),
  ]);
}

export type PeerMessageSchema = ReturnType<typeof peerMessageSchema>;
export type PeerMessage = z.infer<PeerMessageSchema>;

/** What the peer layer reports to its owner (the messenger). */
export interface PeerEvents {
  sessionUp(username: string): void;
  sessionDown(username: string): void;
  message(username: string, message: PeerMessage): void;
  /** A peer proved keys other than the ones pinned for that username. */
  keyMismatch(username: string): void;
}
