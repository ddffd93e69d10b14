import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { InstallAction } from './install-plan.js';

export interface CommandResult {
  status: number | null;
  stderr: string;
  error?: Error;
}

export type RunCommand = (command: string, args: string[]) => CommandResult;

export interface ExecuteOptions {
  /** Defaults to console.log. */
  log?: (line: string) => void;
  /** Defaults to spawnSync without a shell. */
  runCommand?: RunCommand;
}

/** What happened to one action. */
export interface ActionOutcome {
  action: InstallAction;
  result: 'written' | 'removed' | 'absent' | 'kept' | 'ran' | 'failed-allowed' | 'noted';
}

/**
 * Performs a plan in order and prints one line per step. Throws on the first
 * failure, except for commands marked `allowFailure`.
 */
export function executePlan(actions: readonly InstallAction[], options: ExecuteOptions = {}): ActionOutcome[] {
  const log = options.log ?? ((line: string) => console.log(line));
  const runCommand = options.runCommand ?? defaultRunCommand;
  const outcomes: ActionOutcome[] = [];
  for (const action of actions) {
    const result = perform(action, runCommand);
    outcomes.push({ action, result });
    log(describeOutcome(action, result));
  }
  return outcomes;
}

function perform(action: InstallAction, runCommand: RunCommand): ActionOutcome['result'] {
  switch (action.kind) {
    case 'write-file':
      writeFileAtomic(action.path, action.contents, action.mode);
      return 'written';
    case 'remove-file':
      try {
        fs.unlinkSync(action.path);
        return 'removed';
      } catch (err) {
        if (errorCode(err) === 'ENOENT') return 'absent';
        throw err;
      }
    case 'remove-empty-dir':
      try {
        fs.rmdirSync(action.path);
        return 'removed';
      } catch (err) {
        const code = errorCode(err);
        if (code === 'ENOENT') return 'absent';
        if (code === 'ENOTEMPTY' || code === 'EEXIST') return 'kept';
        throw err;
      }
    case 'note':
      return 'noted';
    case 'run-command': {
      const outcome = runCommand(action.command, action.args);
      if (!outcome.error && outcome.status === 0) return 'ran';
      if (action.allowFailure) return 'failed-allowed';
      const why = outcome.error?.message ?? (outcome.stderr.trim() || `exit code ${outcome.status}`);
      throw new Error(`${formatCommand(action.command, action.args)} failed: ${why}`);
    }
  }
}

/** Writes through a temporary file and a rename, so a browser never reads a half-written manifest. */
function writeFileAtomic(file: string, contents: string, mode: number): void {
  // Folders the installer creates hold only the user's own files (and may become the data dir's parents).
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temp, contents, { mode });
    // The mode given to writeFileSync is filtered by the umask; the launcher must be executable.
    fs.chmodSync(temp, mode);
    fs.renameSync(temp, file);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw err;
  }
}

const VERBS: Record<ActionOutcome['result'], string> = {
  written: 'wrote',
  removed: 'removed',
  absent: 'not present',
  kept: 'kept (not empty)',
  ran: 'ran',
  'failed-allowed': 'nothing to do',
  noted: 'note',
};

export function describeOutcome(action: InstallAction, result: ActionOutcome['result']): string {
  if (action.kind === 'note') return `${'note'.padEnd(16)} ${action.label}: ${action.text}`;
  const target = action.kind === 'run-command' ? formatCommand(action.command, action.args) : action.path;
  return `${VERBS[result].padEnd(16)} ${action.label}: ${target}`;
}

/** The command as one would type it in a terminal. */
export function formatCommand(command: string, args: readonly string[]): string {
  return [command, ...args.map((a) => (/[\s\\"]/.test(a) || a === '' ? `"${a}"` : a))].join(' ');
}

function defaultRunCommand(command: string, args: string[]): CommandResult {
  const out = spawnSync(command, args, { encoding: 'utf8', windowsHide: true });
  return { status: out.status, stderr: out.stderr ?? '', error: out.error };
}

function errorCode(err: unknown): unknown {
  return typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined;
}
