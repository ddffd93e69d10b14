/**
 * `node dist/bench/profile-summary.js <file.cpuprofile | dir> [top]`: the
 * functions with the most self time in V8 CPU profiles (as written by
 * `node --cpu-prof`), summed over every profile given.
 */
import fs from 'node:fs';
import path from 'node:path';

/** The part of a .cpuprofile read here. */
interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  samples: number[];
  timeDeltas?: number[];
}

/**
 * Self time per function (name and location) over the given profiles, in ms.
 */
export function selfTimes(files: string[]): { fn: string; ms: number; share: number }[] {
  const totals = new Map<string, number>();
  let all = 0;
  for (const file of files) {
    const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
    const names = new Map<number, string>();
    for (const node of profile.nodes) {
      const { functionName, url, lineNumber } = node.callFrame;
      const where = url ? `${url.replace(/^file:\/\//, '').replace(/^.*\/(node_modules|dist)\//, '$1/')}:${lineNumber + 1}` : '';
      names.set(node.id, `${functionName || '(anonymous)'} ${where}`.trim());
    }
    const deltas = profile.timeDeltas ?? [];
    profile.samples.forEach((id, i) => {
      const ms = (deltas[i] ?? 0) / 1000;
      all += ms;
      const key = names.get(id) ?? '?';
      totals.set(key, (totals.get(key) ?? 0) + ms);
    });
  }
  return [...totals.entries()]
    .map(([fn, ms]) => ({ fn, ms, share: all > 0 ? ms / all : 0 }))
    .sort((a, b) => b.ms - a.ms);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const target = process.argv[2];
  if (!target) {
    console.error('usage: node dist/bench/profile-summary.js <file.cpuprofile | dir> [top]');
    process.exit(2);
  }
  const files = fs.statSync(target).isDirectory()
    ? fs.readdirSync(target).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(target, f))
    : [target];
  for (const row of selfTimes(files).slice(0, Number(process.argv[3] ?? 30))) {
    console.log(`${(row.share * 100).toFixed(1).padStart(5)}%  ${row.ms.toFixed(0).padStart(7)} ms  ${row.fn}`);
  }
}
