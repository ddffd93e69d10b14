/** V8 flags every launcher passes to the host's node, before the script name. */
export const HOST_NODE_FLAGS: readonly string[];
/** Environment every launcher sets for the host process. */
export const HOST_ENV: Readonly<Record<string, string>>;
