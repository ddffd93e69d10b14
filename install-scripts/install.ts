#!/usr/bin/env node
// Entry of `npm run install-host -- [--browser ...] [--user-data-dir DIR] [--uninstall]`.
// Runs as dist/install-scripts/install.js, built with the host; the
// extension identity and the Node version rule come from that same build.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeSupport } from '../native-host/src/node-support.js';
import { CHROMIUM_EXTENSION_ID, GECKO_EXTENSION_ID, NATIVE_HOST_NAME } from '../shared/extension-id.js';
import { detectPackagings } from './browser-packaging.js';
import { InstallUsageError, parseInstallArgs, USAGE } from './install-args.js';
import { executePlan } from './install-executor.js';
import { type InstallAction, type InstallInput, planInstall, planUninstall } from './install-plan.js';

const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;

// This file runs from dist/install-scripts/, two levels below the checkout.
const repoDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const hostEntry = path.join(repoDir, 'dist', 'native-host', 'src', 'main.js');

function main(): number {
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

  if (!args.uninstall) {
    if (!fs.existsSync(hostEntry)) {
      console.error(`The host is not built (${path.relative(repoDir, hostEntry)} missing): run npm run build:host first.`);
      return EXIT_FAILURE;
    }
    // The launcher pins the Node that runs this installer: it has to be one the host runs on.
    const support = nodeSupport();
    if (support.level === 'unsupported') {
      console.error(`install-host: ${support.message}`);
      return EXIT_FAILURE;
    }
    if (support.message) console.error(`install-host: warning: ${support.message}`);
  }

  const input: InstallInput = {
    platform: process.platform,
    homeDir: os.homedir(),
    browsers: args.browsers,
    userDataDir: args.userDataDir === null ? null : path.resolve(args.userDataDir),
    nodePath: process.execPath,
    hostEntry,
    repoDir,
    env: process.env,
    identity: {
      hostName: NATIVE_HOST_NAME,
      chromiumExtensionId: CHROMIUM_EXTENSION_ID,
      geckoExtensionId: GECKO_EXTENSION_ID,
    },
    packagings: process.platform === 'linux' ? detectPackagings({ homeDir: os.homedir(), exists: fs.existsSync }) : [],
  };
  let actions: InstallAction[];
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

function usageError(err: unknown): number {
  if (!(err instanceof InstallUsageError)) throw err;
  console.error(`install-host: ${err.message}\n`);
  console.error(USAGE);
  return EXIT_USAGE;
}

process.exitCode = main();
