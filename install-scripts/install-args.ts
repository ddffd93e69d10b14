import { BROWSERS, type Browser } from './install-locations.js';

export interface InstallArgs {
  browsers: Browser[];
  /** As given; the caller resolves it against the cwd. */
  userDataDir: string | null;
  uninstall: boolean;
  help: boolean;
}

export const USAGE = `Usage: npm run install-host -- [options]

Registers the Parley native host (com.parley.host) with your browsers.

Options:
  --browser NAME        chrome, chromium, edge, brave, firefox or all (default: all);
                        may be repeated
  --user-data-dir DIR   write DIR/NativeMessagingHosts/com.parley.host.json instead,
                        for a Chromium-family browser run with --user-data-dir=DIR
  --uninstall           remove what an install would write
  -h, --help            show this help
`;

/** Bad command-line input: the entry prints the message and exits with code 2. */
export class InstallUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InstallUsageError';
  }
}

/** Parses the installer's arguments (those after `node dist/install-scripts/install.js`). */
export function parseInstallArgs(argv: readonly string[]): InstallArgs {
  const browsers = new Set<Browser>();
  let userDataDir: string | null = null;
  let uninstall = false;
  let help = false;
  let namedFirefox = false;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const takeValue = (): string => {
      if (eq !== -1) return arg.slice(eq + 1);
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new InstallUsageError(`${name} needs a value`);
      i++;
      return value;
    };
    switch (name) {
      case '--browser': {
        const value = takeValue().trim().toLowerCase();
        if (value === 'all') BROWSERS.forEach((b) => browsers.add(b));
        else if (isBrowser(value)) {
          browsers.add(value);
          namedFirefox ||= value === 'firefox';
        }
        else throw new InstallUsageError(`Unknown browser '${value}': use ${BROWSERS.join(', ')} or all`);
        break;
      }
      case '--user-data-dir': {
        const value = takeValue();
        if (value.trim() === '') throw new InstallUsageError('--user-data-dir needs a directory');
        if (userDataDir !== null) throw new InstallUsageError('--user-data-dir may be given only once');
        userDataDir = value;
        break;
      }
      case '--uninstall':
        if (eq !== -1) throw new InstallUsageError('--uninstall takes no value');
        uninstall = true;
        break;
      case '-h':
      case '--help':
        help = true;
        break;
      default:
        throw new InstallUsageError(`Unknown argument '${arg}'`);
    }
  }

  if (userDataDir !== null && namedFirefox) {
    throw new InstallUsageError('--user-data-dir is for Chromium-family browsers; Firefox has no such option');
  }
  return { browsers: browsers.size > 0 ? [...browsers] : [...BROWSERS], userDataDir, uninstall, help };
}

function isBrowser(value: string): value is Browser {
  return (BROWSERS as readonly string[]).includes(value);
}
