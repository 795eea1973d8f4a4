import type { SqliteDatabase } from "./drivers/driver.js";
import { isSqliteDatabase } from "./drivers/driver.js";
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
import { DEFAULT_TABLE } from "./schema.js";

/** An open better-sqlite3 `Database`, node:sqlite `DatabaseSync` or bun:sqlite `Database`. */
export type Database = SqliteDatabase;

/** Options shared by both ways of giving the store a database. */
export interface SqliteStoreCommonOptions {
  /** The table holding the sessions. A checked identifier, always double-quoted. Default "sessions". */
  readonly table?: string;
  /**
   * Create the table and its indexes on first use when missing (see `schemaSql`), and
   * upgrade a table of the first shape (see `upgradeSql`). Default true.
   */
  readonly createTable?: boolean;
  /** Rows one `sweep()` statement deletes at most; the sweep repeats until none are left. Default 1000. */
  readonly sweepBatchSize?: number;
  /** `sweep()` runs in the background every this many ms (core's `startSweeper`) until `close()`; `false`: never. Default 5 minutes. */
  readonly sweepIntervalMs?: number | false;
  /** How long `revoke` keeps an id dead at least, in ms (longer when the session would have lived longer). Default 60000. */
  readonly revocationGraceMs?: number;
}

/** The store opens, tunes and closes the database file itself. */
export interface SqliteStorePathOptions extends SqliteStoreCommonOptions {
  /** The database file, created if missing (`":memory:"` for a private in-memory database). */
  readonly path: string;
  /** How long a statement waits for another connection's lock before it fails, in ms. Default 5000. */
  readonly busyTimeoutMs?: number;
  readonly database?: never;
}

/** The caller's open database: the store uses it as it is and leaves it open on `close()`. */
export interface SqliteStoreDatabaseOptions extends SqliteStoreCommonOptions {
  readonly database: Database;
  readonly path?: never;
  readonly busyTimeoutMs?: never;
}

/** How a `SqliteStore` reaches its database: a file `path` (store-owned) or an open `database` (caller-owned). */
export type SqliteStoreOptions = SqliteStorePathOptions | SqliteStoreDatabaseOptions;

/** Default wait on a lock held by another connection. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5_000;
/** Default rows per sweep statement. */
export const DEFAULT_SWEEP_BATCH_SIZE = 1_000;
/**
 * Default time between background sweeps. A sweep is local and cheap (a range of the
 * expiry index), and the file never shrinks, so sweeping often keeps both each sweep's
 * write-lock time and the file's growth from expired rows small.
 */
export const DEFAULT_SWEEP_INTERVAL_MS = 5 * 60_000;

const KNOWN_OPTIONS: readonly string[] = [
  "path",
  "database",
  "busyTimeoutMs",
  "table",
  "createTable",
  "sweepBatchSize",
  "sweepIntervalMs",
  "revocationGraceMs",
];

/**
 * The pragmas a store-owned database is opened with: WAL so readers never wait for a
 * writer, NORMAL sync (durability trade-off in the README). A caller's `database` keeps its own.
 */
export const OWNED_DATABASE_PRAGMAS: readonly string[] = ["journal_mode = WAL", "synchronous = NORMAL"];

/** The options with defaults applied and every value checked. */
export interface ResolvedSqliteStoreOptions {
  /** Exactly one of `path` and `database` is set. */
  readonly path: string | undefined;
  readonly database: Database | undefined;
  readonly busyTimeoutMs: number;
  readonly table: string;
  readonly createTable: boolean;
  readonly sweepBatchSize: number;
  /** Undefined: no background sweep. */
  readonly sweepIntervalMs: number | undefined;
  readonly revocationGraceMs: number;
}

/** Checks the options (throwing `TypeError`/`RangeError`) and fills in defaults. */
export function resolveSqliteStoreOptions(options: SqliteStoreOptions): ResolvedSqliteStoreOptions {
  const { path, database } = checkOptionsObject(options, "SqliteStore");
  checkKnownOptions(options, KNOWN_OPTIONS, "SqliteStore");
  if ((path === undefined) === (database === undefined)) {
    throw new TypeError("SqliteStore needs exactly one of `path` (a file the store opens) and `database` (yours)");
  }
  if (path !== undefined && (typeof path !== "string" || path.length === 0)) {
    throw new TypeError("path must be a non-empty string");
  }
  if (database !== undefined && !isSqliteDatabase(database)) {
    throw new TypeError("database must be a better-sqlite3 Database, a node:sqlite DatabaseSync or a bun:sqlite Database");
  }
  if (database !== undefined && options.busyTimeoutMs !== undefined) {
    throw new TypeError("busyTimeoutMs applies to a database the store opens; set `timeout` on your own Database");
  }
  return {
    path,
    database,
    busyTimeoutMs: optional(options.busyTimeoutMs, DEFAULT_BUSY_TIMEOUT_MS, (v) => checkTimeout(v, "busyTimeoutMs")),
    table: optional(options.table, DEFAULT_TABLE, (v) => checkIdentifier(v, "table")),
    createTable: optional(options.createTable, true, (v) => checkBoolean(v, "createTable")),
    sweepBatchSize: optional(options.sweepBatchSize, DEFAULT_SWEEP_BATCH_SIZE, (v) => checkCount(v, "sweepBatchSize")),
    sweepIntervalMs: checkSweepInterval(options.sweepIntervalMs, DEFAULT_SWEEP_INTERVAL_MS),
    revocationGraceMs: checkRevocationGrace(options.revocationGraceMs),
  };
}
