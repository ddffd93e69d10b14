/**
 * `npm run bench [-- --quick] [-- --only messaging,history,search,startup,extension,files,directory] [-- --profile] [-- --bare]`:
 * runs the sections, prints the table and writes bench/results/latest.json
 * (with --only or --bare, results/partial.json). --profile runs every host with
 * --cpu-prof into bench/results/profiles/<section>/ (read them with
 * `node dist/bench/profile-summary.js <dir>`). --bare starts the hosts without
 * native-host/node-flags.ts, to see what the flags cost or save.
 */
import fs from 'node:fs';
import path from 'node:path';
import { HOST_ENTRY, REPO_DIR } from '../testkit/repo.js';
import { Testnet } from '../testkit/testnet.js';
import { Report } from './lib/report.js';
import { runDirectory } from './sections/directory.js';
import { runExtension } from './sections/extension.js';
import { runFiles } from './sections/files.js';
import { runHistory } from './sections/history.js';
import { runMessaging } from './sections/messaging.js';
import { runSearch } from './sections/search.js';
import { runStartup } from './sections/startup.js';

const RESULTS_DIR = path.join(REPO_DIR, 'bench/results');
const SECTIONS = {
  messaging: runMessaging,
  history: runHistory,
  search: runSearch,
  startup: runStartup,
  extension: runExtension,
  files: runFiles,
  directory: runDirectory,
};

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const profile = argv.includes('--profile');
const bare = argv.includes('--bare');
const onlyArg = argv[argv.indexOf('--only') + 1];
const only = argv.includes('--only') && onlyArg ? onlyArg.split(',') : Object.keys(SECTIONS);
const unknown = only.filter((name) => !(name in SECTIONS));
if (unknown.length > 0) {
  console.error(`unknown section ${unknown.join(', ')} (known: ${Object.keys(SECTIONS).join(', ')})`);
  process.exit(2);
}
if (!fs.existsSync(HOST_ENTRY)) {
  console.error(`${path.relative(REPO_DIR, HOST_ENTRY)} is missing: run npm run build:host first.`);
  process.exit(1);
}

const report = new Report({ quick });
let failed = false;
for (const [name, run] of Object.entries(SECTIONS)) {
  if (!only.includes(name)) continue;
  const profileDir = profile ? path.join(RESULTS_DIR, 'profiles', name) : undefined;
  if (profileDir) fs.rmSync(profileDir, { recursive: true, force: true });
  const net = new Testnet({}, { purpose: 'bench', profileDir, bare });
  const t0 = Date.now();
  process.stderr.write(`bench: ${name}…\n`);
  try {
    await run(net, report, { quick });
    process.stderr.write(`bench: ${name} done in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  } catch (err) {
    failed = true;
    report.skip(name, `FAILED: ${err instanceof Error ? err.message : String(err)}`);
    process.stderr.write(`bench: ${name} failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  } finally {
    await net.close();
  }
}

const out = path.join(RESULTS_DIR, only.length === Object.keys(SECTIONS).length && !bare ? 'latest.json' : 'partial.json');
report.write(out);
console.log(report.table());
console.log(`\n${path.relative(process.cwd(), out)} written (${report.toJSON().duration_s} s)`);
process.exit(failed ? 1 : 0);
