import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { FLATPAK_APP_IDS } from '../../../install-scripts/browser-packaging.js';
import { BROWSERS, type Browser, flatpakManifestPath, manifestLocation, userDataDirManifestLocation } from '../../../install-scripts/install-locations.js';
import { CHROMIUM_EXTENSION_ORIGIN, GECKO_EXTENSION_ID, NATIVE_HOST_NAME } from '../../../shared/extension-id.js';
import { nodeSupport, supportedRange } from '../node-support.js';
import type { Finding } from './finding.js';
import { readLauncher } from './launcher-reading.js';
import { defined } from '../../../shared/defined.js';

/** Where the doctor looks; the same inputs the installer plans with. */
export interface MachineView {
  platform: string;
  homeDir: string;
  env: Record<string, string | undefined>;
  /** A Chromium profile given with --user-data-dir, checked as well. */
  userDataDir: string | null;
}

interface ManifestSite {
  subject: string;
  file: string;
  family: 'chromium' | 'firefox';
  /** Set for a Flatpak browser: its app id. */
  flatpak?: string;
}

const INSTALL = (browser: Browser | 'chromium-profile') =>
  browser === 'chromium-profile' ? 'npm run install-host -- --browser chromium --user-data-dir DIR' : `npm run install-host -- --browser ${browser}`;
/** Running the pinned Node to ask its version may take this long. */
const NODE_VERSION_TIMEOUT_MS = 10_000;

/** Every place a browser reads the manifest from, installed or not. */
function manifestSites(view: MachineView): ManifestSite[] {
  const target = { platform: view.platform, homeDir: view.homeDir, env: view.env };
  const family = (b: Browser): ManifestSite['family'] => (b === 'firefox' ? 'firefox' : 'chromium');
  const sites: ManifestSite[] = BROWSERS.map((b) => ({ subject: `${b} manifest`, file: manifestLocation(target, b, NATIVE_HOST_NAME).manifestPath, family: family(b) }));
  if (view.platform === 'linux') {
    for (const b of BROWSERS) {
      const appId = FLATPAK_APP_IDS[b];
      sites.push({ subject: `${b} flatpak manifest`, file: flatpakManifestPath(view.homeDir, b, appId, NATIVE_HOST_NAME), family: family(b), flatpak: appId });
    }
  }
  if (view.userDataDir) {
    sites.push({ subject: 'profile manifest', file: userDataDirManifestLocation(target, view.userDataDir, NATIVE_HOST_NAME).manifestPath, family: 'chromium' });
  }
  return sites;
}

/** Checks every installed manifest, the launcher it names, the Node it pins and that Node's version. */
export function checkManifests(view: MachineView): Finding[] {
  const installed = manifestSites(view).filter((s) => fs.existsSync(s.file));
  if (installed.length === 0) {
    return [{ status: 'fail', subject: 'manifests', detail: 'no browser has the Parley host manifest', fix: 'npm run install-host (or -- --browser NAME)' }];
  }
  return installed.flatMap((site) => checkSite(site, view));
}

function checkSite(site: ManifestSite, view: MachineView): Finding[] {
  const fixAll = INSTALL(site.subject === 'profile manifest' ? 'chromium-profile' : (site.subject.split(' ')[0] as Browser));
  let manifest: { name?: unknown; type?: unknown; path?: unknown; allowed_origins?: unknown; allowed_extensions?: unknown };
  try {
    manifest = JSON.parse(fs.readFileSync(site.file, 'utf8')) as typeof manifest;
  } catch (err) {
    return [{ status: 'fail', subject: site.subject, detail: `${site.file} is not readable JSON (${(err as Error).message})`, fix: fixAll }];
  }
  const problems: string[] = [];
  if (manifest.name !== NATIVE_HOST_NAME) problems.push(`name is ${JSON.stringify(manifest.name)}, not ${NATIVE_HOST_NAME}`);
  if (manifest.type !== 'stdio') problems.push('type is not "stdio"');
  const allowed = site.family === 'firefox' ? manifest.allowed_extensions : manifest.allowed_origins;
  const wanted = site.family === 'firefox' ? GECKO_EXTENSION_ID : `${CHROMIUM_EXTENSION_ORIGIN}/`;
  if (!Array.isArray(allowed) || !allowed.includes(wanted)) problems.push(`does not allow ${wanted}`);
  if (typeof manifest.path !== 'string' || !path.isAbsolute(manifest.path)) problems.push('path is not absolute');
  if (problems.length > 0) return [{ status: 'fail', subject: site.subject, detail: `${site.file}: ${problems.join('; ')}`, fix: fixAll }];
  const findings: Finding[] = [{ status: 'ok', subject: site.subject, detail: site.file }];
  return [...findings, ...checkLauncher(manifest.path as string, site, view, fixAll)];
}

function checkLauncher(launcher: string, site: ManifestSite, view: MachineView, fix: string): Finding[] {
  const subject = site.subject.replace('manifest', 'launcher');
  if (!fs.existsSync(launcher)) return [{ status: 'fail', subject, detail: `${launcher} does not exist`, fix }];
  if (view.platform !== 'win32' && (fs.statSync(launcher).mode & 0o111) === 0) {
    return [{ status: 'fail', subject, detail: `${launcher} is not executable`, fix: `chmod +x '${launcher}' (or ${fix})` }];
  }
  const target = readLauncher(fs.readFileSync(launcher, 'utf8'));
  if (target.kind === 'unknown') return [{ status: 'warn', subject, detail: `${launcher} was not written by the installer; cannot tell what it runs`, fix }];
  if (target.kind === 'flatpak') {
    const findings: Finding[] = [{ status: 'ok', subject, detail: `${launcher} runs ${target.hostLauncher} outside the sandbox` }];
    findings.push(flatpakPermission(defined(site.flatpak), view));
    return [...findings, ...checkLauncher(target.hostLauncher, { ...site, subject: `${site.subject.split(' ')[0]} host manifest` }, view, fix)];
  }
  const findings: Finding[] = [{ status: 'ok', subject, detail: `${launcher} runs ${target.nodePath} ${target.hostEntry}` }];
  if (!fs.existsSync(target.hostEntry)) {
    findings.push({ status: 'fail', subject: 'host build', detail: `${target.hostEntry} does not exist`, fix: 'npm run build:host in the Parley checkout, then npm run install-host' });
  }
  findings.push(checkNode(target.nodePath, fix));
  return findings;
}

/** Runs the pinned Node for its version and judges it with the host's own rule. */
function checkNode(nodePath: string, fix: string): Finding {
  if (!fs.existsSync(nodePath)) {
    return { status: 'fail', subject: 'node', detail: `${nodePath} (pinned by the launcher) does not exist`, fix: `reinstall with the Node you use now: ${fix}` };
  }
  const out = spawnSync(nodePath, ['--version'], { encoding: 'utf8', timeout: NODE_VERSION_TIMEOUT_MS });
  if (out.error || out.status !== 0) {
    return { status: 'fail', subject: 'node', detail: `${nodePath} --version failed: ${out.error?.message ?? out.stderr.trim()}`, fix };
  }
  let verdict;
  try {
    verdict = nodeSupport(out.stdout.trim());
  } catch {
    return { status: 'fail', subject: 'node', detail: `${nodePath} --version printed '${out.stdout.trim().slice(0, 40)}', not a version`, fix };
  }
  const detail = `${nodePath} is v${verdict.version}${verdict.message ? `: ${verdict.message}` : ''}`;
  if (verdict.level === 'supported') return { status: 'ok', subject: 'node', detail };
  const status = verdict.level === 'unsupported' ? 'fail' : 'warn';
  return { status, subject: 'node', detail, fix: `install Node.js ${supportedRange()}, then run ${fix} with it so the launcher pins it` };
}

/** A Flatpak browser may run flatpak-spawn only when allowed to talk to org.freedesktop.Flatpak. */
function flatpakPermission(appId: string, view: MachineView): Finding {
  const files = [path.join(view.homeDir, '.local/share/flatpak/overrides', appId), path.join('/var/lib/flatpak/overrides', appId)];
  // The talk permission, or the whole session bus (Flatseal's "D-Bus session bus"), lets it call flatpak-spawn.
  const grant = /^org\.freedesktop\.Flatpak=talk$|^sockets=.*\bsession-bus\b/m;
  const allowed = files.some((f) => fs.existsSync(f) && grant.test(fs.readFileSync(f, 'utf8')));
  if (allowed) return { status: 'ok', subject: `${appId} permission`, detail: 'may start the host outside its sandbox' };
  return {
    status: 'fail',
    subject: `${appId} permission`,
    detail: 'the sandbox may not run flatpak-spawn --host, so the browser cannot start the host',
    fix: `flatpak override --user --talk-name=org.freedesktop.Flatpak ${appId}`,
  };
}
