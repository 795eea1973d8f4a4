import type { Collection, Db, MongoClient, MongoClientOptions } from "mongodb";
import type {
  EntriesOptions,
  ListedEntry,
  ManagedSessionStore,
  Operation,
  OwnedSession,
  RemoveSessionsOfOptions,
  SessionEntry,
  StoreOptions,
  Sweeper,
} from "@session-store/core";
import type { OperationContext } from "@session-store/core/adapter";
import { SessionStoreError } from "@session-store/core";
import {
  checkArguments,
  checkEntriesOptions,
  checkOwner,
  checkRemoveSessionsOf,
  checkStoreOptions,
  CloseOnce,
  LazyResource,
  operationContexts,
  OrderedById,
  optionalSweeper,
  redact,
  runOperation,
} from "@session-store/core/adapter";
import type { CommandOptions } from "./command-options.js";
import { ABORT_AFTER_DEADLINES, commandOptions } from "./command-options.js";
import type { SessionDocument } from "./document.js";
import { fromBinary, MAX_DATA_BYTES, MAX_DOCUMENT_BYTES, toBinary } from "./document.js";
import { mongoDriver } from "./driver.js";
import { IndexSetup } from "./index-setup.js";
import type { DatabaseSource, MongoStoreOptions, ResolvedMongoStoreOptions } from "./options.js";
import { resolveMongoStoreOptions } from "./options.js";
import {
  ALL_SESSIONS_FILTER,
  allLiveFilter,
  ENTRY_PROJECTION,
  idFilter,
  LISTED_PROJECTION,
  LOAD_PROJECTION,
  liveFilter,
  OWNED_PROJECTION,
  ownerFilter,
  revocationFilter,
  revokeUpdate,
  storeUpdate,
  touchUpdate,
} from "./queries.js";
import { Reachability } from "./reachability.js";
import type { ExpiryMode } from "./schema.js";
import { createStoreIndexes } from "./schema.js";
import { deleteExpiredBatch, serverTime } from "./sweep.js";
import { refuseUnacknowledged, requireAcknowledged } from "./write-concern.js";

const BACKEND = "mongo";

/**
 * Sessions in one MongoDB collection, one document per session: `_id` the id,
 * `data` the bytes (BSON binary), `expiresAt` a BSON Date set by the server's clock,
 * `owner` when stored with one. A revocation is the same document turned into a
 * tombstone (`revoked: true`, no data, `expiresAt` its end). A TTL index deletes
 * ended documents (the monitor runs about once a minute) and every read filters on
 * `expiresAt`, so expired data is never returned.
 *
 * Give it your `client` or `db` (used as they are, left open on `close()`) or a
 * `url` (the store opens its own client and closes it). Each call is one command
 * (`revoke`, `clear` and a rare `store` two), read from and written to the primary,
 * bounded by `timeoutMs`; calls on one id run in call order.
 */
export class MongoStore implements ManagedSessionStore {
  /** Only with `sweep: true`: deletes ended documents in bounded batches and resolves how many. */
  declare readonly sweep?: () => Promise<number>;

  readonly #options: ResolvedMongoStoreOptions;
  readonly #contexts: Readonly<Record<Operation, OperationContext>>;
  readonly #db: Db;
  readonly #collection: Collection<SessionDocument>;
  /** The client the store opened from `url`, closed by `close()`; undefined when the caller owns it. */
  readonly #ownClient: MongoClient | undefined;
  readonly #sweeper: Sweeper | undefined;
  /**
   * Connects until it succeeds once. The driver's own connect-on-first-command leaves
   * a client whose first connection failed closed for good ("Topology is closed");
   * calling `connect()` again opens a new topology, so the store recovers when the
   * server comes back. After one success the driver reconnects by itself.
   */
  readonly #connection: LazyResource<unknown>;
  /** The indexes, created in the background after the first connect; undefined with `createIndexes: false`. */
  readonly #indexes: IndexSetup | undefined;
  readonly #reachability: Reachability;
  readonly #closing = new CloseOnce(BACKEND);
  /** Calls on one id run in call order: on a pool, a later call could otherwise overtake on another connection. */
  readonly #ordered = new OrderedById();

  constructor(options: MongoStoreOptions) {
    // A missing driver fails here, with the install command, not at the first call.
    mongoDriver();
    this.#options = resolveMongoStoreOptions(options);
    this.#contexts = operationContexts(BACKEND, this.#options.timeoutMs);
    const { db, ownClient } = openDatabase(this.#options.source, this.#options.timeoutMs);
    this.#db = db;
    this.#ownClient = ownClient;
    this.#collection = db.collection<SessionDocument>(this.#options.collection);
    refuseUnacknowledged(this.#collection);
    this.#reachability = Reachability.of(db.client);
    const mode: ExpiryMode = this.#options.sweepBatchSize === undefined ? "ttl" : "sweep";
    this.#connection = new LazyResource(() => db.client.connect());
    this.#indexes = this.#options.createIndexes
      ? new IndexSetup(
          () => createStoreIndexes(this.#collection, mode),
          (error) => {
            // A build cut short by close() is no news.
            if (!this.#closing.closed) process.emitWarning(error.message, { code: "SESSION_STORE_MONGO_SETUP" });
          },
        )
      : undefined;
    if (mode === "sweep") this.sweep = () => this.#sweep();
    this.#sweeper = optionalSweeper({ sweep: () => this.#sweep() }, this.#options.sweepIntervalMs);
  }

  /**
   * Creates the indexes now (calls never wait for them) and resolves once they exist,
   * or rejects with the reason (operation "setup"), within `timeoutMs`; a build that
   * takes longer goes on and a later `setup()` joins it. Call it at startup to fail
   * fast on a conflicting index. With `createIndexes: false` it does nothing.
   */
  async setup(): Promise<void> {
    this.#closing.assertOpen("setup");
    const indexes = this.#indexes;
    if (indexes === undefined) return;
    await this.#run("setup", () => indexes.run());
  }

  async load(id: string): Promise<Uint8Array | undefined> {
    checkArguments({ id });
    this.#closing.assertOpen("load");
    return this.#run(
      "load",
      async (options) => {
        const found = await this.#collection.findOne<{ data: unknown }>(liveFilter(id), { ...options, projection: LOAD_PROJECTION });
        return found === null ? undefined : fromBinary(found.data);
      },
      { id },
    );
  }

  async store(id: string, data: Uint8Array, ttlMs: number, storeOptions?: StoreOptions): Promise<boolean> {
    const ttl = checkArguments({ id, data, ttlMs });
    const owner = checkStoreOptions(storeOptions);
    this.#closing.assertOpen("store");
    if (data.byteLength > MAX_DATA_BYTES) throw overLimit(data.byteLength);
    // Copied before the first await: the caller may reuse their array as soon as we return.
    const binary = toBinary(data);
    return this.#run(
      "store",
      async (options) => {
        const update = storeUpdate(binary, ttl, owner);
        const result = await this.#collection.updateOne(idFilter(id), update, { ...options, upsert: true });
        requireAcknowledged(result.acknowledged);
        if (result.upsertedCount === 1 || result.modifiedCount === 1) return true;
        // Matched and unchanged (the server applies the pipeline's result as a
        // replacement, a no-op when byte-equal): a live revocation the pipeline left in
        // place, or the same bytes, expiry and owner written again within one millisecond.
        const revoked = await this.#collection.findOne(revocationFilter(id), { ...options, projection: { _id: 1 } });
        return revoked === null;
      },
      { id },
    );
  }

  /**
   * One `deleteOne` of the live session, so the answer is the server's count, which
   * a retried write rebuilds from the oplog (a `findOneAndDelete` retry would return
   * the pre-image without the computed projection). An expired document is left for
   * the TTL index or `sweep`; no read sees it.
   */
  async remove(id: string): Promise<boolean> {
    checkArguments({ id });
    this.#closing.assertOpen("remove");
    return this.#run(
      "remove",
      async (options) => {
        const result = await this.#collection.deleteOne(liveFilter(id), options);
        requireAcknowledged(result.acknowledged);
        return result.deletedCount === 1;
      },
      { id },
    );
  }

  async touch(id: string, ttlMs: number): Promise<boolean> {
    const ttl = checkArguments({ id, ttlMs });
    this.#closing.assertOpen("touch");
    return this.#run(
      "touch",
      async (options) => {
        const result = await this.#collection.updateOne(liveFilter(id), touchUpdate(ttl), options);
        requireAcknowledged(result.acknowledged);
        return result.matchedCount === 1;
      },
      { id },
    );
  }

  async entry(id: string): Promise<SessionEntry | undefined> {
    checkArguments({ id });
    this.#closing.assertOpen("entry");
    return this.#run(
      "entry",
      async (options) => {
        const found = await this.#collection.findOne<FoundSession>(liveFilter(id), { ...options, projection: ENTRY_PROJECTION });
        return found === null ? undefined : toEntry(found);
      },
      { id },
    );
  }

  /**
   * A live session becomes a revocation in one update (its count says it was live);
   * otherwise an upsert leaves one (or keeps the later end of an earlier one). A
   * session stored between the two is revoked too, and reported as `false`.
   */
  async revoke(id: string): Promise<boolean> {
    checkArguments({ id });
    this.#closing.assertOpen("revoke");
    const update = revokeUpdate(this.#options.revocationGraceMs);
    return this.#run(
      "revoke",
      async (options) => {
        const live = await this.#collection.updateOne(liveFilter(id), update, options);
        requireAcknowledged(live.acknowledged);
        if (live.matchedCount === 1) return true;
        await this.#collection.updateOne(idFilter(id), update, { ...options, upsert: true });
        return false;
      },
      { id },
    );
  }

  /** One query on the partial `owner` index. */
  async sessionsOf(owner: string): Promise<OwnedSession[]> {
    checkOwner(owner);
    this.#closing.assertOpen("sessionsOf");
    return this.#run(
      "sessionsOf",
      async (options) => {
        const found = await this.#collection
          .find<{ _id: string; expiresAt: Date }>(ownerFilter(owner), { ...options, projection: OWNED_PROJECTION })
          .toArray();
        return found.map((document) => ({ id: document._id, expiresAt: document.expiresAt.getTime() }));
      },
      { owner },
    );
  }

  /** One `updateMany` on the partial `owner` index that turns each live session into a revocation. */
  async removeSessionsOf(owner: string, removeOptions?: RemoveSessionsOfOptions): Promise<number> {
    const checked = checkRemoveSessionsOf(owner, removeOptions);
    this.#closing.assertOpen("removeSessionsOf");
    const update = revokeUpdate(this.#options.revocationGraceMs);
    return this.#run(
      "removeSessionsOf",
      async (options) => {
        const result = await this.#collection.updateMany(ownerFilter(checked.owner, checked.except), update, options);
        requireAcknowledged(result.acknowledged);
        return result.modifiedCount;
      },
      { owner: checked.owner },
    );
  }

  /**
   * Keyset pagination on `_id`: each batch is one query, `_id` greater than the last
   * one seen, sorted by `_id`, limited to `batchSize`, under its own deadline. Only
   * that batch is held; a session live for the whole iteration is yielded once.
   */
  async *entries(entriesOptions?: EntriesOptions): AsyncGenerator<ListedEntry, void, undefined> {
    const batchSize = checkEntriesOptions(entriesOptions);
    this.#closing.assertOpen("entries");
    let after: string | undefined;
    for (;;) {
      const batch = await this.#run("entries", (options) =>
        this.#collection
          .find<FoundSession & { _id: string }>(allLiveFilter(after), {
            ...options,
            projection: LISTED_PROJECTION,
            sort: { _id: 1 },
            limit: batchSize,
            batchSize,
          })
          .toArray(),
      );
      for (const document of batch) yield { id: document._id, ...toEntry(document) };
      const last = batch.at(-1);
      if (batch.length < batchSize || last === undefined) return;
      after = last._id;
    }
  }

  /** `countDocuments` of the live sessions: a scan of the collection (an operator tool). */
  async count(): Promise<number> {
    this.#closing.assertOpen("count");
    return this.#run("count", (options) => this.#collection.countDocuments(allLiveFilter(), options));
  }

  /** Deletes the live sessions (counted), then the expired ones; revocations stay. */
  async clear(): Promise<number> {
    this.#closing.assertOpen("clear");
    return this.#run("clear", async (options) => {
      const live = await this.#collection.deleteMany(allLiveFilter(), options);
      requireAcknowledged(live.acknowledged);
      await this.#collection.deleteMany(ALL_SESSIONS_FILTER, options);
      return live.deletedCount;
    });
  }

  /** Sends `{ ping: 1 }` to the store's database on the primary. */
  async ping(): Promise<void> {
    this.#closing.assertOpen("ping");
    await this.#run("ping", ({ readPreference, signal }) => this.#db.command({ ping: 1 }, { readPreference, signal }));
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
    const now = await this.#run("sweep", (options) => serverTime(this.#db, options));
    let deleted = 0;
    for (;;) {
      const batch = await this.#run("sweep", (options) => deleteExpiredBatch(this.#collection, now, batchSize, options));
      deleted += batch.deleted;
      if (batch.found < batchSize || this.#closing.closed) return deleted;
    }
  }

  /**
   * Runs one call under core's deadline. The server gets the same deadline as
   * `maxTimeMS` and answers with an error on a pooled connection that stays open; a
   * call still pending `ABORT_AFTER_DEADLINES` deadlines in (a server that answers
   * nothing) is aborted, which closes that connection. The driver 7 `timeoutMS`
   * option is deprecated and does nothing.
   */
  #run<T>(operation: Operation, work: (options: CommandOptions) => Promise<T>, about?: { id: string } | { owner: string }): Promise<T> {
    const { timeoutMs } = this.#options;
    const controller = new AbortController();
    let settled = false;
    const attempt = async (): Promise<T> => {
      try {
        // Never (re)open a client once closing: a store-owned one would leak.
        this.#closing.assertOpen("connect");
        if (!this.#connection.ready) await this.#connection.get();
        this.#indexes?.startIfDue();
        return await work(commandOptions(timeoutMs, controller.signal));
      } finally {
        settled = true;
      }
    };
    const id = about !== undefined && "id" in about ? about.id : undefined;
    const subject = id ?? (about !== undefined && "owner" in about ? about.owner : undefined);
    return runOperation(this.#contexts[operation], id === undefined ? attempt : () => this.#ordered.run(id, attempt), subject).catch(
      (error: SessionStoreError) => {
        if (!settled) setTimeout(() => controller.abort(error), timeoutMs * (ABORT_AFTER_DEADLINES - 1)).unref();
        throw this.#explained(error, operation, !settled);
      },
    );
  }

  /**
   * The error, saying which servers could not be reached and why when that is the
   * reason: a deadline passed (`timedOut`) or the driver gave up on the network while
   * none of the servers it knows answered its last check.
   */
  #explained(error: SessionStoreError, operation: Operation, timedOut: boolean): SessionStoreError {
    const cause = error.cause as Error | undefined;
    if (!timedOut && !UNREACHABLE_ERRORS.has(cause?.name ?? "")) return error;
    const unreachable = this.#reachability.unreachable();
    if (unreachable === undefined) return error;
    const what = timedOut ? `${operation} timed out after ${this.#options.timeoutMs} ms` : `${operation} failed`;
    return new SessionStoreError(`${what}: ${unreachable}`, { backend: BACKEND, operation, cause });
  }
}

/** Driver errors that mean no server could be reached (their class names, which the sanitized cause keeps). */
const UNREACHABLE_ERRORS = new Set(["MongoServerSelectionError", "MongoNetworkError", "MongoNetworkTimeoutError"]);

/** A session document as `entry` and `entries` project it. */
interface FoundSession {
  readonly data: unknown;
  readonly expiresAt: Date;
  readonly owner?: string;
}

function toEntry(found: FoundSession): SessionEntry {
  const entry = { data: fromBinary(found.data), expiresAt: found.expiresAt.getTime() };
  return found.owner === undefined ? entry : { ...entry, owner: found.owner };
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

function openClient(url: string, options: MongoClientOptions): MongoClient {
  try {
    // Connects lazily, on the first command.
    return new (mongoDriver().MongoClient)(url, options);
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
