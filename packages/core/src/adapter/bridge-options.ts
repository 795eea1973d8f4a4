import { checkKnownOptions } from "./check-known-options.js";
import { checkOptionsObject, checkTimeout, optional } from "./check-options.js";

/** How long a framework bridge keeps a session whose cookie has no expiry: one day. */
export const DEFAULT_BRIDGE_TTL_MS = 24 * 60 * 60 * 1000;

/** The options every framework bridge takes. */
export interface BridgeOptions<Session> {
  readonly ttlMs?: number;
  readonly owner?: (session: Session) => string | undefined;
}

const SHARED_OPTIONS = ["ttlMs", "owner"] as const;

/**
 * Checks a bridge's `ttlMs` and `owner` (a function), naming `what` in errors; defaults
 * applied. Any option outside these and the bridge's own `moreOptions` is a `TypeError`
 * naming the nearest known one.
 */
export function checkBridgeOptions<Session>(
  options: BridgeOptions<Session>,
  what: string,
  moreOptions: readonly string[] = [],
): { ttlMs: number; owner: ((session: Session) => string | undefined) | undefined } {
  checkOptionsObject(options, what);
  checkKnownOptions(options, [...SHARED_OPTIONS, ...moreOptions], what);
  const ttlMs = optional(options.ttlMs, DEFAULT_BRIDGE_TTL_MS, (value) => checkTimeout(value, "ttlMs"));
  const { owner } = options;
  if (owner !== undefined && typeof owner !== "function") throw new TypeError("owner must be a function (session) => string | undefined");
  return { ttlMs, owner };
}
