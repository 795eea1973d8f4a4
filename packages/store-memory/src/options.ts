import { checkCount, checkKnownOptions, checkOptionsObject, checkRevocationGrace, checkTimeout, optional } from "@session-store/core/adapter";

/** How a `MemoryStore` behaves. Every option is optional. */
export interface MemoryStoreOptions {
  /**
   * How often the janitor deletes expired sessions and ended revocations, in ms.
   * Default 60 000. Expired sessions are never returned in between (every read checks
   * expiry); the janitor only gives their memory back.
   */
  readonly janitorIntervalMs?: number;
  /**
   * The most sessions held at once. When a new id would exceed it, the session that
   * expires soonest is evicted first (an expired one, if any). Revocations do not
   * count and are never evicted. Default: no bound.
   */
  readonly maxSessions?: number;
  /** How long a revoked id stays dead at least, in ms. Default 60 000 (`DEFAULT_REVOCATION_GRACE_MS`). */
  readonly revocationGraceMs?: number;
}

/** The options with defaults applied and every value checked. */
export interface ResolvedMemoryStoreOptions {
  readonly janitorIntervalMs: number;
  readonly maxSessions: number;
  readonly revocationGraceMs: number;
}

/** Default time between janitor runs. */
export const DEFAULT_JANITOR_INTERVAL_MS = 60_000;

const KNOWN_OPTIONS = ["janitorIntervalMs", "maxSessions", "revocationGraceMs"];

/** Checks the options (throwing `TypeError`/`RangeError`, an unknown one included) and fills in defaults. */
export function resolveMemoryStoreOptions(options: MemoryStoreOptions = {}): ResolvedMemoryStoreOptions {
  checkOptionsObject(options, "MemoryStore");
  checkKnownOptions(options, KNOWN_OPTIONS, "MemoryStore");
  return {
    janitorIntervalMs: optional(options.janitorIntervalMs, DEFAULT_JANITOR_INTERVAL_MS, (v) => checkTimeout(v, "janitorIntervalMs")),
    maxSessions: optional(options.maxSessions, Infinity, (v) => checkCount(v, "maxSessions")),
    revocationGraceMs: checkRevocationGrace(options.revocationGraceMs),
  };
}
