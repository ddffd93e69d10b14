// @ts-check
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { round } from './stats.js';

/**
 * @typedef {{ op: '<=' | '>=' | '<', value: number, text: string }} Target
 * @typedef {{ section: string, id: string, label: string, value: number, unit: string,
 *   target: string | null, pass: boolean | null, note?: string }} Figure
 */

/**
 * Collects the figures of one bench run, prints them as a table and writes
 * them as JSON with the machine they were measured on.
 */
export class Report {
  /** @param {{ quick: boolean }} options */
  constructor(options) {
    this.quick = options.quick;
    /** @type {Figure[]} */
    this.figures = [];
    /** @type {{ section: string, reason: string }[]} */
    this.skipped = [];
    /** @type {Record<string, unknown>} */
    this.details = {};
    this.startedAt = new Date();
  }

  /**
   * Records one figure; `target` makes it pass or fail.
   * @param {string} section
   * @param {string} id
   * @param {string} label
   * @param {number} value
   * @param {string} unit
   * @param {Target} [target]
   * @param {string} [note]
   */
  add(section, id, label, value, unit, target, note) {
    let pass = null;
    if (target && Number.isFinite(value)) {
      pass = target.op === '<=' ? value <= target.value : target.op === '<' ? value < target.value : value >= target.value;
    } else if (target) {
      pass = false;
    }
    /** @type {Figure} */
    const fig = { section, id: `${section}.${id}`, label, value: round(value), unit, target: target?.text ?? null, pass };
    if (note) fig.note = note;
    this.figures.push(fig);
    return fig;
  }

  /**
   * @param {string} section
   * @param {string} reason
   */
  skip(section, reason) {
    this.skipped.push({ section, reason });
  }

  /**
   * Raw data of a section (round-by-round values), kept in the JSON.
   * @param {string} section
   * @param {unknown} data
   */
  detail(section, data) {
    // A section may report its details in parts: they are merged.
    this.details[section] = { ...this.details[section], ...data };
  }

  /** The table, one line per figure. */
  table() {
    const rows = this.figures.map((f) => [
      f.section,
      f.label,
      `${formatValue(f.value)} ${f.unit}`.trim(),
      f.target ?? '',
      f.pass === null ? '' : f.pass ? 'pass' : 'FAIL',
    ]);
    const head = ['section', 'figure', 'value', 'target', ''];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (/** @type {string[]} */ cells) => cells.map((c, i) => (i === 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
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

  /** @param {string} file */
  write(file) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.toJSON(), null, 2) + '\n');
    fs.renameSync(tmp, file);
  }
}

/** @param {number} value */
function formatValue(value) {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/**
 * @param {'<=' | '>=' | '<'} op
 * @param {number} value
 * @param {string} text
 * @returns {Target}
 */
export const target = (op, value, text) => ({ op, value, text });
