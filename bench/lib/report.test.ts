import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Report, target } from './report.js';

describe('Report', () => {
  it('judges figures against their targets', () => {
    const r = new Report({ quick: true });
    expect(r.add('latency', 'ratio', 'ratio', 1.4, '×', target('<=', 1.5, '≤ 1.5×')).pass).toBe(true);
    expect(r.add('latency', 'ratio2', 'ratio', 1.6, '×', target('<=', 1.5, '≤ 1.5×')).pass).toBe(false);
    expect(r.add('throughput', 'ratio', 'ratio', 0.5, '×', target('>=', 0.5, '≥ 0.5×')).pass).toBe(true);
    expect(r.add('history', 'p50', 'p50', 1, 'ms', target('<', 1, '< 1 ms')).pass).toBe(false);
    expect(r.add('history', 'nan', 'p50', NaN, 'ms', target('<', 1, '< 1 ms')).pass).toBe(false);
    expect(r.add('memory', 'info', 'info', 12.3456, 'MB').pass).toBeNull();
    expect(r.figures.at(-1)).toMatchObject({ id: 'memory.info', value: 12.346, target: null });
  });

  it('prints a table and writes JSON with the machine', () => {
    const r = new Report({ quick: false });
    r.add('latency', 'p50_ratio', 'Parley / floor p50', 2.5, '×', target('<=', 1.5, '≤ 1.5×'));
    r.skip('extension', 'not built');
    const table = r.table();
    expect(table).toContain('Parley / floor p50');
    expect(table).toContain('FAIL');
    expect(table).toContain('skipped extension: not built');

    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-report-')), 'out', 'latest.json');
    r.write(file);
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(json.machine.cpus).toBe(os.cpus().length);
    expect(json.machine.node).toBe(process.version);
    expect(json.figures[0]).toMatchObject({ id: 'latency.p50_ratio', value: 2.5, unit: '×', target: '≤ 1.5×', pass: false });
    expect(json.skipped).toEqual([{ section: 'extension', reason: 'not built' }]);
    fs.rmSync(path.dirname(path.dirname(file)), { recursive: true });
  });
});
