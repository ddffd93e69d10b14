import fs from 'node:fs';
import path from 'node:path';
import type { ScenarioResult } from './measure.js';
import { defined } from '../../../../shared/defined.js';

export interface NatReport {
  generatedAt: string;
  node: string;
  durationMs: number;
  /** What the suite runs with that differs from a host's defaults. */
  settings: Record<string, string>;
  scenarios: ScenarioResult[];
  rss: { dhtOffMB: number; dhtOnMB: number; addedMB: number } | null;
  targets: string[];
}

const ms = (v: number | null) => (v === null ? '—' : `${Math.round(v)} ms`);

/** The scenario table, one row per scenario. */
export function formatTable(report: NatReport): string {
  const header = ['scenario', 'session', 'path (a/b)', 'to session', 'to expected path', 'p50 arrival', 'ack RTT p50', 'typing', 'burst paths', 'lost/dup', 'drain', 'direct again'];
  const rows = report.scenarios.map((r) => [
    r.name,
    r.session ? 'yes' : 'no',
    r.session ? `${r.pathAtSession === r.path ? '' : `${r.pathAtSession}→`}${r.path}/${r.pathSeenByBob}` : 'none',
    ms(r.timeToSessionMs),
    r.session ? `${ms(r.timeToExpectedMs)} (${r.expected})` : '—',
    ms(r.arrival.p50),
    ms(r.ackRoundTripP50),
    r.typingMs === null ? 'no' : ms(r.typingMs),
    r.burst.paths.join('→'),
    `${r.burst.lost}/${r.burst.duplicated}`,
    ms(r.burst.drainMs),
    r.burst.transportSwitch === null ? 'n/a' : ms(r.burst.backOnPathMs),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => defined(row[i]).length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(defined(widths[i]))).join(' | ')} |`;
  const out = [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)];
  if (report.rss) {
    out.push('', `idle RSS: DHT off ${report.rss.dhtOffMB} MB, DHT on ${report.rss.dhtOnMB} MB, added ${report.rss.addedMB} MB`);
  }
  out.push(`test:nat took ${(report.durationMs / 1000).toFixed(0)} s`);
  return out.join('\n');
}

export function writeReport(report: NatReport, file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
}
