import { checkBridgeOptions, DEFAULT_BRIDGE_TTL_MS } from "@session-store/core/adapter";

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

export const DEFAULT_TTL_MS = DEFAULT_BRIDGE_TTL_MS;

export interface CheckedOptions {
  readonly ttlMs: number;
  readonly owner: OwnerOf | undefined;
}

export function checkOptions(options: HonoSessionStoreOptions = {}): CheckedOptions {
  return checkBridgeOptions(options, "HonoSessionStore");
}
