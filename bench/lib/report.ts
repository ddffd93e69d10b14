import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { round } from './stats.js';

/** A figure passes when `value op figure`. */
export interface Target {
  op: '<=' | '>=' | '<';
  value: number;
  text: string;
}

export interface Figure {
  section: string;
  id: string;
  label: string;
  value: number;
  unit: string;
  target: string | null;
  pass: boolean | null;
  note?: string;
}

/**
 * Collects the figures of one bench run, prints them as a table and writes
 * them as JSON with the machine they were measured on.
 */
export class Report {
  readonly quick: boolean;
  readonly figures: Figure[] = [];
  readonly skipped: Array<{ section: string; reason: string }> = [];
  readonly details: Record<string, Record<string, unknown>> = {};
  readonly startedAt = new Date();

  constructor(options: { quick: boolean }) {
    this.quick = options.quick;
  }

  /**
   * Records one figure; `target` makes it pass or fail.
   */
  add(section: string, id: string, label: string, value: number, unit: string, target?: Target | null, note?: string): Figure {
    let pass: boolean | null = null;
    if (target && Number.isFinite(value)) {
      pass = target.op === '<=' ? value <= target.value : target.op === '<' ? value < target.value : value >= target.value;
    } else if (target) {
      pass = false;
    }
    const fig: Figure = { section, id: `${section}.${id}`, label, value: round(value), unit, target: target?.text ?? null, pass };
    if (note) fig.note = note;
    this.figures.push(fig);
    return fig;
  }

  skip(section: string, reason: string): void {
    this.skipped.push({ section, reason });
  }

  /**
   * Raw data of a section (round-by-round values), kept in the JSON.
   */
  detail(section: string, data: Record<string, unknown>): void {
    // A section may report its details in parts: they are merged.
    this.details[section] = { ...this.details[section], ...data };
  }

  /** The table, one line per figure. */
  table(): string {
    const rows = this.figures.map((f) => [
      f.section,
      f.label,
      `${formatValue(f.value)} ${f.unit}`.trim(),
      f.target ?? '',
      f.pass === null ? '' : f.pass ? 'pass' : 'FAIL',
    ]);
    const head = ['section', 'figure', 'value', 'target', ''];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
    const line = (cells: string[]) => cells.map((c, i) => (i === 2 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
    const out = [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
    for (const s of this.skipped) out.push(`skipped ${s.section}: ${s.reason}`);
    return out.join('\n');
  }

  /** Machine, options and every figure, as written to results/latest.json. */
  toJSON() {
    const cpus = os.cpus();
    return {
      generated_at: this.startedAt.toISOString(),
      duration_s: round((Date.now() - this.startedAt.getTime()) / 1000, 1),
      quick: this.quick,
      machine: {
        cpus: cpus.length,
        cpu_model: cpus[0]?.model ?? 'unknown',
        total_mem_mb: Math.round(os.totalmem() / 2 ** 20),
        platform: `${os.platform()} ${os.release()}`,
        node: process.version,
      },
      figures: this.figures,
      skipped: this.skipped,
      details: this.details,
    };
  }

  write(file: string): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.toJSON(), null, 2) + '\n');
    fs.renameSync(tmp, file);
  }
}

function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

export const target = (op: Target['op'], value: number, text: string): Target => ({ op, value, text });
