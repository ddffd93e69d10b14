/**
 * Versioned schema. Each entry runs once, in order, inside a transaction;
 * PRAGMA user_version records how far a database has come. Never edit an
 * entry that has shipped: add a new one.
 */
/**
 * Puts the text of every message into the search index: what building the
 * index over a history that predates it runs (the bench times it alone).
 */
export const INDEX_EVERY_MESSAGE = `INSERT INTO message_search (rowid, body, peer)
    SELECT id, parley_search_text(text), hex(peer) FROM messages WHERE text != '';`;

export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) WITHOUT ROWID;

  CREATE TABLE friends (
    username          TEXT PRIMARY KEY,
    public_key        TEXT NOT NULL,
    signing_key       TEXT NOT NULL,
    verified          INTEGER NOT NULL DEFAULT 0,
    -- keys the directory shows now, when they differ from the pinned ones
    seen_public_key   TEXT,
    seen_signing_key  TEXT,
    addresses         TEXT NOT NULL DEFAULT '[]',
    last_seen         TEXT,
    last_ip           TEXT,
    added_at          TEXT NOT NULL
  ) WITHOUT ROWID;

  -- seq is the local order of one conversation (arrival for received,
  -- creation for sent): 1, 2, 3, ... per peer, never reused. Keyset pages
  -- walk it directly; offset pages find their start from it and the holes
  -- deletions leave (history_holes), so neither reads what it skips.
  CREATE TABLE messages (
    id               INTEGER PRIMARY KEY,
    msg_id           TEXT NOT NULL UNIQUE,
    peer             TEXT NOT NULL,
    seq              INTEGER NOT NULL,
    direction        TEXT NOT NULL CHECK (direction IN ('sent', 'received')),
    text             TEXT NOT NULL,
    timestamp        TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('queued', 'stored', 'delivered', 'read')),
    delivery_method  TEXT NOT NULL CHECK (delivery_method IN ('direct', 'offline')),
    read             INTEGER NOT NULL DEFAULT 0
  );
  CREATE UNIQUE INDEX messages_by_peer ON messages (peer, seq);
  CREATE INDEX messages_unread ON messages (peer, seq) WHERE direction = 'received' AND read = 0;

  -- Per conversation: how many messages, and the last seq handed out.
  CREATE TABLE peer_totals (
    peer      TEXT PRIMARY KEY,
    total     INTEGER NOT NULL,
    last_seq  INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE history_holes (
    peer  TEXT NOT NULL,
    seq   INTEGER NOT NULL,
    PRIMARY KEY (peer, seq)
  ) WITHOUT ROWID;
  CREATE TRIGGER messages_count_insert AFTER INSERT ON messages BEGIN
    INSERT INTO peer_totals (peer, total, last_seq) VALUES (NEW.peer, 1, NEW.seq)
      ON CONFLICT (peer) DO UPDATE SET total = total + 1, last_seq = max(last_seq, NEW.seq);
  END;
  CREATE TRIGGER messages_count_delete AFTER DELETE ON messages BEGIN
    UPDATE peer_totals SET total = total - 1 WHERE peer = OLD.peer;
    INSERT INTO history_holes (peer, seq) VALUES (OLD.peer, OLD.seq);
  END;

  -- Sent messages the peer has not confirmed yet: queued (nowhere yet) or
  -- stored (in the mailbox). Retried with backoff until acked or receipted.
  CREATE TABLE outbox (
    msg_id           TEXT PRIMARY KEY REFERENCES messages (msg_id) ON DELETE CASCADE,
    peer             TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX outbox_by_peer ON outbox (peer, next_attempt_at);

  -- Delivery receipts owed for mail taken from the mailbox, sent when a
  -- session to the sender is up.
  CREATE TABLE receipts_due (
    peer    TEXT NOT NULL,
    msg_id  TEXT NOT NULL,
    PRIMARY KEY (peer, msg_id)
  ) WITHOUT ROWID;

  CREATE TABLE prekeys (
    id           INTEGER PRIMARY KEY,
    public_key   TEXT NOT NULL,
    private_key  TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    signature    TEXT NOT NULL,
    published    INTEGER NOT NULL DEFAULT 0
  );
  `,
  // Full-text search over history. Contentless (the text stays in messages
  // only) with contentless_delete, so a row leaves the index by rowid alone,
  // whatever tokens it was indexed with. The body column holds
  // parley_search_text(text) (store/search-text.ts: tokens already split, so
  // unicode61 only separates them at spaces); peer holds hex(peer) as one
  // token, so one chat's search is an index lookup, not a filter. The
  // triggers keep the index true on any insert, delete, edit of the text,
  // or delete for everyone (the text becomes empty, and empty text is not
  // indexed); the chat layer never writes to it. A change to the tokenizer
  // needs a migration that rebuilds the index from messages.
  `
  CREATE VIRTUAL TABLE message_search USING fts5(
    body, peer,
    content = '', contentless_delete = 1,
    tokenize = "unicode61 remove_diacritics 0 categories 'L* N* Co M* So'",
    prefix = '2 3'
  );
  CREATE TRIGGER message_search_insert AFTER INSERT ON messages WHEN NEW.text != '' BEGIN
    INSERT INTO message_search (rowid, body, peer) VALUES (NEW.id, parley_search_text(NEW.text), hex(NEW.peer));
  END;
  CREATE TRIGGER message_search_delete AFTER DELETE ON messages BEGIN
    DELETE FROM message_search WHERE rowid = OLD.id;
  END;
  CREATE TRIGGER message_search_update AFTER UPDATE OF text, peer ON messages BEGIN
    DELETE FROM message_search WHERE rowid = OLD.id;
    INSERT INTO message_search (rowid, body, peer)
      SELECT NEW.id, parley_search_text(NEW.text), hex(NEW.peer) WHERE NEW.text != '';
  END;
  ${INDEX_EVERY_MESSAGE}
  `,
  `
  -- Reachability from the friend's newest signed presence record: its
  -- HyperDHT key (base64) and issuedAt, kept so an older record is never
  -- accepted after a newer one (addresses stay in friends.addresses).
  -- Addresses learnt before, unsigned, are dropped: only a friend's own
  -- record says where to dial them now.
  ALTER TABLE friends ADD COLUMN dht_key TEXT;
  ALTER TABLE friends ADD COLUMN presence_at TEXT;
  UPDATE friends SET addresses = '[]';
  `,
  // The outbox holds any peer frame that needs the friend's confirmation
  // (chat messages now; edits, reactions, grants, file offers later), not
  // only message ids. Unconfirmed messages carry over with their state.
  // Keyed by (peer, seq) without a rowid: every send inserts a row and every
  // ack deletes one, so each B-tree less is one page less per commit. The
  // outbox holds only what is unconfirmed: the due-time sweep and the rare
  // message deletion just scan it.
  `
  CREATE TABLE outbox_items (
    peer             TEXT NOT NULL,
    seq              INTEGER NOT NULL,     -- send order (see OutboxRepo)
    id               TEXT NOT NULL UNIQUE, -- chosen by us; the friend acks it
    kind             TEXT NOT NULL,
    body             TEXT NOT NULL,        -- the frame's body, JSON
    -- the chat message this item is (or belongs to): deleting it drops the item
    msg_id           TEXT REFERENCES messages (msg_id) ON DELETE CASCADE,
    stored           INTEGER NOT NULL DEFAULT 0, -- sealed into the friend's mailbox
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL,
    PRIMARY KEY (peer, seq)
  ) WITHOUT ROWID;

  INSERT INTO outbox_items (peer, seq, id, kind, body, msg_id, stored, attempts, next_attempt_at)
    SELECT o.peer, m.id, o.msg_id, 'message', json_object('timestamp', m.timestamp, 'text', m.text), o.msg_id,
           m.status = 'stored', o.attempts, o.next_attempt_at
    FROM outbox o JOIN messages m ON m.msg_id = o.msg_id;
  DROP TABLE outbox;
  `,
  // Richer messages: replies, edits, deletion for everyone, reactions.
  // Edits and deletions change messages.text in place, so the search
  // triggers keep the index true. A message's author counts its edits
  // (edit_version) and each person counts their reaction changes on a
  // message (reactions.version): the highest count wins on both sides,
  // whatever order the changes arrive in. A reaction taken back stays as a
  // NULL emoji, keeping its count. early_changes holds changes that arrived
  // before their message (an edit overtaking a message too large for the
  // mailbox), applied when it comes, dropped after a while.
  `
  ALTER TABLE messages ADD COLUMN reply_to TEXT;
  ALTER TABLE messages ADD COLUMN edited_at TEXT;
  ALTER TABLE messages ADD COLUMN edit_version INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE messages ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;

  CREATE TABLE reactions (
    message  INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    mine     INTEGER NOT NULL,  -- 1: this profile's reaction, 0: the friend's
    emoji    TEXT,              -- NULL: taken back
    version  INTEGER NOT NULL,
    PRIMARY KEY (message, mine)
  ) WITHOUT ROWID;

  CREATE TABLE early_changes (
    peer         TEXT NOT NULL,
    msg_id       TEXT NOT NULL,
    kind         TEXT NOT NULL,
    body         TEXT NOT NULL,  -- the item's body, JSON
    received_at  INTEGER NOT NULL,
    PRIMARY KEY (peer, msg_id, kind)
  ) WITHOUT ROWID;
  CREATE INDEX early_changes_by_age ON early_changes (received_at);
  `,
  // Files sent and received with messages. The bytes live in the data dir's
  // attachment store under their content hash (store/attachment-files.ts);
  // a row says which message a file belongs to and how far it got. `via` is
  // how the bytes travel: 'mailbox' (small: sealed parts that follow the
  // message as outbox items, over a session or through the mailbox) or
  // 'session' (pulled over a live session, resumable). Parts of a small
  // file wait in attachment_parts until all are in.
  `
  CREATE TABLE attachments (
    attachment_id   TEXT PRIMARY KEY,  -- chosen by the sender; the same on both sides
    direction       TEXT NOT NULL CHECK (direction IN ('sent', 'received')),
    peer            TEXT,              -- who it goes to or came from; NULL for an upload not sent yet
    msg_id          TEXT REFERENCES messages (msg_id) ON DELETE CASCADE,
    position        INTEGER NOT NULL DEFAULT 0,
    hash            TEXT NOT NULL,     -- BLAKE2b-256 of the content, hex
    name            TEXT NOT NULL,
    size            INTEGER NOT NULL,
    mime            TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('sending', 'available', 'receiving', 'failed')),
    received_bytes  INTEGER NOT NULL DEFAULT 0,
    via             TEXT NOT NULL CHECK (via IN ('mailbox', 'session')),
    error           TEXT,
    created_at      INTEGER NOT NULL
  );
  CREATE INDEX attachments_by_message ON attachments (msg_id, position);
  CREATE INDEX attachments_by_hash ON attachments (hash);
  CREATE INDEX attachments_receiving ON attachments (peer, created_at) WHERE state = 'receiving';
  CREATE TABLE attachment_parts (
    attachment_id  TEXT NOT NULL REFERENCES attachments (attachment_id) ON DELETE CASCADE,
    start          INTEGER NOT NULL,  -- byte offset of the part in the file
    data           BLOB NOT NULL,
    PRIMARY KEY (attachment_id, start)
  ) WITHOUT ROWID;
  `,
  // Deleting a message leaves no trace and is final.
  // - deleted_messages keeps the id (never the text) of every message deleted
  //   here, so the sender's outbox resending it or a replayed mail is taken
  //   as a duplicate, not stored again. A message deleted for everyone keeps
  //   its row (text emptied) and needs no tombstone.
  // - The search index becomes contentless without contentless_delete, with
  //   FTS5's secure-delete: a row now leaves the index through the 'delete'
  //   command with the tokens it was indexed with (parley_search_text of the
  //   old text, which is deterministic), and its entries are erased from the
  //   index pages, where contentless_delete only marked the row deleted and
  //   left every word in place until a merge. Words that separate the
  //   index's pages stay in message_search_idx even so: every removal sets
  //   search_purge_due, and SearchRepo.purgeRemoved() rewrites the index on
  //   a clean stop (or at the next start after a crash).
  `
  CREATE TABLE deleted_messages (
    peer    TEXT NOT NULL,
    msg_id  TEXT NOT NULL,
    PRIMARY KEY (peer, msg_id)
  ) WITHOUT ROWID;
  CREATE TRIGGER messages_tombstone AFTER DELETE ON messages BEGIN
    INSERT OR IGNORE INTO deleted_messages (peer, msg_id) VALUES (OLD.peer, OLD.msg_id);
  END;

  DROP TRIGGER message_search_insert;
  DROP TRIGGER message_search_delete;
  DROP TRIGGER message_search_update;
  DROP TABLE message_search;
  CREATE VIRTUAL TABLE message_search USING fts5(
    body, peer,
    content = '',
    tokenize = "unicode61 remove_diacritics 0 categories 'L* N* Co M* So'",
    prefix = '2 3'
  );
  INSERT INTO message_search (message_search, rank) VALUES ('secure-delete', 1);
  CREATE TRIGGER message_search_insert AFTER INSERT ON messages WHEN NEW.text != '' BEGIN
    INSERT INTO message_search (rowid, body, peer) VALUES (NEW.id, parley_search_text(NEW.text), hex(NEW.peer));
  END;
  -- Only rows that were indexed (text not empty) may be deleted from it: the
  -- 'delete' command with tokens a row was not indexed with corrupts the index.
  CREATE TRIGGER message_search_delete AFTER DELETE ON messages WHEN OLD.text != '' BEGIN
    INSERT INTO message_search (message_search, rowid, body, peer) VALUES ('delete', OLD.id, parley_search_text(OLD.text), hex(OLD.peer));
    INSERT INTO meta (key, value) VALUES ('search_purge_due', '1') ON CONFLICT (key) DO NOTHING;
  END;
  CREATE TRIGGER message_search_update AFTER UPDATE OF text, peer ON messages BEGIN
    INSERT INTO message_search (message_search, rowid, body, peer)
      SELECT 'delete', OLD.id, parley_search_text(OLD.text), hex(OLD.peer) WHERE OLD.text != '';
    INSERT INTO meta (key, value) SELECT 'search_purge_due', '1' WHERE OLD.text != '' ON CONFLICT (key) DO NOTHING;
    INSERT INTO message_search (rowid, body, peer)
      SELECT NEW.id, parley_search_text(NEW.text), hex(NEW.peer) WHERE NEW.text != '';
  END;
  ${INDEX_EVERY_MESSAGE}
  `,
  // Capabilities (docs/protocol.md, "Capabilities"). What we gave each
  // friend (kept, so removing them revokes exactly theirs; `registered` once
  // the directory holds the hashes), what each friend gave us, hashes the
  // directory has not confirmed revoking yet, and grants from people who are
  // not friends yet, applied when the user adds that name with those keys.
  // Friends whose keys rotated (signed by their old key) say when.
  // last_ip is no longer filled (the directory stopped publishing it).
  `
  CREATE TABLE grants_given (
    peer          TEXT PRIMARY KEY,
    drop_cap      TEXT NOT NULL,
    presence_cap  TEXT NOT NULL,
    serial        INTEGER NOT NULL,
    registered    INTEGER NOT NULL DEFAULT 0
  ) WITHOUT ROWID;
  CREATE TABLE grants_received (
    peer          TEXT PRIMARY KEY,
    drop_cap      TEXT NOT NULL,
    presence_cap  TEXT NOT NULL,
    serial        INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE revocations_due (
    hash  TEXT PRIMARY KEY
  ) WITHOUT ROWID;
  CREATE TABLE introductions (
    username     TEXT NOT NULL,
    public_key   TEXT NOT NULL,
    item_id      TEXT NOT NULL,
    body         TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    PRIMARY KEY (username, public_key)
  ) WITHOUT ROWID;
  ALTER TABLE friends ADD COLUMN keys_rotated_at TEXT;
  UPDATE friends SET last_ip = NULL;
  `,
];
