// Bundles the host's own code (and its pure-JS dependencies) into one ES
// module over tsc's output of the entry point. Resolving and compiling ~100
// small modules was most of the host's start-up time. Native and large
// packages stay external; the Supabase adapter and the DHT transport are
// split off so supabase-js and hyperdht load only when they are used.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

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
