/**
 * Types and constants of the Parley host contract (docs/api.md).
 * Fields the contract marks core are fixed; ext fields may be ignored by
 * clients that do not know them.
 */

export type DeliveryMethod = 'direct' | 'offline';
export type MessageStatus = 'queued' | 'stored' | 'delivered' | 'read';
export type Direction = 'sent' | 'received';
export type DirectoryKind = 'local' | 'supabase';
/** How a live session reaches the friend: direct TCP, UDP hole punched through NAT, or a blind relay. */
export type PeerPath = 'tcp' | 'holepunch' | 'relay';

/** `StatusResponse.network` (ext): the HyperDHT node, and how many configured relays answer. */
export interface NetworkStatus {
  dht: 'off' | 'joining' | 'online';
  relays: number;
}

export interface StatusResponse {
  username: string | null;
  fingerprint: string | null;
  uptime: number;
  peer_count: number;
  friends_online: number;
  directory: { kind: DirectoryKind; reachable: boolean };
  version: string;
  network: NetworkStatus;
}

export interface Contact {
  username: string;
  public_key: string;
  signing_key: string;
  online: boolean;
  last_seen: string | null;
  last_ip: string | null;
  added_at: string;
  fingerprint: string;
  verified: boolean;
  key_changed: boolean;
  /** The live session's path; null without one (then messages go through the mailbox). */
  path: PeerPath | null;
  /** Why the directory's mailbox refuses our mail to them right now (messages stay queued); null when it takes it. */
  mail_blocked: MailBlock | null;
  /** When their keys last changed by a rotation their old key signed (no safety-number alarm); null if never. */
  keys_rotated_at: string | null;
}

/** `Contact.mail_blocked` (ext): a stable code and a sentence for people. */
export interface MailBlock {
  code: 'CAPABILITY_REQUIRED' | 'RATE_LIMITED' | 'QUOTA_EXCEEDED' | 'DIRECTORY_LIMIT' | 'PROOF_REQUIRED';
  reason: string;
}

/** `POST /setup` and `POST /recover` (ext): the status, and the recovery code, shown this once. */
export interface SetupResponse extends StatusResponse {
  /** Eight groups of four characters; re-claims the name after losing this profile's data. */
  recovery_code: string;
}

/** `GET /introductions` (ext): someone who added you and whom you have not added yet. */
export interface Introduction {
  username: string;
  /** base64 X25519 key their introduction was sealed with; adding them applies it only if the directory shows the same key. */
  public_key: string;
  received_at: string;
}

export interface Message {
  msg_id: string;
  from: string;
  to: string;
  text: string;
  timestamp: string;
  direction: Direction;
  delivered: boolean;
  delivery_method: DeliveryMethod;
  status: MessageStatus;
  read: boolean;
  /** ext: the msg_id this message replies to (it may be deleted, or unknown here). */
  reply_to: string | null;
  /** ext: when the author last edited the text; null if never. */
  edited_at: string | null;
  /** ext: deleted for everyone by its author: the text is empty. */
  deleted: boolean;
  /** ext: at most one per person. */
  reactions: Reaction[];
  /** ext: files sent with the message, in the order the sender attached them. */
  attachments: Attachment[];
}

/** A reaction on a message (ext): one emoji per person per message. */
export interface Reaction {
  emoji: string;
  /** Who reacted: you or the friend. */
  from: string;
}

/**
 * Where an attachment stands on this host (ext). Sent ones: `available`
 * before they go out and once the friend's host verified its copy,
 * `sending` in between. Received ones: `receiving` until the whole file is
 * here and matches its hash, then `available`. `failed` on either side says
 * why in `error`; retry restarts it.
 */
export type AttachmentState = 'sending' | 'available' | 'receiving' | 'failed';

export interface Attachment {
  attachment_id: string;
  /** The file's name, made safe (no path, no control characters, length-capped). */
  name: string;
  size: number;
  /** The type the sender declared: a hint only; never trust it to render the bytes. */
  mime: string;
  state: AttachmentState;
  /** Bytes the receiving host has (for a sent attachment: as far as the friend has told). */
  received_bytes: number;
  /** ext: BLAKE2b-256 of the content, hex: what the receiver verifies the file against. */
  hash: string;
  /** ext: why it failed, for people; null otherwise. */
  error: string | null;
  /** ext: small enough to travel sealed through the mailbox with its message; larger ones need both hosts online. */
  mailbox: boolean;
}

export interface MessagesResponse {
  messages: Message[];
  total: number;
  has_more: boolean;
  /** ext: how many messages are newer than this page (0: the page ends at the newest). */
  newer: number;
}

/** A search result (ext): the message, and where in its text the query matched. */
export interface SearchHit extends Message {
  /** [start, end) offsets into `text` in UTF-16 code units (JavaScript string indexes), sorted, not overlapping. */
  highlights: Array<[number, number]>;
}

/** `GET /conversations` (ext): one per friend, for the contact list. */
export interface ConversationSummary {
  peer: string;
  /** The newest message with this friend, or null for an empty chat. */
  last_message: Message | null;
  /** Received messages not read yet. */
  unread: number;
  /** All messages with this friend. */
  total: number;
}

/** `GET /search` (ext): newest first. */
export interface SearchResponse {
  messages: SearchHit[];
  has_more: boolean;
}

export interface SendResult {
  msg_id: string;
  delivered: boolean;
  delivery_method: DeliveryMethod;
  status: Exclude<MessageStatus, 'read'>;
}

/** `GET /friends/:username/verify` (ext). */
export interface VerifyResponse {
  username: string;
  /** 60 digits in 12 groups of 5, the same on both sides. */
  safety_number: string;
  fingerprint: string;
  own_fingerprint: string;
  verified: boolean;
  key_changed: boolean;
}

export interface ErrorBody {
  error: string;
  code?: string;
}

export interface MessageStatusEvent {
  msg_id: string;
  peer: string;
  delivered: boolean;
  delivery_method: DeliveryMethod;
  status: MessageStatus;
}

/** Host → client WebSocket events, keyed by name. */
export interface HostEventMap {
  new_message: Message;
  friend_online: { username: string };
  friend_offline: { username: string };
  typing: { username: string; typing: boolean };
  message_status: MessageStatusEvent;
  friends_changed: Record<string, never>;
  key_changed: { username: string };
  /** ext: a message changed after it was shown (edited, deleted for everyone, reactions, attachment progress and state); the whole message as it is now. */
  message_updated: Message;
  /** ext: the friend's keys changed by a rotation their old key signed; they stay trusted. */
  key_rotated: { username: string };
  /** ext: someone who is not a friend introduced themselves (see GET /introductions). */
  introduction: { username: string };
  error: { error: string };
}

/** Client → host WebSocket events. */
export interface ClientEventMap {
  typing: { to: string; typing: boolean };
  mark_read: { peer: string; msg_id: string };
}

export type HostEventName = keyof HostEventMap;
export type HostEvent = { [K in HostEventName]: { event: K; data: HostEventMap[K] } }[HostEventName];
export type ClientEvent = { [K in keyof ClientEventMap]: { event: K; data: ClientEventMap[K] } }[keyof ClientEventMap];

/** `<data-dir>/host.json`, written when the host is ready. */
export interface HostInfo {
  pid: number;
  api_port: number;
  ws_port: number;
  peer_port: number;
  started_at: string;
  /** ext: this run's key (hex) for `GET /proof`; absent from hosts older than it. */
  proof_key?: string;
}

/** `GET /proof?nonce=` (ext, no token): HMAC-SHA256 under host.json's proof_key, hex. */
export interface ProofResponse {
  proof: string;
}

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9_.-]{2,31}$/;

/** Lower-cases a username as the contract requires before validation. */
export function normalizeUsername(input: string): string {
  return input.trim().toLowerCase();
}

export const DEFAULT_PORTS = { api: 8080, ws: 8081, peer: 9100 } as const;
export const EVENTS_PATH = '/events';
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;
/** Longest message text accepted, in characters. */
export const MAX_TEXT_LENGTH = 16_000;
/** Most attachments on one message. */
export const MAX_ATTACHMENTS_PER_MESSAGE = 10;
/** Longest attachment name kept, in UTF-8 bytes (longer names are shortened, keeping the extension). */
export const MAX_ATTACHMENT_NAME_BYTES = 255;
/** Longest search query accepted, in characters, and most words in one. */
export const MAX_SEARCH_QUERY_LENGTH = 256;
export const MAX_SEARCH_TERMS = 16;
