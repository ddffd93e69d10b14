/** One thing the doctor looked at: how it stands and, when wrong, the fix. */
export interface Finding {
  status: 'ok' | 'info' | 'warn' | 'fail';
  /** What was checked, e.g. "firefox manifest". */
  subject: string;
  detail: string;
  /** What to do about it (a command where there is one). */
  fix?: string;
}

const MARK: Record<Finding['status'], string> = { ok: 'ok', info: 'info', warn: 'WARN', fail: 'FAIL' };

/** The report as printed: one line per finding, the fix indented under it. */
export function formatFindings(findings: readonly Finding[]): string {
  const lines = ['Parley doctor', ''];
  for (const f of findings) {
    lines.push(`${MARK[f.status].padEnd(5)} ${f.subject}: ${f.detail}`);
    if (f.fix) lines.push(`      fix: ${f.fix}`);
  }
  const failed = findings.filter((f) => f.status === 'fail').length;
  const warned = findings.filter((f) => f.status === 'warn').length;
  lines.push('', failed === 0 && warned === 0 ? 'Everything looks right.' : `${failed} problem(s), ${warned} warning(s).`, '');
  return lines.join('\n');
}
