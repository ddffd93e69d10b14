import { ConversationsRepo } from './conversations-repo.js';
import { openDatabase, startCheckpoints, type Db } from './database.js';
import { FriendsRepo } from './friends-repo.js';
import { GrantsRepo } from './grants-repo.js';
import { IntroductionsRepo } from './introductions-repo.js';
import { MessagesRepo } from './messages-repo.js';
import { MetaRepo } from './meta-repo.js';
import { OutboxRepo } from './outbox-repo.js';
import { PrekeysRepo } from './prekeys-repo.js';
import { ReceiptsRepo } from './receipts-repo.js';
import { SearchRepo } from './search-repo.js';

/** The profile database and its repositories. */
export class Store {
  readonly db: Db;
  readonly meta: MetaRepo;
  readonly friends: FriendsRepo;
  readonly messages: MessagesRepo;
  readonly outbox: OutboxRepo;
  readonly prekeys: PrekeysRepo;
  readonly receipts: ReceiptsRepo;
  readonly grants: GrantsRepo;
  readonly introductions: IntroductionsRepo;
  readonly search: SearchRepo;
  readonly conversations: ConversationsRepo;
  private readonly stopCheckpoints: () => void;
  /** Built once: better-sqlite3 wraps a function in four transaction variants each time it is asked. */
  private readonly runInTransaction: (fn: () => unknown) => unknown;

  constructor(file: string) {
    this.db = openDatabase(file);
    this.meta = new MetaRepo(this.db);
    this.friends = new FriendsRepo(this.db);
    this.messages = new MessagesRepo(this.db);
    this.outbox = new OutboxRepo(this.db);
    this.prekeys = new PrekeysRepo(this.db);
    this.receipts = new ReceiptsRepo(this.db);
    this.grants = new GrantsRepo(this.db);
    this.introductions = new IntroductionsRepo(this.db);
    this.search = new SearchRepo(this.db);
    this.conversations = new ConversationsRepo(this.db);
    this.stopCheckpoints = startCheckpoints(this.db);
    this.runInTransaction = this.db.transaction((fn: () => unknown) => fn());
  }

  /** Runs `fn` in a transaction, or in a savepoint when one is already open. */
  transaction<T>(fn: () => T): T {
    return this.runInTransaction(fn) as T;
  }

  close(): void {
    this.stopCheckpoints();
    if (this.db.open) this.db.close();
  }
}
