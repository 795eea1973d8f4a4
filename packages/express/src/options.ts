import { checkBridgeOptions, checkCount, checkTimeout, DEFAULT_BRIDGE_TTL_MS } from "@session-store/core/adapter";
import type { SessionData } from "express-session";
import type { Serializer } from "./serializer.js";

/** Which user a session belongs to: a user id (the rules of a session id), or `undefined` for none. */
export type OwnerOf = (session: SessionData) => string | undefined;

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
  /**
   * Files each saved session under the user it returns, so `sessionsOf` and the
   * sign-out helpers find it. Needs a managed store. Called on every save.
   */
  readonly owner?: OwnerOf;
  /**
   * A rolling session's expiry is written at most once per this many ms: a touch
   * that would move the stored expiry by less is skipped. Default: every touch writes.
   */
  readonly touchAfterMs?: number;
  /** The most sessions `all()` returns; beyond it, `all()` fails rather than load them all. Default 10 000. */
  readonly listLimit?: number;
}

export const DEFAULT_TTL_MS = DEFAULT_BRIDGE_TTL_MS;

export const DEFAULT_LIST_LIMIT = 10_000;

export interface CheckedOptions {
  readonly ttlMs: number;
  readonly serializer: Serializer;
  readonly owner: OwnerOf | undefined;
  readonly touchAfterMs: number;
  readonly listLimit: number;
}

export function checkOptions(options: ExpressSessionStoreOptions = {}): CheckedOptions {
  const { ttlMs, owner } = checkBridgeOptions(options, "ExpressSessionStore", ["serializer", "touchAfterMs", "listLimit"]);
  const serializer = options.serializer ?? JSON;
  if (typeof serializer.stringify !== "function" || typeof serializer.parse !== "function") {
    throw new TypeError("serializer must have stringify(session) and parse(text) functions");
  }
  const touchAfterMs = options.touchAfterMs === undefined ? 0 : checkTimeout(options.touchAfterMs, "touchAfterMs");
  const listLimit = options.listLimit === undefined ? DEFAULT_LIST_LIMIT : checkCount(options.listLimit, "listLimit");
  return { ttlMs, serializer, owner, touchAfterMs, listLimit };
}
