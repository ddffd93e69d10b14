import { AttachmentsRepo } from './attachments-repo.js';
import { ConversationsRepo } from './conversations-repo.js';
import { openDatabase, startCheckpoints, type DatabaseOptions, type Db } from './database.js';
import { EarlyChangesRepo } from './early-changes-repo.js';
import { FriendsRepo } from './friends-repo.js';
import { GrantsRepo } from './grants-repo.js';
import { IntroductionsRepo } from './introductions-repo.js';
import { MessageChangesRepo } from './message-changes-repo.js';
import { MessagesRepo } from './messages-repo.js';
import { MetaRepo } from './meta-repo.js';
import { OutboxRepo } from './outbox-repo.js';
import { PrekeysRepo } from './prekeys-repo.js';
import { ReceiptsRepo } from './receipts-repo.js';
import { purgeRemovedSearchEntries } from './search-purge.js';
import { SearchRepo } from './search-repo.js';

/** The profile database and its repositories. */
export class Store {
  readonly db: Db;
  readonly meta: MetaRepo;
  readonly friends: FriendsRepo;
  readonly messages: MessagesRepo;
  readonly changes: MessageChangesRepo;
  readonly earlyChanges: EarlyChangesRepo;
  readonly outbox: OutboxRepo;
  readonly prekeys: PrekeysRepo;
  readonly receipts: ReceiptsRepo;
  readonly grants: GrantsRepo;
  readonly introductions: IntroductionsRepo;
  readonly search: SearchRepo;
  readonly conversations: ConversationsRepo;
  readonly attachments: AttachmentsRepo;
  private readonly stopCheckpoints: () => void;
  /** Built once: better-sqlite3 wraps a function in four transaction variants each time it is asked. */
  private readonly runInTransaction: (fn: () => unknown) => unknown;

  constructor(file: string, options: DatabaseOptions = {}) {
    this.db = openDatabase(file, options);
    // A crash left deleted words in the index's page directory: drop them before anything reads it.
    purgeRemovedSearchEntries(this.db);
    this.meta = new MetaRepo(this.db);
    this.friends = new FriendsRepo(this.db);
    this.messages = new MessagesRepo(this.db);
    this.changes = new MessageChangesRepo(this.db);
    this.earlyChanges = new EarlyChangesRepo(this.db);
    this.outbox = new OutboxRepo(this.db);
    this.prekeys = new PrekeysRepo(this.db);
    this.receipts = new ReceiptsRepo(this.db);
    this.grants = new GrantsRepo(this.db);
    this.introductions = new IntroductionsRepo(this.db);
    this.search = new SearchRepo(this.db);
    this.conversations = new ConversationsRepo(this.db);
    this.attachments = new AttachmentsRepo(this.db);
    this.stopCheckpoints = startCheckpoints(this.db);
    this.runInTransaction = this.db.transaction((fn: () => unknown) => fn());
  }

  /** Runs `fn` in a transaction, or in a savepoint when one is already open. */
  transaction<T>(fn: () => T): T {
    return this.runInTransaction(fn) as T;
  }

  /**
   * Closes the database leaving no trace of deleted messages: the search
   * index rewritten if anything left it, and the WAL copied back and
   * truncated to nothing.
   */
  close(): void {
    this.stopCheckpoints();
    if (!this.db.open) return;
    try {
      purgeRemovedSearchEntries(this.db);
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      this.db.close();
    }
  }
}
