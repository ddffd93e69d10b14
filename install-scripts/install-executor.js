// @ts-check
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** @typedef {import('./install-plan.js').InstallAction} InstallAction */

/**
 * @typedef {object} CommandResult
 * @property {number | null} status
 * @property {string} stderr
 * @property {Error} [error]
 */

/**
 * @typedef {object} ExecuteOptions
 * @property {(line: string) => void} [log]  defaults to console.log
 * @property {(command: string, args: string[]) => CommandResult} [runCommand]  defaults to spawnSync without a shell
 */

/**
 * What happened to one action.
 * @typedef {object} ActionOutcome
 * @property {InstallAction} action
 * @property {'written' | 'removed' | 'absent' | 'kept' | 'ran' | 'failed-allowed' | 'noted'} result
 */

/**
 * Performs a plan in order and prints one line per step. Throws on the first
 * failure, except for commands marked `allowFailure`.
 * @param {readonly InstallAction[]} actions
 * @param {ExecuteOptions} [options]
 * @returns {ActionOutcome[]}
 */
export function executePlan(actions, options = {}) {
  const log = options.log ?? ((line) => console.log(line));
  const runCommand = options.runCommand ?? defaultRunCommand;
  /** @type {ActionOutcome[]} */
  const outcomes = [];
  for (const action of actions) {
    const result = perform(action, runCommand);
    outcomes.push({ action, result });
    log(describeOutcome(action, result));
  }
  return outcomes;
}

/**
 * @param {InstallAction} action
 * @param {NonNullable<ExecuteOptions['runCommand']>} runCommand
 * @returns {ActionOutcome['result']}
 */
function perform(action, runCommand) {
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

/**
 * Writes through a temporary file and a rename, so a browser never reads a half-written manifest.
 * @param {string} file
 * @param {string} contents
 * @param {number} mode
 */
function writeFileAtomic(file, contents, mode) {
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

/**
 * @param {InstallAction} action
 * @param {ActionOutcome['result']} result
 */
export function describeOutcome(action, result) {
  if (action.kind === 'note') return `${'note'.padEnd(16)} ${action.label}: ${action.text}`;
  const target = action.kind === 'run-command' ? formatCommand(action.command, action.args) : action.path;
  const verb = {
    written: 'wrote',
    removed: 'removed',
    absent: 'not present',
    kept: 'kept (not empty)',
    ran: 'ran',
    'failed-allowed': 'nothing to do',
    noted: 'note',
  }[result];
  return `${verb.padEnd(16)} ${action.label}: ${target}`;
}

/**
 * The command as one would type it in a terminal.
 * @param {string} command
 * @param {readonly string[]} args
 */
export function formatCommand(command, args) {
  return [command, ...args.map((a) => (/[\s\\"]/.test(a) || a === '' ? `"${a}"` : a))].join(' ');
}

/** @type {NonNullable<ExecuteOptions['runCommand']>} */
function defaultRunCommand(command, args) {
  const out = spawnSync(command, args, { encoding: 'utf8', windowsHide: true });
  return { status: out.status, stderr: out.stderr ?? '', error: out.error };
}

/** @param {unknown} err */
function errorCode(err) {
  return typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined;
}
