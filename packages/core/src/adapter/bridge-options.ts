import { checkOptionsObject, checkTimeout, optional } from "./check-options.js";

/** How long a framework bridge keeps a session whose cookie has no expiry: one day. */
export const DEFAULT_BRIDGE_TTL_MS = 24 * 60 * 60 * 1000;

/** The options every framework bridge takes. */
export interface BridgeOptions<Session> {
  readonly ttlMs?: number;
  readonly owner?: (session: Session) => string | undefined;
}

/** Checks a bridge's `ttlMs` and `owner` (a function), naming `what` in errors; defaults applied. */
export function checkBridgeOptions<Session>(
  options: BridgeOptions<Session>,
  what: string,
): { ttlMs: number; owner: ((session: Session) => string | undefined) | undefined } {
  checkOptionsObject(options, what);
  const ttlMs = optional(options.ttlMs, DEFAULT_BRIDGE_TTL_MS, (value) => checkTimeout(value, "ttlMs"));
  const { owner } = options;
  if (owner !== undefined && typeof owner !== "function") throw new TypeError("owner must be a function (session) => string | undefined");
  return { ttlMs, owner };
}
