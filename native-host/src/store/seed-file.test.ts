import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOrCreateSeed } from './seed-file.js';

describe('loadOrCreateSeed', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  function temp(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-seed-'));
    dirs.push(dir);
    return path.join(dir, 'nested', 'seed');
  }

  it('creates a private seed once and returns it again', () => {
    const file = temp();
    const first = loadOrCreateSeed(file);
    expect(first).toHaveLength(32);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(loadOrCreateSeed(file).equals(first)).toBe(true);
  });

  it('tightens a loose file and refuses one that holds no seed', () => {
    const file = temp();
    const seed = loadOrCreateSeed(file);
    fs.chmodSync(file, 0o644);
    expect(loadOrCreateSeed(file).equals(seed)).toBe(true);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    fs.writeFileSync(file, 'not a seed');
    expect(() => loadOrCreateSeed(file)).toThrow(/32-byte hex seed/);
    expect(fs.readFileSync(file, 'utf8')).toBe('not a seed');
  });
});
