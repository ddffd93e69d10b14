#!/usr/bin/env node
import { EXIT } from './exit-codes.js';
import { nodeSupport } from './node-support.js';

// The Node.js version is checked before anything else loads: on a Node too
// old, the rest of the host may fail to link (better-sqlite3 is built for
// one ABI) and the user would see a stack trace instead of what to install.
const support = nodeSupport();
if (support.level === 'unsupported') {
  process.stderr.write(`parley-host: ${support.message} Then run npm run install-host again so the browser's launcher uses it.\n`);
  process.exit(EXIT.usage);
}
const { runCli } = await import('./cli.js');
runCli(support);
