import { MongoClient } from "mongodb";
import type { Abortable, Collection, Db, FindOneAndDeleteOptions, FindOptions, UpdateOptions } from "mongodb";
import type { Operation, SessionStore, Sweeper } from "@session-store/core";
import type { OperationContext } from "@session-store/core/adapter";
import { SessionStoreError } from "@session-store/core";
import {
  checkArguments,
  CloseOnce,
  LazyResource,
  operationContexts,
  optionalSweeper,
  redact,
  runOperation,
} from "@session-store/core/adapter";
import type { SessionDocument } from "./document.js";
import { fromBinary, MAX_DATA_BYTES, MAX_DOCUMENT_BYTES, toBinary } from "./document.js";
import type { DatabaseSource, MongoStoreOptions, ResolvedMongoStoreOptions } from "./options.js";
import { resolveMongoStoreOptions } from "./options.js";
import { idFilter, LOAD_PROJECTION, liveFilter, REMOVE_PROJECTION, storeUpdate, touchUpdate } from "./queries.js";
import type { ExpiryMode } from "./schema.js";
import { createExpiryIndex } from "./schema.js";
import { deleteExpiredBatch, serverTime } from "./sweep.js";

const BACKEND = "mongo";

/**
 * Sessions in one MongoDB collection, one document per session: `_id` the id,
 * `data` the bytes (BSON binary), `expiresAt` a BSON Date set by the server's clock.
 * A TTL index deletes expired documents (the monitor runs about once a minute) and
 * every read filters on `expiresAt`, so expired data is never returned.
 *
 * Give it your `client` or `db` (used as they are, left open on `close()`) or a
 * `url` (the store opens its own client and closes it). Each call is one command,
 * bounded by `timeoutMs`.
 */
export class MongoStore implements SessionStore {
  /** Only with `sweep: true`: deletes expired documents in bounded batches and resolves how many. */
  declare readonly sweep?: () => Promise<number>;

  readonly #options: ResolvedMongoStoreOptions;
  readonly #contexts: Readonly<Record<Operation, OperationContext>>;
  readonly #db: Db;
  readonly #collection: Collection<SessionDocument>;
  /** The client the store opened from `url`, closed by `close()`; undefined when the caller owns it. */
  readonly #ownClient: MongoClient | undefined;
  readonly #mode: ExpiryMode;
  readonly #sweeper: Sweeper | undefined;
  /**
   * Connects until it succeeds once. The driver's own connect-on-first-command leaves
   * a client whose first connection failed closed for good ("Topology is closed");
   * calling `connect()` again opens a new topology, so the store recovers when the
   * server comes back. After one success the driver reconnects by itself.
   */
  readonly #connection: LazyResource<unknown>;
  /** The expiry index, created on first use; undefined with `createIndexes: false`. */
  readonly #index: LazyResource<void> | undefined;
  readonly #closing = new CloseOnce(BACKEND);

  constructor(options: MongoStoreOptions) {
    this.#options = resolveMongoStoreOptions(options);
    this.#contexts = operationContexts(BACKEND, this.#options.timeoutMs);
    const { db, ownClient } = openDatabase(this.#options.source, this.#options.timeoutMs);
    this.#db = db;
    this.#ownClient = ownClient;
    this.#collection = db.collection<SessionDocument>(this.#options.collection);
    this.#mode = this.#options.sweepBatchSize === undefined ? "ttl" : "sweep";
    this.#connection = new LazyResource(() => db.client.connect());
    const { createIndexes, timeoutMs } = this.#options;
    this.#index = createIndexes ? new LazyResource(() => createExpiryIndex(this.#collection, this.#mode, timeoutMs)) : undefined;
    if (this.#mode === "sweep") this.sweep = () => this.#sweep();
    this.#sweeper = optionalSweeper({ sweep: () => this.#sweep() }, this.#options.sweepIntervalMs);
  }

  async load(id: string): Promise<Uint8Array | undefined> {
    checkArguments({ id });
    this.#closing.assertOpen("load");
    return this.#run("load", async (signal) => {
      const options: FindOptions & Abortable = { projection: LOAD_PROJECTION, signal };
      const found = await this.#collection.findOne<{ data: unknown }>(liveFilter(id), options);
      return found === null ? undefined : fromBinary(found.data);
    });
  }

  async store(id: string, data: Uint8Array, ttlMs: number): Promise<void> {
    const ttl = checkArguments({ id, data, ttlMs });
    this.#closing.assertOpen("store");
    if (data.byteLength > MAX_DATA_BYTES) throw overLimit(data.byteLength);
    // Copied before the first await: the caller may reuse their array as soon as we return.
    const binary = toBinary(data);
    await this.#run("store", async (signal) => {
      const options: UpdateOptions & Abortable = { upsert: true, signal };
      const result = await this.#collection.updateOne(idFilter(id), storeUpdate(binary, ttl), options);
      requireAcknowledged(result.acknowledged);
    });
  }

  async remove(id: string): Promise<boolean> {
    checkArguments({ id });
    this.#closing.assertOpen("remove");
    return this.#run("remove", async (signal) => {
      const options: FindOneAndDeleteOptions & Abortable = { projection: REMOVE_PROJECTION, signal };
      // Driver 6+ resolves the deleted document itself, or null (no `{ value }` wrapper),
      // shaped by the projection: only `live`.
      const deleted = (await this.#collection.findOneAndDelete(idFilter(id), options)) as { live?: unknown } | null;
      return deleted?.live === true;
    });
  }

  async touch(id: string, ttlMs: number): Promise<boolean> {
    const ttl = checkArguments({ id, ttlMs });
    this.#closing.assertOpen("touch");
    return this.#run("touch", async (signal) => {
      const options: UpdateOptions & Abortable = { signal };
      const result = await this.#collection.updateOne(liveFilter(id), touchUpdate(ttl), options);
      requireAcknowledged(result.acknowledged);
      return result.matchedCount === 1;
    });
  }

  /** Stops the sweeper and closes the client if the store opened it. Idempotent. */
  close(): Promise<void> {
    return this.#closing.close(() => this.#shutdown());
  }

  async #shutdown(): Promise<void> {
    await this.#sweeper?.stop();
    try {
      await this.#ownClient?.close();
    } catch (error) {
      throw SessionStoreError.from(error, BACKEND, "close");
    }
  }

  /** Batches of `sweepBatchSize` until one finds fewer; each batch is bounded by `timeoutMs`. */
  async #sweep(): Promise<number> {
    this.#closing.assertOpen("sweep");
    const batchSize = this.#options.sweepBatchSize ?? 1;
    const now = await this.#run("sweep", (signal) => serverTime(this.#db, signal));
    let deleted = 0;
    for (;;) {
      const batch = await this.#run("sweep", (signal) => deleteExpiredBatch(this.#collection, now, batchSize, signal));
      deleted += batch.deleted;
      if (batch.found < batchSize || this.#closing.closed) return deleted;
    }
  }

  /**
   * Runs one command under core's deadline. When the deadline passes, the signal
   * aborts the driver's call too (server selection, pool wait or socket read), so
   * an abandoned call ends instead of lingering; driver 7's `timeoutMS` option does
   * nothing (deprecated, ignored), so it cannot do this job.
   */
  #run<T>(operation: Operation, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    return runOperation(this.#contexts[operation], async () => {
      // Never (re)open a client once closing: a store-owned one would leak.
      this.#closing.assertOpen("connect");
      if (!this.#connection.ready) await this.#connection.get();
      if (this.#index?.ready === false) await this.#index.get();
      return work(controller.signal);
    }).catch((error: unknown) => {
      controller.abort(error);
      throw error;
    });
  }
}

/** The database, and the client when the store opened it itself. */
function openDatabase(source: DatabaseSource, timeoutMs: number): { db: Db; ownClient: MongoClient | undefined } {
  switch (source.kind) {
    case "db":
      return { db: source.db, ownClient: undefined };
    case "client":
      return { db: source.client.db(source.database), ownClient: undefined };
    case "url": {
      const client = openClient(source.url, {
        // A down server fails the call within the store's bound, with the driver's reason.
        serverSelectionTimeoutMS: timeoutMs,
        connectTimeoutMS: timeoutMs,
        ...source.clientOptions,
      });
      return { db: client.db(source.database), ownClient: client };
    }
  }
}

function openClient(url: string, options: ConstructorParameters<typeof MongoClient>[1]): MongoClient {
  try {
    // Connects lazily, on the first command.
    return new MongoClient(url, options);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new RangeError(`url is not a usable MongoDB connection string: ${redact(message)}`, { cause: error });
  }
}

function overLimit(bytes: number): SessionStoreError {
  return new SessionStoreError(
    `cannot store ${bytes} bytes of data: the limit is ${MAX_DATA_BYTES} bytes, what MongoDB's 16 MiB ` +
      `(${MAX_DOCUMENT_BYTES} bytes) document limit leaves for session data; nothing was written`,
    { backend: BACKEND, operation: "store" },
  );
}

/** A write with `w: 0` resolves before the server has done anything; the store cannot vouch for it. */
function requireAcknowledged(acknowledged: boolean): void {
  if (!acknowledged) {
    throw new Error("the write was not acknowledged (write concern w: 0), so its outcome is unknown; use w: 1 or more");
  }
}
