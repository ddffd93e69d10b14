// Bundles the host's own code (and its pure-JS dependencies) into one ES
// module over tsc's output of the entry point. Resolving and compiling ~100
// small modules was most of the host's start-up time. Native and large
// packages stay external; the Supabase adapter and the DHT transport are
// split off so supabase-js and hyperdht load only when they are used.
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';
// tsc has built the flags by now (build:host runs it first); this reads that build.
import { HOST_ENV, HOST_NODE_FLAGS } from '../dist/native-host/node-flags.js';

const ENTRY_OUT = 'dist/native-host/src/main.js';

rmSync('dist/native-host/src/chunks', { recursive: true, force: true });

await build({
  entryPoints: ['native-host/src/main.ts'],
  outdir: 'dist/native-host/src',
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  external: ['better-sqlite3', 'libsodium-wrappers', '@supabase/supabase-js', 'hyperdht', 'blind-relay'],
  // Bundled CommonJS dependencies (ws) call require() for Node's built-ins.
  banner: { js: "import { createRequire as __parleyRequire } from 'node:module'; const require = __parleyRequire(import.meta.url);" },
  logLevel: 'warning',
});

// The `parley-host` bin starts with the same flags and environment as every
// other launcher. `env -S` splits the line (GNU coreutils 8.30+, macOS,
// the BSDs); npm's Windows shims read the same line.
const assignments = Object.entries(HOST_ENV).map(([name, value]) => `${name}=${value}`);
const shebang = `#!/usr/bin/env -S ${[...assignments, 'node', ...HOST_NODE_FLAGS].join(' ')}`;
if (shebang.length > 127) throw new Error(`shebang longer than older kernels read: ${shebang}`);
writeFileSync(ENTRY_OUT, `${shebang}\n${readFileSync(ENTRY_OUT, 'utf8').replace(/^#!.*\n/, '')}`);
chmodSync(ENTRY_OUT, 0o755);
