import { DEFAULT_OPERATION_TIMEOUT_MS } from "@session-store/core";
import {
  checkBoolean,
  checkCount,
  checkIdentifier,
  checkKnownOptions,
  checkSweepInterval,
  checkOptionsObject,
  checkRevocationGrace,
  checkTimeout,
  optional,
} from "@session-store/core/adapter";
import type pg from "pg";

/** How a `PostgresStore` is set up. Give exactly one of `pool` and `connection`. */
export interface PostgresStoreOptions {
  /** A pool the application already has. The caller owns it: `close()` leaves it open, and its 'error' events are the caller's to handle. */
  readonly pool?: pg.Pool;
  /** A connection string or pool config; the store opens its own pool and ends it in `close()`. */
  readonly connection?: string | pg.PoolConfig;
  /** Schema of the table. Default "public". Created with the table unless it is "public". */
  readonly schema?: string;
  /** Table name. Default "sessions". */
  readonly table?: string;
  /** Create the schema, table and index on first use (idempotent, safe across processes). Default true. */
  readonly createSchema?: boolean;
  /** Create the table UNLOGGED: faster writes, but the table is emptied after a crash and not replicated. Default false. */
  readonly unlogged?: boolean;
  /** Run `sweep()` in the background every this many ms (unref'd timer), or `false` for no background sweep. Default 15 minutes. */
  readonly sweepIntervalMs?: number | false;
  /** Rows one sweep batch deletes at most (a heap-walk statement aims at about as many). Default 1000. */
  readonly sweepBatchSize?: number;
  /** Bound on each operation (and each sweep statement), in ms. Default 5000. */
  readonly timeoutMs?: number;
  /** `application_name` of a store-owned pool's connections, unless `connection` names one. Default "session-store". */
  readonly applicationName?: string;
  /** How long a revoked id stays dead at least, in ms (longer if the revoked session would have lived longer). Default 60 000. */
  readonly revocationGraceMs?: number;
}

/** The options after checks and defaults. */
export interface ResolvedPostgresStoreOptions {
  readonly schema: string;
  readonly table: string;
  readonly createSchema: boolean;
  readonly unlogged: boolean;
  /** Undefined: no background sweep. */
  readonly sweepIntervalMs: number | undefined;
  readonly sweepBatchSize: number;
  readonly timeoutMs: number;
  readonly revocationGraceMs: number;
}

export const DEFAULT_SCHEMA = "public";
export const DEFAULT_TABLE = "sessions";
export const DEFAULT_SWEEP_BATCH_SIZE = 1000;
export const DEFAULT_APPLICATION_NAME = "session-store";
/** connect-pg-simple's pruning interval, which users moving from it know; each sweep is a few short statements. */
export const DEFAULT_SWEEP_INTERVAL_MS = 15 * 60_000;

const KNOWN_OPTIONS: readonly (keyof PostgresStoreOptions)[] = [
  "pool",
  "connection",
  "schema",
  "table",
  "createSchema",
  "unlogged",
  "sweepIntervalMs",
  "sweepBatchSize",
  "timeoutMs",
  "applicationName",
  "revocationGraceMs",
];

/** Largest batch accepted: bigger batches hold row locks and run for too long. */
const MAX_SWEEP_BATCH_SIZE = 100_000;

/** Checks the options and fills in the defaults. Throws TypeError/RangeError on a bad value. */
export function resolvePostgresStoreOptions(options: PostgresStoreOptions): ResolvedPostgresStoreOptions {
  checkOptionsObject(options, "PostgresStore");
  checkKnownOptions(options, KNOWN_OPTIONS, "PostgresStore");
  const hasPool = options.pool !== undefined;
  const hasConnection = options.connection !== undefined;
  if (hasPool === hasConnection) {
    throw new TypeError("PostgresStore needs exactly one of `pool` (a pg.Pool) and `connection` (a string or pool config)");
  }
  // Duck-typed: the application's pg may be another copy than ours.
  if (hasPool && typeof (options.pool as { query?: unknown }).query !== "function") {
    throw new TypeError("`pool` must be a pg.Pool");
  }
  if (hasConnection && typeof options.connection !== "string" && typeof options.connection !== "object") {
    throw new TypeError("`connection` must be a connection string or a pg pool config");
  }
  return {
    schema: optional(options.schema, DEFAULT_SCHEMA, (v) => checkIdentifier(v, "schema")),
    table: optional(options.table, DEFAULT_TABLE, (v) => checkIdentifier(v, "table")),
    createSchema: optional(options.createSchema, true, (v) => checkBoolean(v, "createSchema")),
    unlogged: optional(options.unlogged, false, (v) => checkBoolean(v, "unlogged")),
    sweepIntervalMs: checkSweepInterval(options.sweepIntervalMs, DEFAULT_SWEEP_INTERVAL_MS),
    sweepBatchSize: optional(options.sweepBatchSize, DEFAULT_SWEEP_BATCH_SIZE, checkBatchSize),
    timeoutMs: optional(options.timeoutMs, DEFAULT_OPERATION_TIMEOUT_MS, (v) => checkTimeout(v, "timeoutMs")),
    revocationGraceMs: checkRevocationGrace(options.revocationGraceMs),
  };
}

/** The config of a store-owned pool: the caller's, with timeouts that end abandoned calls. */
export function ownedPoolConfig(options: PostgresStoreOptions, timeoutMs: number): pg.PoolConfig {
  const given = typeof options.connection === "string" ? { connectionString: options.connection } : options.connection;
  const applicationName = options.applicationName ?? DEFAULT_APPLICATION_NAME;
  if (typeof applicationName !== "string") throw new TypeError("`applicationName` must be a string");
  return {
    application_name: applicationName,
    // The server cancels a statement, and the driver gives up on a connect or a reply, at the
    // same bound the caller sees, so a call abandoned at the deadline ends soon after.
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    statement_timeout: timeoutMs,
    keepAlive: true,
    ...given,
  };
}

function checkBatchSize(value: number): number {
  const size = checkCount(value, "sweepBatchSize");
  if (size > MAX_SWEEP_BATCH_SIZE) throw new RangeError(`sweepBatchSize must be at most ${MAX_SWEEP_BATCH_SIZE}, got ${size}`);
  return size;
}

