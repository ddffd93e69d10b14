/** The extension identity the manifests allow; taken from shared/extension-id.ts. */
export interface HostIdentity {
  hostName: string;
  chromiumExtensionId: string;
  geckoExtensionId: string;
}

export interface HostManifest {
  name: string;
  description: string;
  path: string;
  type: 'stdio';
  allowed_origins?: string[];
  allowed_extensions?: string[];
}

export const MANIFEST_MODE: 0o644;
export const LAUNCHER_MODE: 0o755;
export const HOST_DESCRIPTION: string;

export function hostManifest(options: {
  family: 'chromium' | 'firefox';
  identity: HostIdentity;
  launcherPath: string;
}): HostManifest;
export function manifestFileContents(manifest: HostManifest): string;
export function launcherScript(options: { platform: string; nodePath: string; hostEntry: string }): string;
export function flatpakLauncherScript(options: { hostLauncher: string }): string;
export function shellQuote(value: string): string;
