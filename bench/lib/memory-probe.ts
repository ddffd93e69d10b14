import fs from 'node:fs';
import { Inspector } from './inspector.js';
import { round, sleep } from './stats.js';
import type { TestHost } from '../../testkit/test-host.js';

const MB = 1024 * 1024;

/**
 * How long after a forced GC the process is read again: V8 hands freed pages
 * back to the OS from a background task, not inside the GC pause.
 */
const GC_SETTLE_MS = 500;

/**
 * A process's resident memory from /proc/<pid>/status, in MB (Linux):
 * anonymous (heaps, malloc, stacks: what a leak grows) and file-backed
 * (mapped code and data of node and its libraries, shared with every other
 * process mapping the same files) separately.
 */
export function procMemory(pid: number) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return {
    rss_mb: round(kb('VmRSS') / 1024, 2),
    anon_mb: round(kb('RssAnon') / 1024, 2),
    file_mb: round(kb('RssFile') / 1024, 2),
    threads: kb('Threads'),
  };
}

// Evaluated inside the host through the inspector: V8's own view of its heap.
const HEAP_EXPRESSION = `(() => {
  const v8 = process.getBuiltinModule('node:v8');
  const h = v8.getHeapStatistics();
  const spaces = {};
  for (const s of v8.getHeapSpaceStatistics()) spaces[s.space_name] = [s.physical_space_size, s.space_used_size];
  return { committed: h.total_physical_size, used: h.used_heap_size, external: h.external_memory,
    malloced: h.malloced_memory, array_buffers: process.memoryUsage().arrayBuffers, spaces };
})()`;

export interface HeapStats {
  committed_mb: number;
  used_mb: number;
  external_mb: number;
  array_buffers_mb: number;
  malloced_mb: number;
  spaces_mb: Record<string, { committed: number; used: number }>;
}

export type ProcMemory = ReturnType<typeof procMemory>;

export type MemorySample = ProcMemory & { heap: HeapStats; after_gc?: ProcMemory & { heap_used_mb: number; external_mb: number } };

/** What HEAP_EXPRESSION returns, in bytes; spaces: name → [committed, used]. */
interface RawHeap {
  committed: number;
  used: number;
  external: number;
  malloced: number;
  array_buffers: number;
  spaces: Record<string, [number, number]>;
}

/**
 * Reads one host's memory: /proc from outside, the V8 heap from inside
 * through the inspector, and optionally the same again after a forced full
 * GC, which strips the garbage V8 has not collected yet and leaves what the
 * process really holds on to.
 */
export class MemoryProbe {
  constructor(
    readonly pid: number,
    private readonly inspector: Inspector,
  ) {}

  /**
   * Attaches to a host started with `--inspect=127.0.0.1:0`.
   */
  static async attach(host: TestHost): Promise<MemoryProbe> {
    const url = Inspector.urlIn(host.stderr);
    if (!url || !host.child.pid) throw new Error(`host ${host.child.pid} has no inspector: start it with --inspect=127.0.0.1:0`);
    return new MemoryProbe(host.child.pid, await Inspector.connect(url));
  }

  async sample(options: { gc?: boolean } = {}): Promise<MemorySample> {
    const natural = procMemory(this.pid);
    const heap = await this.heap();
    if (!options.gc) return { ...natural, heap };
    await this.inspector.call('HeapProfiler.collectGarbage');
    await sleep(GC_SETTLE_MS);
    const after = procMemory(this.pid);
    const heapAfter = await this.heap();
    return { ...natural, heap, after_gc: { ...after, heap_used_mb: heapAfter.used_mb, external_mb: heapAfter.external_mb } };
  }

  async heap(): Promise<HeapStats> {
    const raw = (await this.inspector.evaluate(HEAP_EXPRESSION)) as RawHeap;
    const spaces: Record<string, { committed: number; used: number }> = {};
    for (const [name, [committed, used]] of Object.entries(raw.spaces)) {
      if (committed > 0) spaces[name.replace(/_space$/, '')] = { committed: round(committed / MB, 2), used: round(used / MB, 2) };
    }
    return {
      committed_mb: round(raw.committed / MB, 2),
      used_mb: round(raw.used / MB, 2),
      external_mb: round(raw.external / MB, 2),
      array_buffers_mb: round(raw.array_buffers / MB, 2),
      malloced_mb: round(raw.malloced / MB, 2),
      spaces_mb: spaces,
    };
  }

  close(): void {
    this.inspector.close();
  }
}
