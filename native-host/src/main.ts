import { nodeSupport } from './node-support.js';

// The Node.js version is checked before anything else loads: on a Node too
// old, the rest of the host may fail to link (better-sqlite3 is built for
// one ABI) and the user would see a stack trace instead of what to install.
const support = nodeSupport();
if (support.level === 'unsupported') {
  process.stderr.write(`parley-host: ${support.message}\n`);
  process.exit(2);
}
const { runCli } = await import('./cli.js');
await runCli(support);
