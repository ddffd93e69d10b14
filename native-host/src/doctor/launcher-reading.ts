import { defined } from '../../../shared/defined.js';

/** What a launcher written by the installer runs, read back from its text. */
export type LauncherTarget =
  | { kind: 'node'; nodePath: string; hostEntry: string }
  | { kind: 'flatpak'; hostLauncher: string }
  | { kind: 'unknown' };

/**
 * Reads the installer's launchers: the sh one (`exec 'node' [flags] 'main.js' "$@"`),
 * the Windows .cmd one (`"node.exe" "main.js" %*`) and the Flatpak one
 * (`set -- 'host launcher' "$@"` then flatpak-spawn). Flags between node and
 * the entry are allowed, so tuning the launcher does not confuse the doctor.
 */
export function readLauncher(text: string): LauncherTarget {
  if (/\bflatpak-spawn --host\b/.test(text)) {
    const set = /^set -- (.+) "\$@"$/m.exec(text);
    const words = set ? shellWords(defined(set[1])) : [];
    return words[0] ? { kind: 'flatpak', hostLauncher: words[0] } : { kind: 'unknown' };
  }
  const exec = /^(?:.*\s)?exec (.+) "\$@"\s*$/m.exec(text);
  const cmd = /^"([^"]+)"(.*)%\*\s*$/m.exec(text);
  const words = exec ? shellWords(defined(exec[1])) : cmd ? [defined(cmd[1]), ...[...defined(cmd[2]).matchAll(/"([^"]+)"/g)].map((m) => defined(m[1]))] : [];
  const entry = [...words].reverse().find((w) => /\.[cm]?js$/.test(w));
  if (!words[0] || !entry || entry === words[0]) return { kind: 'unknown' };
  return { kind: 'node', nodePath: words[0].replaceAll('%%', '%'), hostEntry: entry.replaceAll('%%', '%') };
}

/** Splits POSIX sh words made of single-quoted parts and plain characters. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let current: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = defined(line[i]);
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end === -1) return [];
      current = (current ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (c === '\\' && i + 1 < line.length) {
      current = (current ?? '') + line[++i];
    } else if (/\s/.test(c)) {
      if (current !== null) words.push(current);
      current = null;
    } else {
      current = (current ?? '') + c;
    }
  }
  if (current !== null) words.push(current);
  return words;
}
