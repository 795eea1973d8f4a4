import type { Db, MongoClient, MongoClientOptions } from "mongodb";
import { DEFAULT_OPERATION_TIMEOUT_MS } from "@session-store/core";
import {
  checkBoolean,
  checkCount,
  checkIdentifier,
  checkKnownOptions,
  checkOptionsObject,
  checkRevocationGrace,
  checkTimeout,
  optional,
} from "@session-store/core/adapter";

/** Options shared by every way of giving the store a database. */
export interface MongoStoreCommonOptions {
  /** The collection holding the sessions. A checked identifier. Default "sessions". */
  readonly collection?: string;
  /** Create the expiry and owner indexes in the background after the first connect (see `mongoIndexCommand`). Default true. */
  readonly createIndexes?: boolean;
  /** How long one call may take before it rejects, in ms; also each command's server-side `maxTimeMS`. Default 5000. */
  readonly timeoutMs?: number;
  /** How long a revoked id stays dead at least, in ms (longer if the session would have lived longer). Default 60000. */
  readonly revocationGraceMs?: number;
  /**
   * For deployments whose TTL indexes cannot expire this collection (e.g. Azure Cosmos DB
   * for MongoDB RU, which only expires on `_ts`): no TTL index, a plain index on
   * `expiresAt` instead, and a `sweep()` method that deletes expired documents in
   * bounded batches. Default false: MongoDB's TTL monitor deletes them and there is no `sweep`.
   */
  readonly sweep?: boolean;
  /** Documents one sweep batch deletes at most; the sweep repeats until none are left. Default 1000. Needs `sweep`. */
  readonly sweepBatchSize?: number;
  /** When set, `sweep()` runs in the background every this many ms (core's `startSweeper`) until `close()`. Needs `sweep`. */
  readonly sweepIntervalMs?: number;
}

/** Your connected or unconnected `MongoClient`: the store uses it and leaves it open on `close()`. */
export interface MongoStoreClientOptions extends MongoStoreCommonOptions {
  readonly client: MongoClient;
  /** The database; default: the one in the client's connection string, else "test". */
  readonly database?: string;
  readonly db?: never;
  readonly url?: never;
  readonly clientOptions?: never;
}

/** Your `Db`: the store uses it and leaves its client open on `close()`. */
export interface MongoStoreDbOptions extends MongoStoreCommonOptions {
  readonly db: Db;
  readonly client?: never;
  readonly url?: never;
  readonly database?: never;
  readonly clientOptions?: never;
}

/** A connection string: the store opens its own client and closes it on `close()`. */
export interface MongoStoreUrlOptions extends MongoStoreCommonOptions {
  /** `mongodb://…` or `mongodb+srv://…`. */
  readonly url: string;
  /** The database; default: the one in the connection string, else "test". */
  readonly database?: string;
  /** Passed to `new MongoClient`, over the store's defaults (see README). */
  readonly clientOptions?: MongoClientOptions;
  readonly client?: never;
  readonly db?: never;
}

/** How a `MongoStore` reaches its database: a `client` or `db` (caller-owned) or a `url` (store-owned). */
export type MongoStoreOptions = MongoStoreClientOptions | MongoStoreDbOptions | MongoStoreUrlOptions;

/** Default collection name. */
export const DEFAULT_COLLECTION = "sessions";
/** Default documents per sweep batch. */
export const DEFAULT_SWEEP_BATCH_SIZE = 1_000;

/** Where the database comes from, checked. */
export type DatabaseSource =
  | { readonly kind: "client"; readonly client: MongoClient; readonly database: string | undefined }
  | { readonly kind: "db"; readonly db: Db }
  | {
      readonly kind: "url";
      readonly url: string;
      readonly database: string | undefined;
      readonly clientOptions: MongoClientOptions;
    };

/** The options with defaults applied and every value checked. */
export interface ResolvedMongoStoreOptions {
  readonly source: DatabaseSource;
  readonly collection: string;
  readonly createIndexes: boolean;
  readonly timeoutMs: number;
  readonly revocationGraceMs: number;
  /** The documents per sweep batch when `sweep` is on, else undefined (no `sweep()`). */
  readonly sweepBatchSize: number | undefined;
  readonly sweepIntervalMs: number | undefined;
}

/**
 * Every option `MongoStore` takes; any other is a misspelling, refused with the nearest
 * of these. Longer names before their prefixes: the first name a misspelling starts
 * with is the one suggested (`sweepInterval` → `sweepIntervalMs`, not `sweep`).
 */
const KNOWN_OPTIONS: readonly (keyof MongoStoreClientOptions | keyof MongoStoreDbOptions | keyof MongoStoreUrlOptions)[] = [
  "client",
  "db",
  "url",
  "database",
  "clientOptions",
  "collection",
  "createIndexes",
  "timeoutMs",
  "revocationGraceMs",
  "sweepIntervalMs",
  "sweepBatchSize",
  "sweep",
];

/** Checks the options (throwing `TypeError`/`RangeError`) and fills in defaults. */
export function resolveMongoStoreOptions(options: MongoStoreOptions): ResolvedMongoStoreOptions {
  checkOptionsObject(options, "MongoStore");
  checkKnownOptions(options, KNOWN_OPTIONS, "MongoStore");
  const sweep = optional(options.sweep, false, (value) => checkBoolean(value, "sweep"));
  if (!sweep && (options.sweepBatchSize !== undefined || options.sweepIntervalMs !== undefined)) {
    throw new TypeError("sweepBatchSize and sweepIntervalMs need `sweep: true` (by default the TTL index expires sessions)");
  }
  return {
    source: resolveSource(options),
    collection: optional(options.collection, DEFAULT_COLLECTION, (value) => checkIdentifier(value, "collection")),
    createIndexes: optional(options.createIndexes, true, (value) => checkBoolean(value, "createIndexes")),
    timeoutMs: optional(options.timeoutMs, DEFAULT_OPERATION_TIMEOUT_MS, (value) => checkTimeout(value, "timeoutMs")),
    revocationGraceMs: checkRevocationGrace(options.revocationGraceMs),
    sweepBatchSize: sweep ? optional(options.sweepBatchSize, DEFAULT_SWEEP_BATCH_SIZE, (value) => checkCount(value, "sweepBatchSize")) : undefined,
    sweepIntervalMs: optional(options.sweepIntervalMs, undefined, (value) => checkTimeout(value, "sweepIntervalMs")),
  };
}

function resolveSource(options: MongoStoreOptions): DatabaseSource {
  const { client, db, url, database, clientOptions } = options;
  const given = [client, db, url].filter((value) => value !== undefined).length;
  if (given !== 1) {
    throw new TypeError("MongoStore needs exactly one of `client` (your MongoClient), `db` (your Db) and `url` (a connection string the store opens)");
  }
  if (clientOptions !== undefined && url === undefined) {
    throw new TypeError("clientOptions apply to a client the store opens from `url`; set them on your own client");
  }
  if (client !== undefined) {
    if (typeof (client as Partial<MongoClient> | null)?.db !== "function") throw new TypeError("client must be a MongoClient");
    return { kind: "client", client, database: optional(database, undefined, checkDatabaseName) };
  }
  if (db !== undefined) {
    if (typeof (db as Partial<Db> | null)?.collection !== "function") throw new TypeError("db must be a mongodb Db");
    if (database !== undefined) throw new TypeError("database names the Db to use; with `db` you already gave one");
    return { kind: "db", db };
  }
  if (typeof url !== "string") throw new TypeError("url must be a string");
  // The message never repeats the URL: it may carry a password.
  if (!/^mongodb(\+srv)?:\/\//.test(url)) throw new RangeError("url must start with mongodb:// or mongodb+srv://");
  if (clientOptions !== undefined && (typeof clientOptions !== "object" || clientOptions === null)) {
    throw new TypeError("clientOptions must be an object");
  }
  return { kind: "url", url, database: optional(database, undefined, checkDatabaseName), clientOptions: clientOptions ?? {} };
}

/** MongoDB's own rules for a database name: no `/\. "$*<>:|?`, no NUL, under 64 bytes. */
function checkDatabaseName(name: unknown): string {
  if (typeof name !== "string") throw new TypeError("database must be a string");
  if (name.length === 0 || /[/\\. "$*<>:|?\0]/.test(name) || Buffer.byteLength(name, "utf8") >= 64) {
    throw new RangeError(
      `database must be 1 to 63 bytes without / \\ . space " $ * < > : | ? or NUL, got ${JSON.stringify(name)}`,
    );
  }
  return name;
}
