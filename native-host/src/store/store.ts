import { openDatabase, startCheckpoints, type DatabaseOptions, type Db } from './database.js';
import { FriendsRepo } from './friends-repo.js';
import { MessagesRepo } from './messages-repo.js';
import { MetaRepo } from './meta-repo.js';
import { OutboxRepo } from './outbox-repo.js';
import { PrekeysRepo } from './prekeys-repo.js';
import { ReceiptsRepo } from './receipts-repo.js';

/** The profile database and its repositories. */
export class Store {
  readonly db: Db;
  readonly meta: MetaRepo;
  readonly friends: FriendsRepo;
  readonly messages: MessagesRepo;
  readonly outbox: OutboxRepo;
  readonly prekeys: PrekeysRepo;
  readonly receipts: ReceiptsRepo;
  private readonly stopCheckpoints: () => void;

  constructor(file: string, options: DatabaseOptions = {}) {
    this.db = openDatabase(file, options);
    this.meta = new MetaRepo(this.db);
    this.friends = new FriendsRepo(this.db);
    this.messages = new MessagesRepo(this.db);
    this.outbox = new OutboxRepo(this.db);
    this.prekeys = new PrekeysRepo(this.db);
    this.receipts = new ReceiptsRepo(this.db);
    this.stopCheckpoints = startCheckpoints(this.db);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  close(): void {
    this.stopCheckpoints();
    if (this.db.open) this.db.close();
  }
}
