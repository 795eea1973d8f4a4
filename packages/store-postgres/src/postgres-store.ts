import {
  checkArguments,
  checkEntriesOptions,
  checkOwner,
  checkRemoveSessionsOf,
  checkStoreOptions,
  CloseOnce,
  LazyResource,
  operationContexts,
  optionalSweeper,
  OrderedById,
  runOperation,
} from "@session-store/core/adapter";
import { SessionStoreError } from "@session-store/core";
import type {
  EntriesOptions,
  ListedEntry,
  ManagedSessionStore,
  Operation,
  OwnedSession,
  RemoveSessionsOfOptions,
  SessionEntry,
  StoreOptions,
  SweepableStore,
  Sweeper,
} from "@session-store/core";
import type { OperationContext } from "@session-store/core/adapter";
import pg from "pg";
import { ownedPoolConfig, resolvePostgresStoreOptions } from "./options.js";
import type { PostgresStoreOptions, ResolvedPostgresStoreOptions } from "./options.js";
import { cancelStatement, isReadTimeout } from "./cancel.js";
import { ENCODING_CHECK_SQL } from "./encoding.js";
import { buildOwnerIndex } from "./owner-index.js";
import { lockedSchemaSql, tableStateProblem, tableStateSql } from "./schema.js";
import { statementsFor } from "./statements.js";
import { sweepExpired } from "./sweep.js";
import type { Statement, Statements } from "./statements.js";

const BACKEND = "postgres";
/** Unnamed, so pinging prepares nothing on the server. */
const PING: Statement = { text: "SELECT 1" };

/** How long the DDL (and the owner index build) waits for a table lock at most, in ms. */
const MAX_DDL_LOCK_WAIT_MS = 1000;

/** What `pg` accepts beyond its typings: a per-query client-side timeout. */
interface TimedQuery extends pg.QueryArrayConfig {
  readonly query_timeout?: number;
}

/**
 * Sessions in a PostgreSQL table: one row per id, expiry as a timestamptz written
 * and compared with the database's clock. Expired rows stay until `sweep()`, which
 * deletes them in bounded batches; `load` never returns them. A revocation is the
 * session's own row turned into a tombstone (`revoked`, no data, no owner) until its
 * `expires_at`, so `store`'s check and write are one statement; owners are a nullable
 * column with a partial index.
 */
export class PostgresStore implements SweepableStore, ManagedSessionStore {
  /** The pool every statement runs on: the caller's, or the store's own. */
  readonly pool: pg.Pool;
  readonly #ownsPool: boolean;
  readonly #options: ResolvedPostgresStoreOptions;
  readonly #statements: Statements;
  readonly #sweeper: Sweeper | undefined;
  /** The encoding check and the DDL (unless `createSchema: false`), run once before the first statement. */
  readonly #setup: LazyResource<unknown>;
  readonly #closing = new CloseOnce(BACKEND);
  /** A caller's pool gets pg's client-side reply timeout per query; the store's own has it in its config. */
  readonly #queryTimeout: number | undefined;
  /** The deadline context of each operation, made once rather than per call. */
  readonly #contexts: Readonly<Record<Operation, OperationContext>>;
  /** Calls on one id run in call order: on a pool, a later call could otherwise overtake on another connection. */
  readonly #ordered = new OrderedById();
  #inFlight = 0;
  #drained: (() => void) | undefined;
  /** The owner index's build in the background, if setup found it missing; close() waits for it. */
  #ownerIndexBuild: Promise<unknown> | undefined;

  constructor(options: PostgresStoreOptions) {
    this.#options = resolvePostgresStoreOptions(options);
    this.#statements = statementsFor(this.#options, this.#options.sweepBatchSize);
    const { timeoutMs } = this.#options;
    this.#contexts = operationContexts(BACKEND, timeoutMs);
    if (options.pool) {
      this.pool = options.pool;
      this.#ownsPool = false;
      this.#queryTimeout = this.#options.timeoutMs;
    } else {
      this.pool = new pg.Pool(ownedPoolConfig(options, this.#options.timeoutMs));
      this.#ownsPool = true;
      this.#queryTimeout = undefined;
      // An idle connection the server ends (restart, pg_terminate_backend) makes the pool
      // emit 'error' after dropping the client; unheard, that event would crash the process.
      // The next call simply opens a new connection.
      this.pool.on("error", () => {});
    }
    this.#setup = new LazyResource(() => this.#runSetup());
    this.#sweeper = optionalSweeper(this, this.#options.sweepIntervalMs);
  }

  async load(id: string): Promise<Uint8Array | undefined> {
    checkArguments({ id });
    const { rows } = await this.#run("load", this.#statements.load, [id], id);
    const base64 = rows[0]?.[0] as string | undefined;
    return base64 === undefined ? undefined : Buffer.from(base64, "base64");
  }

  /** Resolves false, writing nothing, while the id is revoked. */
  async store(id: string, data: Uint8Array, ttlMs: number, options?: StoreOptions): Promise<boolean> {
    const ttl = checkArguments({ id, data, ttlMs });
    const owner = checkStoreOptions(options);
    // A copy taken now: the query may wait for a connection while the caller reuses its array.
    const bytes = Buffer.from(data);
    const { rowCount } =
      owner === undefined
        ? await this.#run("store", this.#statements.store, [id, bytes, ttl], id)
        : await this.#run("store", this.#statements.storeOwned, [id, bytes, ttl, owner], id);
    return rowCount === 1;
  }

  async remove(id: string): Promise<boolean> {
    checkArguments({ id });
    const { rows } = await this.#run("remove", this.#statements.remove, [id], id);
    return rows[0]?.[0] === true;
  }

  async touch(id: string, ttlMs: number): Promise<boolean> {
    const ttl = checkArguments({ id, ttlMs });
    const { rowCount } = await this.#run("touch", this.#statements.touch, [id, ttl], id);
    return rowCount === 1;
  }

  async entry(id: string): Promise<SessionEntry | undefined> {
    checkArguments({ id });
    const { rows } = await this.#run("entry", this.#statements.entry, [id], id);
    const row = rows[0] as [string, number, string | null] | undefined;
    if (row === undefined) return undefined;
    const [base64, expiresAt, owner] = row;
    const data = Buffer.from(base64, "base64");
    return owner === null ? { data, expiresAt } : { data, expiresAt, owner };
  }

  async revoke(id: string): Promise<boolean> {
    checkArguments({ id });
    const { rows } = await this.#run("revoke", this.#statements.revoke, [id, this.#options.revocationGraceMs], id);
    return rows[0]?.[0] === true;
  }

  /** Along the owner index: O(sessions of that owner). */
  async sessionsOf(owner: string): Promise<OwnedSession[]> {
    checkOwner(owner);
    const { rows } = await this.#run("sessionsOf", this.#statements.sessionsOf, [owner], undefined, owner);
    return rows.map(([id, expiresAt]) => ({ id: id as string, expiresAt: expiresAt as number }));
  }

  /** One UPDATE along the owner index that turns every live session of the owner (but `except`) into a revocation. */
  async removeSessionsOf(owner: string, options?: RemoveSessionsOfOptions): Promise<number> {
    const { except } = checkRemoveSessionsOf(owner, options);
    const values = [owner, except ?? null, this.#options.revocationGraceMs];
    const { rowCount } = await this.#run("removeSessionsOf", this.#statements.removeSessionsOf, values, undefined, owner);
    return rowCount ?? 0;
  }

  /** Keyset pagination on id: one statement per batch, at most one batch held. Bad options reject on the first `next()`. */
  async *entries(options?: EntriesOptions): AsyncGenerator<ListedEntry, void, undefined> {
    const batchSize = checkEntriesOptions(options);
    let after = "";
    for (;;) {
      const { rows } = await this.#run("entries", this.#statements.entriesBatch, [after, batchSize]);
      for (const row of rows) {
        const [id, base64, expiresAt, owner] = row as [string, string, number, string | null];
        const data = Buffer.from(base64, "base64");
        yield owner === null ? { id, data, expiresAt } : { id, data, expiresAt, owner };
      }
      if (rows.length < batchSize) return;
      after = rows[rows.length - 1]?.[0] as string;
    }
  }

  /** One count(*) over the table: a scan, an operator's tool. */
  async count(): Promise<number> {
    const { rows } = await this.#run("count", this.#statements.count, []);
    return rows[0]?.[0] as number;
  }

  /** Deletes every session (revocations stay) in batches of `sweepBatchSize` along the primary key; resolves how many were live. */
  async clear(): Promise<number> {
    const batchSize = this.#options.sweepBatchSize;
    let after = "";
    let removed = 0;
    for (;;) {
      const { rows } = await this.#run("clear", this.#statements.clearBatch, [after, batchSize]);
      const [inBatch, live, last] = rows[0] as [number, number, string | null];
      removed += live;
      if (inBatch < batchSize || last === null) return removed;
      after = last;
    }
  }

  /**
   * Deletes expired rows in short statements (about `sweepBatchSize` rows each, each
   * bounded by `timeoutMs`) until none are left, and resolves how many it deleted.
   * Rows another process is sweeping are skipped, not waited for. See sweep.ts.
   */
  sweep(): Promise<number> {
    return sweepExpired({
      statements: this.#statements,
      batchSize: this.#options.sweepBatchSize,
      run: (statement, values) => this.#run("sweep", statement, values),
      // A close() in the middle ends the sweep at a statement boundary rather than failing it.
      stopping: () => this.#closing.closed,
    });
  }

  /** Runs `SELECT 1` through the pool (after the table's setup, like every operation). */
  async ping(): Promise<void> {
    await this.#run("ping", PING, []);
  }

  /** Stops the sweeper, lets calls in flight settle, and ends the pool if the store opened it. */
  close(): Promise<void> {
    return this.#closing.close(() => this.#shutdown());
  }

  async #shutdown(): Promise<void> {
    await this.#sweeper?.stop();
    await this.#ownerIndexBuild;
    if (this.#inFlight > 0) await new Promise<void>((resolve) => (this.#drained = resolve));
    if (this.#ownsPool) await this.pool.end();
  }

  /**
   * Runs one statement under the operation's deadline, creating the table first if
   * needed, counted as in flight until it settles so that close() can wait for it.
   * A call on `id` starts once the previous call on that id has settled. The id, or
   * else `subject` (an owner), is cut out of error messages.
   */
  async #run(operation: Operation, statement: Statement, values: unknown[], id?: string, subject?: string): Promise<pg.QueryArrayResult> {
    this.#closing.assertOpen(operation);
    // pg copies every query config property by property: leave out what the pool already has.
    const query: TimedQuery =
      this.#queryTimeout === undefined
        ? { name: statement.name, text: statement.text, values, rowMode: "array" }
        : { name: statement.name, text: statement.text, values, rowMode: "array", query_timeout: this.#queryTimeout };
    const setup = this.#setup;
    const send = this.#ownsPool ? () => this.pool.query(query) : () => this.#queryCancelling<pg.QueryArrayResult>(query);
    const work = setup.ready ? send : () => setup.get().then(send);
    this.#inFlight += 1;
    try {
      return await runOperation(this.#contexts[operation], id === undefined ? work : () => this.#ordered.run(id, work), id ?? subject);
    } finally {
      this.#inFlight -= 1;
      if (this.#inFlight === 0) this.#drained?.();
    }
  }

  /**
   * A query on the caller's pool, which has no server-side statement_timeout of ours:
   * when pg stops waiting for the reply (`query_timeout`, the store's deadline), the
   * statement is cancelled on the server before the client is dropped, so its backend
   * does not live on behind whatever held it up (a lock, a slow plan). The store's own
   * pool has `statement_timeout` = `timeoutMs`, which ends such a statement by itself.
   */
  async #queryCancelling<R>(query: pg.QueryConfig | TimedQuery): Promise<R> {
    const client = await this.pool.connect();
    let failure: unknown;
    try {
      return (await client.query(query as pg.QueryConfig)) as R;
    } catch (error) {
      failure = error;
      if (isReadTimeout(error)) cancelStatement(this.pool, client);
      throw error;
    } finally {
      // As pool.query does: a client whose query failed is dropped, not reused.
      client.release(failure === undefined ? undefined : (failure as Error));
    }
  }

  /**
   * The encoding check, then the DDL under its advisory lock (see schema.ts), or
   * under `createSchema: false` a check that the table is there: one message;
   * `#setup` runs it once, again after a failure. When the owner index is
   * missing or invalid, its build starts in the background (see owner-index.ts).
   */
  async #runSetup(): Promise<unknown> {
    if (!this.#options.createSchema) {
      const results = await this.#setupQuery<pg.QueryResult[]>(`${ENCODING_CHECK_SQL}\n${tableStateSql(this.#options)}`);
      const problem = tableStateProblem(this.#options, results[results.length - 1]?.rows[0]);
      // A plain Error: the call wraps it as its own SessionStoreError, and the next call checks again.
      if (problem !== undefined) throw new Error(problem);
      return results;
    }
    const lockWaitMs = Math.min(MAX_DDL_LOCK_WAIT_MS, this.#options.timeoutMs);
    const results = await this.#setupQuery<pg.QueryResult[]>(`${ENCODING_CHECK_SQL}\n${lockedSchemaSql(this.#options, lockWaitMs)}`);
    const indexValid = results[results.length - 1]?.rows[0]?.owner_index_valid === true;
    if (!indexValid) this.#ownerIndexBuild ??= this.#buildOwnerIndex(lockWaitMs);
    return results;
  }

  /** One simple-protocol message (several statements, one transaction): an array of results when it has several. */
  #setupQuery<R>(text: string): Promise<R> {
    const query = { text, query_timeout: this.#queryTimeout } as pg.QueryConfig;
    return this.#ownsPool ? (this.pool.query(query) as Promise<R>) : this.#queryCancelling<R>(query);
  }

  /** A failed build is a process warning, not a failed call: until the index is there, `sessionsOf` scans. */
  #buildOwnerIndex(lockTimeoutMs: number): Promise<unknown> {
    return buildOwnerIndex({ pool: this.pool, name: this.#options, lockTimeoutMs }).catch((error: unknown) => {
      const message = SessionStoreError.from(error, BACKEND, "setup").message;
      process.emitWarning(`session-store could not build the owner index: ${message}`, "SessionStoreWarning");
    });
  }
}
