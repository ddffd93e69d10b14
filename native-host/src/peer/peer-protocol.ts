import * as z from 'zod';

/**
 * What travels inside an encrypted peer session: one JSON object per frame.
 * The session authenticates every frame, so frames carry no signatures.
 *
 * Anything that must reach the friend for sure is an `item`: a frame with an
 * id, a kind and a body, kept in the sender's outbox until the receiver acks
 * its id (after committing it) or, for one that went through the mailbox,
 * sends a delivery receipt. The same item frame is what a mailbox envelope
 * seals. The other frames are signals: lost with a session, and repeated
 * where that matters (read receipts).
 */
export const MAX_MSG_ID_LENGTH = 64;
/** Most ids in one ack or receipt frame. */
export const MAX_ACK_IDS = 1000;

export const itemId = z.string().min(1).max(MAX_MSG_ID_LENGTH).regex(/^[A-Za-z0-9-]+$/);
export const timestamp = z.string().max(40).refine((s) => !Number.isNaN(Date.parse(s)), 'not a timestamp');
/** Item kinds are lower-case words; a host that does not know a kind leaves the item unacked. */
export const itemKind = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/);

/**
 * An outgoing item. Its body is checked by the receiver's handler for that
 * kind (chat/item-kinds.ts), so a kind added later does not make an older
 * host close the session.
 */
export const itemFrameSchema = z.object({
  type: z.literal('item'),
  id: itemId,
  kind: itemKind,
  body: z.record(z.string(), z.unknown()),
});

export type ItemFrame = z.infer<typeof itemFrameSchema>;

/** Items that arrived through the mailbox were committed (delivery receipt); also sealed into the sender's mailbox. */
export const receiptFrameSchema = z.object({ type: z.literal('receipt'), ids: z.array(itemId).min(1).max(MAX_ACK_IDS) });

/** Byte offsets and lengths of files: whole numbers a double holds exactly. */
const byteCount = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/**
 * The header of a data frame (data-frame.ts): `length` bytes of attachment
 * `id` from `offset`, sent only in answer to the peer's `file_get`.
 */
export const fileDataHeaderSchema = z.object({ type: z.literal('file_data'), id: itemId, offset: byteCount });

/** A data frame as the session hands it on: its header and the bytes. */
export type FileDataFrame = z.infer<typeof fileDataHeaderSchema> & { data: Uint8Array };

export function peerMessageSchema() {
  return z.discriminatedUnion('type', [
    itemFrameSchema,
    /** The receiver committed these items (also sent for a duplicate). */
    z.object({ type: z.literal('ack'), ids: z.array(itemId).min(1).max(MAX_ACK_IDS) }),
    receiptFrameSchema,
    z.object({ type: z.literal('typing'), typing: z.boolean() }),
    /** The reader saw every chat message up to and including msg_id. */
    z.object({ type: z.literal('read'), msg_id: itemId }),
    /**
     * How the dialler's DHT stream reaches us: its first frame on a DHT link
     * and again when that changes. Never sent on TCP (hosts without the DHT
     * would not know it).
     */
    z.object({ type: z.literal('path'), path: z.enum(['holepunch', 'relay']) }),
    z.object({ type: z.literal('ping') }),
    z.object({ type: z.literal('pong') }),
    /**
     * The receiver of an attachment asks for `length` bytes from `offset`;
     * the sender answers with data frames, in order. Asking is the flow
     * control: a receiver keeps a bounded window of bytes asked for and not
     * yet written, and asks again from where it stands after a cut.
     */
    z.object({ type: z.literal('file_get'), id: itemId, offset: byteCount, length: byteCount.min(1) }),
    /** The sender will not serve this attachment: it does not know it (for this peer), withdrew it, or the range is past its end. */
    z.object({ type: z.literal('file_error'), id: itemId, reason: z.enum(['unknown', 'canceled', 'range']) }),
  ]);
}

export type PeerMessageSchema = ReturnType<typeof peerMessageSchema>;
/** A JSON frame of the session. */
export type PeerMessage = z.infer<PeerMessageSchema>;
/** Anything a session delivers: a JSON frame or file data. */
export type PeerFrame = PeerMessage | FileDataFrame;

/** What the peer layer reports to its owner (the messenger). */
export interface PeerEvents {
  sessionUp(username: string): void;
  sessionDown(username: string): void;
  message(username: string, message: PeerFrame): void;
}
