import type { InstallAction } from './install-plan.js';

export interface CommandResult {
  status: number | null;
  stderr: string;
  error?: Error;
}

export interface ExecuteOptions {
  /** Defaults to console.log. */
  log?: (line: string) => void;
  /** Defaults to spawnSync without a shell. */
  runCommand?: (command: string, args: string[]) => CommandResult;
}

export interface ActionOutcome {
  action: InstallAction;
  result: 'written' | 'removed' | 'absent' | 'kept' | 'ran' | 'failed-allowed' | 'noted';
}

export function executePlan(actions: readonly InstallAction[], options?: ExecuteOptions): ActionOutcome[];
export function describeOutcome(action: InstallAction, result: ActionOutcome['result']): string;
export function formatCommand(command: string, args: readonly string[]): string;
