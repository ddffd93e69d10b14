import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);

/**
 * Bundles a TypeScript entry into one ESM file that a plain `node` child
 * process can run, for tests that need real separate processes. Packages
 * stay external, imported by absolute path, so native modules
 * (better-sqlite3) load from this checkout's node_modules.
 */
export async function bundleScript(entry: string): Promise<{ file: string; remove: () => void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bundle-'));
  const file = path.join(dir, 'script.mjs');
  await build({
    entryPoints: [entry],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'silent',
    plugins: [
      {
        name: 'packages-by-absolute-path',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (args) =>
            args.path.startsWith('node:') ? { external: true } : { path: require.resolve(args.path), external: true },
          );
        },
      },
    ],
  });
  return { file, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
