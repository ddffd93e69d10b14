import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../dist/native-host/src/store/database.js';
import { generateFriends, generateHistory } from './generate.js';

describe('generators (against the host schema from dist/)', () => {
  it('writes history that the totals trigger counts, and returns anchors by position', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-gen-'));
    const file = path.join(dir, 'parley.db');
    openDatabase(file).close();
    const names = generateFriends(file, 'pal', 3);
    expect(names).toEqual(['pal0001', 'pal0002', 'pal0003']);
    const anchors = generateHistory(file, 'pal0001', 120_001, [1, 60_000]);

    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT total FROM peer_totals WHERE peer = ?').get('pal0001')).toEqual({ total: 120_001 });
    expect(db.prepare('SELECT id FROM messages WHERE msg_id = ?').get(anchors[1])).toEqual({ id: 1 });
    expect(db.prepare('SELECT id FROM messages WHERE msg_id = ?').get(anchors[60_000])).toEqual({ id: 60_000 });
    const friend = db.prepare('SELECT public_key FROM friends WHERE username = ?').get('pal0002');
    expect(Buffer.from(friend.public_key, 'base64')).toHaveLength(32);
    db.close();
    fs.rmSync(dir, { recursive: true });
  });
});
