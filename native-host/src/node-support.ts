/**
 * Which Node.js versions run Parley: the one rule the host's start-up
 * check and the doctor both apply. 22 and 24 are supported; 20 from 20.19
 * still works while its dependencies allow; anything older is refused.
 * Newer majors are let through with a warning until they are tested.
 */
export const SUPPORTED_NODE_MAJORS = [22, 24] as const;
/** The oldest Node that still runs the host (require of ES modules, better-sqlite3's prebuilt ABI). */
export const MIN_NODE = { major: 20, minor: 19 } as const;

export type NodeSupport = 'supported' | 'still-works' | 'untested' | 'refused';

export interface NodeVerdict {
  version: string;
  support: NodeSupport;
  /** One sentence for the user; empty when supported. */
  message: string;
}

/** Judges a version string such as `v22.11.0` (or `22.11.0`). */
export function judgeNode(version: string): NodeVerdict {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version.trim());
  const wanted = `Node.js ${SUPPORTED_NODE_MAJORS.join(' or ')}`;
  if (!match) return { version, support: 'refused', message: `cannot read the Node.js version '${version}'; Parley needs ${wanted}` };
  const major = Number(match[1]);
  const minor = Number(match[2]);
  const v = `v${match[1]}.${match[2]}.${match[3]}`;
  if ((SUPPORTED_NODE_MAJORS as readonly number[]).includes(major)) return { version: v, support: 'supported', message: '' };
  if (major < MIN_NODE.major || (major === MIN_NODE.major && minor < MIN_NODE.minor)) {
    return { version: v, support: 'refused', message: `Node.js ${v} is too old: Parley needs ${wanted} (${MIN_NODE.major}.${MIN_NODE.minor} or newer still works)` };
  }
  if (major === MIN_NODE.major) {
    return { version: v, support: 'still-works', message: `Node.js ${v} still works but is not supported for long: move to ${wanted}` };
  }
  const newest = Math.max(...SUPPORTED_NODE_MAJORS);
  if (major > newest) return { version: v, support: 'untested', message: `Node.js ${v} is newer than Parley is tested on (${wanted})` };
  return { version: v, support: 'untested', message: `Node.js ${v} is not a long-term release Parley is tested on (${wanted})` };
}
