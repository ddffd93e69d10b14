import type { DirectoryKind } from '../../../shared/contract.js';
import type { Directory } from './directory.js';
import { LocalDirectory } from './local-directory.js';

export interface CreateDirectoryOptions {
  kind: DirectoryKind;
  /** The shared SQLite file (local). */
  path?: string;
  /** Project URL and anon key (supabase). */
  supabaseUrl?: string;
  supabaseKey?: string;
  /** Per-call timeout of the Supabase directory. */
  timeoutMs?: number;
  /** SQLite page cache of the local directory's connection, in KiB. */
  cacheKib?: number;
}

/**
 * Opens the configured directory. Missing settings for the chosen kind are
 * a configuration mistake and throw at once; a local file that cannot be
 * opened rejects with DIRECTORY_UNREACHABLE.
 */
export async function createDirectory(options: CreateDirectoryOptions): Promise<Directory> {
  if (options.kind === 'local') {
    if (!options.path) throw new Error('the local directory needs a path (--directory-path)');
    return new LocalDirectory({ path: options.path, cacheKib: options.cacheKib });
  }
  if (!options.supabaseUrl || !options.supabaseKey) {
    throw new Error('the supabase directory needs --supabase-url and --supabase-key');
  }
  // Loaded on demand: supabase-js is large, and most hosts run the local directory.
  const { SupabaseDirectory } = await import('./supabase-directory.js');
  return new SupabaseDirectory({ url: options.supabaseUrl, anonKey: options.supabaseKey, timeoutMs: options.timeoutMs });
}
