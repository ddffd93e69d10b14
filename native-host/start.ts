// `npm start -- [options]`: the built host, started with the flags and
// environment of node-flags.ts like every other launcher. npm runs scripts
// through a shell that differs per OS, so they cannot be spelled out in
// package.json. Where Node can replace the running process (process.execve:
// Node 22.15+ and 24 on Linux and macOS) it does, and exactly one process
// remains; elsewhere the host runs as a child that shares the terminal, gets
// the signals this process gets, and hands back its exit code.
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HOST_ENV, HOST_NODE_FLAGS } from './node-flags.js';

/** `process.execve`, which the Node typings this project builds against (20) do not declare. */
type Execve = (file: string, args: string[], env: NodeJS.ProcessEnv) => never;

// This file runs as dist/native-host/start.js, next to the host's build.
const entry = path.join(path.dirname(fileURLToPath(import.meta.url)), 'src', 'main.js');
const argv = [...HOST_NODE_FLAGS, entry, ...process.argv.slice(2)];
const env = { ...process.env, ...HOST_ENV };

const execve: unknown = Reflect.get(process, 'execve');
if (typeof execve === 'function' && process.platform !== 'win32') {
  (execve as Execve).call(process, process.execPath, [process.execPath, ...argv], env);
}
const child = spawn(process.execPath, argv, { stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  // A terminal's Ctrl-C reaches the host too; passing it on again is harmless (it stops once).
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => process.exit(code ?? 128 + (signal ? os.constants.signals[signal] : 0)));
