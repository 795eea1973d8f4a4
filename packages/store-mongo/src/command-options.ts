import type { Abortable, CommandOperationOptions } from "mongodb";

/**
 * What every command of the store carries:
 * - `readPreference: primary`, whatever the client's: a `load` after a `store` must
 *   see it, and a secondary may lag (AWS's DocumentDB samples use `secondaryPreferred`).
 * - `maxTimeMS`: the server stops the command at the store's deadline and answers
 *   with an error, so the connection goes back to the pool instead of being closed.
 * - `signal`: aborts what is still pending well after the deadline (a server that
 *   does not even answer with that error); only then is a socket given up.
 */
export type CommandOptions = Pick<CommandOperationOptions, "readPreference" | "maxTimeMS"> & Abortable;

/** How many deadlines an abandoned call may linger before the store aborts the driver's call. */
export const ABORT_AFTER_DEADLINES = 2;

export function commandOptions(timeoutMs: number, signal: AbortSignal): CommandOptions {
  return { readPreference: "primary", maxTimeMS: Math.ceil(timeoutMs), signal };
}
