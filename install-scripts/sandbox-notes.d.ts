import type { Packaging } from './browser-packaging.js';

/** What the user must know about a sandboxed browser: whether it can work, and what is left to do. */
export function sandboxNote(packaging: Packaging): string;
