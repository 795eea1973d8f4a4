import { checkOptionsObject, checkTimeout, optional } from "@session-store/core/adapter";

/** A session's values by key, as `c.get("session").get(key)` reads them. */
export type SessionValues = Record<string, unknown>;

/** Which user a session belongs to (the rules of a session id), or `undefined` for none. */
export type OwnerOf = (values: SessionValues) => string | undefined;

/** Options of `HonoSessionStore`. */
export interface HonoSessionStoreOptions {
  /**
   * How long a session without an expiry (the middleware's `expireAfterSeconds` not
   * set) is kept, in ms. Default one day.
   */
  readonly ttlMs?: number;
  /** Files each saved session under the user it returns (`store.sessionsOf(user)`). Needs a managed store. */
  readonly owner?: OwnerOf;
}

export const DEFAULT_TTL_MS = 24 * 60 * 60 * 1000;

export interface CheckedOptions {
  readonly ttlMs: number;
  readonly owner: OwnerOf | undefined;
}

export function checkOptions(options: HonoSessionStoreOptions = {}): CheckedOptions {
  checkOptionsObject(options, "HonoSessionStore");
  const ttlMs = optional(options.ttlMs, DEFAULT_TTL_MS, (value) => checkTimeout(value, "ttlMs"));
  const { owner } = options;
  if (owner !== undefined && typeof owner !== "function") throw new TypeError("owner must be a function (values) => string | undefined");
  return { ttlMs, owner };
}
