import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDirectory } from './create-directory.js';

describe('createDirectory', () => {
  it('opens the local file directory', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-create-'));
    try {
      const directory = await createDirectory({ kind: 'local', path: path.join(dir, 'directory.sqlite') });
      expect(directory.kind).toBe('local');
      expect(await directory.lookup(['alice'])).toEqual([]);
      await directory.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('builds the Supabase directory and refuses incomplete settings', async () => {
    const directory = await createDirectory({ kind: 'supabase', supabaseUrl: 'http://127.0.0.1:1', supabaseKey: 'k' });
    expect(directory.kind).toBe('supabase');
    await directory.close();
    await expect(createDirectory({ kind: 'supabase', supabaseUrl: 'http://127.0.0.1:1' })).rejects.toThrow(/supabase-key/);
    await expect(createDirectory({ kind: 'local' })).rejects.toThrow(/directory-path/);
  });
});
