import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { BrowserKind } from './driver.js';
import { screenshotDir } from './paths.js';

/** The WCAG 2.1 A and AA rules: what the suite holds every screen to. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] as const;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  /** Each offending element: its selector and axe's reason (for contrast, the colours and ratio). */
  nodes: { target: string; why: string }[];
}

/** One screen in one theme, as axe saw it. */
export interface AxeResult {
  browser: BrowserKind;
  screen: string;
  theme: string;
  violations: AxeViolation[];
}

/** Evaluates JavaScript source text in the page under test and returns its JSON value. */
export type EvaluateSource = <T>(expression: string) => Promise<T>;

let axeSource: string | null = null;

/**
 * The extension's CSP forbids inline scripts, so axe's source goes in
 * through the DevTools / BiDi evaluation, which the CSP does not govern.
 */
function source(): string {
  axeSource ??= fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

/** Runs axe (WCAG 2.1 A/AA) over the whole document, injecting it first if the page has none yet. */
export async function runAxe(evaluate: EvaluateSource): Promise<AxeViolation[]> {
  if (!(await evaluate<boolean>("typeof window.axe === 'object'"))) {
    await evaluate<unknown>(`${source()}\n;true`);
  }
  const options = JSON.stringify({ runOnly: { type: 'tag', values: AXE_TAGS }, resultTypes: ['violations'] });
  const violations = await evaluate<AxeViolation[] | undefined>(`window.axe.run(document, ${options}).then((r) => r.violations.map((v) => ({
    id: v.id, impact: v.impact ?? null, help: v.help,
    nodes: v.nodes.map((n) => ({
      target: n.target.map((t) => Array.isArray(t) ? t.join(' >> ') : String(t)).join(' '),
      why: (n.failureSummary ?? '').split('\\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('Fix ')).join(' '),
    })),
  })))`);
  // An evaluation that failed in the page comes back empty: that must not read as "no violations".
  if (!Array.isArray(violations)) throw new Error('axe did not run in the page');
  return violations;
}

/** Prints one line per screen and theme, and keeps the findings beside the screenshots as `<screen>.axe.json`. */
export function recordAxe(results: AxeResult[]): void {
  const first = results[0];
  if (!first) return;
  for (const r of results) {
    console.log(`[axe] ${r.browser} ${r.screen} ${r.theme}: ${r.violations.length} violation(s)`);
  }
  const dir = screenshotDir(first.browser);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${first.screen}.axe.json`), `${JSON.stringify(results, null, 2)}\n`);
}

/** Throws a readable list of every violation found, if any. */
export function assertNoViolations(results: AxeResult[]): void {
  const lines = results.flatMap((r) => r.violations.map((v) =>
    `- ${r.screen} [${r.browser}, ${r.theme}] ${v.id} (${v.impact ?? 'no impact'}): ${v.help}\n${v.nodes.map((n) => `    ${n.target}: ${n.why}`).join('\n')}`));
  if (lines.length > 0) throw new Error(`WCAG 2.1 A/AA violations:\n${lines.join('\n')}`);
}
