import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from './data-dir.js';

const SEED_BYTES = 32;

/**
 * A 32-byte secret seed kept in `file` (hex, mode 0600), created on first
 * use. A file that exists but holds no seed is an error, never replaced:
 * others know the key it seeds (friends, the users of a relay).
 */
export function loadOrCreateSeed(file: string): Buffer {
  if (fs.existsSync(file)) {
    const text = fs.readFileSync(file, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/.test(text)) throw new Error(`${file} does not hold a 32-byte hex seed`);
    fs.chmodSync(file, 0o600);
    return Buffer.from(text, 'hex');
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const seed = randomBytes(SEED_BYTES);
  writeFileAtomic(file, `${seed.toString('hex')}\n`, 0o600);
  return seed;
}
