import path from 'node:path';
import Database from 'better-sqlite3';
import type { Message } from '../../../shared/contract.js';
import type { TestHost } from '../../../testkit/test-host.js';
import { defined } from '../../../shared/defined.js';

/** A raw call to a host's REST API with its token: the status, the parsed body and the headers. */
export async function call(host: TestHost, method: string, route: string, body?: unknown) {
  const res = await fetch(host.apiUrl + route, {
    method,
    headers: { Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

/** `host`'s copy of message `msgId` in its chat with `peer`, or undefined when it has none. */
export async function copyOf(host: TestHost, peer: string, msgId: string): Promise<Message | undefined> {
  const page = await host.api.messages(peer, { limit: 1, around: msgId }).catch(() => null);
  return page?.messages.find((m) => m.msg_id === msgId);
}

/** Rows of `host`'s own database, read beside the running host (WAL lets a reader in). */
export function queryDb<T>(host: TestHost, sql: string): T[] {
  const db = new Database(path.join(host.dataDir, 'parley.db'), { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

/** What the local directory's mailbox holds for `recipient`, oldest first. */
export function mailFor(directoryPath: string, recipient: string): Array<Record<string, unknown>> {
  const db = new Database(directoryPath, { readonly: true });
  try {
    return db.prepare(`SELECT * FROM mailbox WHERE recipient = ? ORDER BY seq`).all(recipient) as Array<Record<string, unknown>>;
  } finally {
    db.close();
  }
}

/** Puts copies of mailbox rows back, under new ids: a directory (or anyone who can write to it) replaying mail. */
export function replayMail(directoryPath: string, rows: ReadonlyArray<Record<string, unknown>>, tag: string): void {
  if (rows.length === 0) return;
  const db = new Database(directoryPath);
  try {
    const columns = Object.keys(defined(rows[0])).filter((c) => c !== 'seq');
    const insert = db.prepare(`INSERT INTO mailbox (${columns.join(', ')}) VALUES (${columns.map((c) => '@' + c).join(', ')})`);
    for (const row of rows) insert.run({ ...row, id: `${row.id}-${tag}` });
  } finally {
    db.close();
  }
}
