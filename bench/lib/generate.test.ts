import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../native-host/src/store/database.js';
import { generateChats, generateFriends, generateHistory } from './generate.js';

describe('generators (against the host schema)', () => {
  it('writes history that the totals trigger counts, and returns anchors by position', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-gen-'));
    const file = path.join(dir, 'parley.db');
    openDatabase(file).close();
    const names = generateFriends(file, 'pal', 3);
    expect(names).toEqual(['pal0001', 'pal0002', 'pal0003']);
    // Small transactions, so a few thousand rows cross several of them.
    const anchors = generateChats(file, ['pal0001'], 12_001, { textOf: (i) => `hello #${i}`, positions: [1, 6_000], rowsPerTransaction: 1_000 });
    generateHistory(file, 'pal0003', 10);

    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT total FROM peer_totals WHERE peer = ?').get('pal0001')).toEqual({ total: 12_001 });
    expect(db.prepare('SELECT id FROM messages WHERE msg_id = ?').get(anchors[1])).toEqual({ id: 1 });
    expect(db.prepare('SELECT id FROM messages WHERE msg_id = ?').get(anchors[6_000])).toEqual({ id: 6_000 });
    // The search index took every row, through the host's own tokenizer.
    expect(db.prepare(`SELECT count(*) AS n FROM message_search WHERE message_search MATCH '"hello"'`).get()).toEqual({ n: 12_001 });
    expect(db.prepare('SELECT total FROM peer_totals WHERE peer = ?').get('pal0003')).toEqual({ total: 10 });
    const friend = db.prepare('SELECT public_key FROM friends WHERE username = ?').get('pal0002') as { public_key: string };
    expect(Buffer.from(friend.public_key, 'base64')).toHaveLength(32);
    db.close();
    fs.rmSync(dir, { recursive: true });
  });
});
