import sodiumModule from 'libsodium-wrappers';

export type Sodium = typeof sodiumModule;

let ready: Promise<Sodium> | undefined;

/** The standard (non-sumo) libsodium build, initialised once per process. */
export function loadSodium(): Promise<Sodium> {
  ready ??= sodiumModule.ready.then(() => sodiumModule);
  return ready;
}
