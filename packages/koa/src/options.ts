import { checkBridgeOptions, DEFAULT_BRIDGE_TTL_MS } from "@session-store/core/adapter";

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

export const DEFAULT_TTL_MS = DEFAULT_BRIDGE_TTL_MS;

export interface CheckedOptions {
  readonly ttlMs: number;
  readonly owner: OwnerOf | undefined;
}

export function checkOptions(options: KoaSessionStoreOptions = {}): CheckedOptions {
  return checkBridgeOptions(options, "KoaSessionStore");
}
