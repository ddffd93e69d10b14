// How the host's Node process is started: the V8 flags and the environment
// every launcher applies. Read by all of them, so they cannot drift apart:
//   - the `parley-host` bin: native-host/bundle.mjs writes them into the
//     shebang of dist/native-host/src/main.js (it reads this file's build,
//     dist/native-host/node-flags.js, so tsc must run first);
//   - `npm start`: native-host/start.ts;
//   - the native-messaging launcher the browser runs: install-scripts/host-files.ts;
//   - the hosts of the tests, the bench and the soak (testkit/test-host.ts), so
//     they measure what users run.
// They cannot be set from inside the process: V8 sizes its heap and glibc its
// allocator before any JavaScript runs. The measurements behind each value
// are in bench/README.md ("Memory over time").

/** V8 flags, before the script name. */
export const HOST_NODE_FLAGS: readonly string[] = Object.freeze([
  // The young generation grows to 16 MB semi-spaces under a stream of
  // messages and V8 keeps them committed: 27 MB of new space, 3-5 MB of it
  // in use, was 43 % of a host's growth. 1 MB semi-spaces keep it at 2 MB.
  // (Set at run time with v8.setFlagsFromString it has no effect.)
  '--max-semi-space-size=1',
  // V8 lets the old generation grow to several times what survived the last
  // full GC before collecting again (15 MB committed for 6.7 MB used).
  // 1.5x keeps the sawtooth shallow (peak 85.6 -> 79.1 MB in a 150 s
  // stream); full GCs of a heap this small are cheap. 25 saved nothing more.
  '--heap-growing-percent=50',
]);

/** Environment for the host process (glibc reads these before main()). */
export const HOST_ENV: Readonly<Record<string, string>> = Object.freeze({
  // glibc gives every thread that mallocs its own arena (up to 8 per core),
  // and memory freed into one arena is not reused by another: V8's GC
  // workers and the libuv pool kept 4-5 MB more in a 150 s stream. Two
  // arenas are plenty for one JavaScript thread.
  MALLOC_ARENA_MAX: '2',
  // glibc raises its trim threshold to twice the largest block freed so far
  // (up to 64 MB), and then keeps that much free memory at the top of the
  // heap. A fixed 128 KiB (its starting value) hands memory back: 1.5-2.5 MB
  // less after a burst. Setting it also pins the mmap threshold at 128 KiB.
  MALLOC_TRIM_THRESHOLD_: '131072',
});
