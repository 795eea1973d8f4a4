import type { Script } from "./scripts.js";

/**
 * Runs a script by its SHA-1 and, when the server does not have it yet (a new
 * server, a restart, `SCRIPT FLUSH`, a Cluster master that never ran it), by its
 * source, which also loads it there for the next call.
 */
export async function runScript(
  script: Script,
  bySha: (sha: string) => Promise<unknown>,
  bySource: (source: string) => Promise<unknown>,
): Promise<unknown> {
  try {
    return await bySha(script.sha);
  } catch (error) {
    if (!isNoScript(error)) throw error;
    return bySource(script.source);
  }
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith("NOSCRIPT");
}
