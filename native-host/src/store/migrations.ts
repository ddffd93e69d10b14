/**
 * Versioned schema. Each entry runs once, in order, inside a transaction;
 * PRAGMA user_version records how far a database has come. Never edit an
 * entry that has shipped: add a new one.
 */
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
  INSERT INTO message_search (rowid, body, peer)
    SELECT id, parley_search_text(text), hex(peer) FROM messages WHERE text != '';
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
