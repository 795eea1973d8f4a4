import { checkOptionsObject, checkTimeout, optional } from "@session-store/core/adapter";

/** A koa-session session as the store sees it: `ctx.session`'s JSON. */
export type KoaSession = Record<string, unknown>;

/** Which user a session belongs to (the rules of a session id), or `undefined` for none. */
export type OwnerOf = (session: KoaSession) => string | undefined;

/** Options of `KoaSessionStore`. */
export interface KoaSessionStoreOptions {
  /** How long a session with `maxAge: "session"` (a browser-session cookie) is kept, in ms. Default one day. */
  readonly ttlMs?: number;
  /** Files each saved session under the user it returns (`store.sessionsOf(user)`). Needs a managed store. */
  readonly owner?: OwnerOf;
}

export const DEFAULT_TTL_MS = 24 * 60 * 60 * 1000;

export interface CheckedOptions {
  readonly ttlMs: number;
  readonly owner: OwnerOf | undefined;
}

export function checkOptions(options: KoaSessionStoreOptions = {}): CheckedOptions {
  checkOptionsObject(options, "KoaSessionStore");
  const ttlMs = optional(options.ttlMs, DEFAULT_TTL_MS, (value) => checkTimeout(value, "ttlMs"));
  const { owner } = options;
  if (owner !== undefined && typeof owner !== "function") throw new TypeError("owner must be a function (session) => string | undefined");
  return { ttlMs, owner };
}
