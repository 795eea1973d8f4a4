import { checkTimeout } from "@session-store/core/adapter";
import type { Serializer } from "./serializer.js";

/** Options of `ExpressSessionStore`. */
export interface ExpressSessionStoreOptions {
  /**
   * How long a session whose cookie has no expiry (a browser-session cookie) is
   * kept, in ms. Default one day. Sessions whose cookie has `maxAge`/`expires`
   * are kept exactly as long as the cookie.
   */
  readonly ttlMs?: number;
  /** How session objects become the stored bytes (as UTF-8 text). Default `JSON`. */
  readonly serializer?: Serializer;
}

export const DEFAULT_TTL_MS = 24 * 60 * 60 * 1000;

export interface CheckedOptions {
  readonly ttlMs: number;
  readonly serializer: Serializer;
}

export function checkOptions(options: ExpressSessionStoreOptions = {}): CheckedOptions {
  const ttlMs = options.ttlMs === undefined ? DEFAULT_TTL_MS : checkTimeout(options.ttlMs, "ttlMs");
  const serializer = options.serializer ?? JSON;
  if (typeof serializer.stringify !== "function" || typeof serializer.parse !== "function") {
    throw new TypeError("serializer must have stringify(session) and parse(text) functions");
  }
  return { ttlMs, serializer };
}
