#!/usr/bin/env node
// @ts-check
// Entry of `npm run install-host -- [--browser ...] [--user-data-dir DIR] [--uninstall]`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { InstallUsageError, parseInstallArgs, USAGE } from './install-args.js';
import { detectPackagings } from './browser-packaging.js';
import { executePlan } from './install-executor.js';
import { planInstall, planUninstall } from './install-plan.js';

const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;

const repoDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const hostEntry = path.join(repoDir, 'dist', 'native-host', 'src', 'main.js');
const identityModule = path.join(repoDir, 'dist', 'shared', 'extension-id.js');
const nodeSupportModule = path.join(repoDir, 'dist', 'native-host', 'src', 'node-support.js');

async function main() {
  let args;
  try {
    args = parseInstallArgs(process.argv.slice(2));
  } catch (err) {
    return usageError(err);
  }
  if (args.help) {
    process.stdout.write(USAGE);
    return 0;
  }

  // The extension identity comes from the build of shared/extension-id.ts, so it is defined once.
  const needed = args.uninstall ? [identityModule] : [identityModule, nodeSupportModule, hostEntry];
  const missing = needed.find((file) => !fs.existsSync(file));
  if (missing) {
    console.error(`The host is not built (${path.relative(repoDir, missing)} missing): run npm run build:host first.`);
    return EXIT_FAILURE;
  }
  const ids = await import(pathToFileURL(identityModule).href);
  if (!args.uninstall) {
    // The launcher pins the Node that runs this installer: it has to be one the host runs on.
    const { nodeSupport } = await import(pathToFileURL(nodeSupportModule).href);
    const support = nodeSupport();
    if (support.level === 'unsupported') {
      console.error(`install-host: ${support.message}`);
      return EXIT_FAILURE;
    }
    if (support.message) console.error(`install-host: warning: ${support.message}`);
  }

  /** @type {import('./install-plan.js').InstallInput} */
  const input = {
    platform: process.platform,
    homeDir: os.homedir(),
    browsers: args.browsers,
    userDataDir: args.userDataDir === null ? null : path.resolve(args.userDataDir),
    nodePath: process.execPath,
    hostEntry,
    repoDir,
    env: process.env,
    identity: {
      hostName: ids.NATIVE_HOST_NAME,
      chromiumExtensionId: ids.CHROMIUM_EXTENSION_ID,
      geckoExtensionId: ids.GECKO_EXTENSION_ID,
    },
    packagings: process.platform === 'linux' ? detectPackagings({ homeDir: os.homedir(), exists: fs.existsSync }) : [],
  };
  let actions;
  try {
    actions = args.uninstall ? planUninstall(input) : planInstall(input);
  } catch (err) {
    return usageError(err);
  }

  console.log(`${args.uninstall ? 'Uninstalling' : 'Installing'} native host ${input.identity.hostName}`);
  try {
    executePlan(actions);
  } catch (err) {
    console.error(`Failed: ${err instanceof Error ? err.message : String(err)}`);
    return EXIT_FAILURE;
  }
  if (!args.uninstall) {
    console.log(`The launcher runs ${process.execPath} (Node.js ${process.versions.node}) ${hostEntry}.`);
    console.log('Restart the browser (or reload the Parley extension) to pick up the change.');
  }
  return 0;
}

/** @param {unknown} err */
function usageError(err) {
  if (!(err instanceof InstallUsageError)) throw err;
  console.error(`install-host: ${err.message}\n`);
  console.error(USAGE);
  return EXIT_USAGE;
}

process.exitCode = await main();
