import { checkArguments, CloseOnce, LazyResource, operationContexts, optionalSweeper, OrderedById, runOperation } from "@session-store/core/adapter";
import type { Operation, SweepableStore, Sweeper } from "@session-store/core";
import type { OperationContext } from "@session-store/core/adapter";
import pg from "pg";
import { ownedPoolConfig, resolvePostgresStoreOptions } from "./options.js";
import type { PostgresStoreOptions, ResolvedPostgresStoreOptions } from "./options.js";
import { ENCODING_CHECK_SQL } from "./encoding.js";
import { lockedSchemaSql } from "./schema.js";
import { statementsFor } from "./statements.js";
import { sweepExpired } from "./sweep.js";
import type { Statement, Statements } from "./statements.js";

const BACKEND = "postgres";

/** What `pg` accepts beyond its typings: a per-query client-side timeout. */
interface TimedQuery extends pg.QueryArrayConfig {
  readonly query_timeout?: number;
}

/**
 * Sessions in a PostgreSQL table: one row per id, expiry as a timestamptz written
 * and compared with the database's clock. Expired rows stay until `sweep()`, which
 * deletes them in bounded batches; `load` never returns them.
 */
export class PostgresStore implements SweepableStore {
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

  async store(id: string, data: Uint8Array, ttlMs: number): Promise<void> {
    const ttl = checkArguments({ id, data, ttlMs });
    // A copy taken now: the query may wait for a connection while the caller reuses its array.
    const bytes = Buffer.from(data);
    await this.#run("store", this.#statements.store, [id, bytes, ttl], id);
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

  /** Stops the sweeper, lets calls in flight settle, and ends the pool if the store opened it. */
  close(): Promise<void> {
    return this.#closing.close(() => this.#shutdown());
  }

  async #shutdown(): Promise<void> {
    await this.#sweeper?.stop();
    if (this.#inFlight > 0) await new Promise<void>((resolve) => (this.#drained = resolve));
    if (this.#ownsPool) await this.pool.end();
  }

  /**
   * Runs one statement under the operation's deadline, creating the table first if
   * needed, counted as in flight until it settles so that close() can wait for it.
   * A call on `id` starts once the previous call on that id has settled.
   */
  async #run(operation: Operation, statement: Statement, values: unknown[], id?: string): Promise<pg.QueryArrayResult> {
    this.#closing.assertOpen(operation);
    // pg copies every query config property by property: leave out what the pool already has.
    const query: TimedQuery =
      this.#queryTimeout === undefined
        ? { name: statement.name, text: statement.text, values, rowMode: "array" }
        : { name: statement.name, text: statement.text, values, rowMode: "array", query_timeout: this.#queryTimeout };
    const setup = this.#setup;
    const work = setup.ready ? () => this.pool.query(query) : () => setup.get().then(() => this.pool.query(query));
    this.#inFlight += 1;
    try {
      return await runOperation(this.#contexts[operation], id === undefined ? work : () => this.#ordered.run(id, work));
    } finally {
      this.#inFlight -= 1;
      if (this.#inFlight === 0) this.#drained?.();
    }
  }

  /** The encoding check, then the DDL under its advisory lock (see schema.ts): one message; `#setup` runs it once, again after a failure. */
  #runSetup(): Promise<unknown> {
    const text = this.#options.createSchema ? `${ENCODING_CHECK_SQL}\n${lockedSchemaSql(this.#options)}` : ENCODING_CHECK_SQL;
    return this.pool.query({ text, query_timeout: this.#queryTimeout } as pg.QueryConfig);
  }
}
