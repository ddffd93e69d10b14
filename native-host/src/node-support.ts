// Which Node.js releases the host runs on. One rule for every place that
// asks: the host's start-up, the installer (which pins the Node that runs
// it into the browser's launcher) and `parley-host doctor`. Imports nothing,
// so it can be loaded first, before anything an old Node could choke on.

/** Release lines the host is built and tested on (CI runs both). */
export const SUPPORTED_NODE_MAJORS: readonly number[] = [22, 24];

/**
 * Lines past their end of life that still work and are still tested:
 * accepted with a warning. Node 20 ended in April 2026; it stays while
 * better-sqlite3 12 and supabase-js 2.109 (the last releases that run on
 * it) are good enough.
 */
export const DEPRECATED_NODE_MAJORS: readonly number[] = [20];

/**
 * The oldest release of each accepted line: what the toolchain needs
 * (require() of ES modules in 20.19 and 22.12, which vite relies on).
 */
export const MINIMUM_NODE_VERSIONS: Readonly<Record<number, string>> = { 20: '20.19.0', 22: '22.12.0', 24: '24.0.0' };

/**
 * - `supported`: a tested LTS line.
 * - `deprecated`: runs, but its line is past end of life: upgrade.
 * - `untested`: a line newer than any tested one: runs, with a warning.
 * - `unsupported`: too old, or an odd (short-lived, now ended) line: refused.
 */
export type NodeSupportLevel = 'supported' | 'deprecated' | 'untested' | 'unsupported';

export interface NodeSupport {
  level: NodeSupportLevel;
  /** The version that was checked, without a leading `v`. */
  version: string;
  /** One sentence for a user: empty when `supported`. */
  message: string;
}

/**
 * Classifies a Node.js version (default: the running one).
 * Throws a TypeError for a string that is not a version.
 */
export function nodeSupport(version: string = process.versions.node): NodeSupport {
  const bare = version.replace(/^v/, '');
  const parts = parseVersion(bare);
  const [major] = parts;
  const wanted = supportedRange();
  const minimum = MINIMUM_NODE_VERSIONS[major];
  if (minimum !== undefined && compare(parts, parseVersion(minimum)) < 0) {
    return { level: 'unsupported', version: bare, message: `Node.js ${bare} is too old for Parley: it needs ${minimum} or newer on the ${major} line; install Node.js ${wanted}.` };
  }
  if (major < Math.min(...DEPRECATED_NODE_MAJORS, ...SUPPORTED_NODE_MAJORS)) {
    return { level: 'unsupported', version: bare, message: `Node.js ${bare} is too old for Parley; install Node.js ${wanted}.` };
  }
  if (SUPPORTED_NODE_MAJORS.includes(major)) return { level: 'supported', version: bare, message: '' };
  if (DEPRECATED_NODE_MAJORS.includes(major)) {
    return { level: 'deprecated', version: bare, message: `Node.js ${major} has reached its end of life; Parley still runs on it for now, but install Node.js ${wanted}.` };
  }
  if (major > Math.max(...SUPPORTED_NODE_MAJORS)) {
    return { level: 'untested', version: bare, message: `Node.js ${major} is newer than the versions Parley is tested on (${wanted}); if something fails, use one of those.` };
  }
  return { level: 'unsupported', version: bare, message: `Node.js ${bare} is not supported by Parley; install Node.js ${wanted}.` };
}

/** The supported lines for a message, newest first: "24 or 22". */
export function supportedRange(): string {
  return [...SUPPORTED_NODE_MAJORS].sort((a, b) => b - a).join(' or ');
}

function parseVersion(version: string): [number, number, number] {
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!match) throw new TypeError(`not a Node.js version: '${version}'`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 3; i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
