import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The checkout: the nearest directory above this module with a package.json,
 * so it is the same whether this runs from source (tests) or from dist/ (the
 * compiled bench).
 */
export const REPO_DIR = findRepoDir(path.dirname(fileURLToPath(import.meta.url)));

/** The built host entry, as the `parley-host` bin runs it. */
export const HOST_ENTRY = path.join(REPO_DIR, 'dist/native-host/src/main.js');

/** The compiled form of a source file of this checkout: `bench/floor/x.ts` → `<repo>/dist/bench/floor/x.js`. */
export function builtPath(source: string): string {
  return path.join(REPO_DIR, 'dist', source.replace(/\.ts$/, '.js'));
}

function findRepoDir(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}
