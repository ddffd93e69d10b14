import fs from 'node:fs';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(scope: string): Logger;
}

/**
 * Line-oriented logs to stderr or a file. Never stdout: when the browser
 * launches the host, stdout carries native-messaging frames only.
 */
export function createLogger(level: LogLevel, file?: string, scope = 'host'): Logger {
  const threshold = LOG_LEVELS.indexOf(level);
  const write = file
    ? (line: string) => fs.appendFileSync(file, line, { mode: 0o600 })
    : (line: string) => process.stderr.write(line);
  const make = (scope: string): Logger => {
    const log = (at: LogLevel, message: string, fields?: Record<string, unknown>) => {
      if (LOG_LEVELS.indexOf(at) < threshold) return;
      const extra = fields ? ' ' + safeJson(fields) : '';
      write(`${new Date().toISOString()} ${at.toUpperCase()} [${scope}] ${message}${extra}\n`);
    };
    return {
      debug: (m, f) => log('debug', m, f),
      info: (m, f) => log('info', m, f),
      warn: (m, f) => log('warn', m, f),
      error: (m, f) => log('error', m, f),
      child: (sub) => make(`${scope}:${sub}`),
    };
  };
  return make(scope);
}

/** A logger that keeps its lines in memory, for assertions in tests. */
export interface MemoryLogger extends Logger {
  readonly lines: { level: string; message: string; fields?: Record<string, unknown> }[];
}

export function memoryLogger(): MemoryLogger {
  const lines: MemoryLogger['lines'] = [];
  const make = (): MemoryLogger => {
    const log = (level: string) => (message: string, fields?: Record<string, unknown>) => {
      lines.push({ level, message, fields });
    };
    return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), child: () => make() };
  };
  return make();
}

function safeJson(fields: Record<string, unknown>): string {
  try {
    return JSON.stringify(fields, (_key, value: unknown) =>
      value instanceof Error ? { message: value.message, code: (value as { code?: unknown }).code } : value,
    );
  } catch {
    return '[unserialisable]';
  }
}
