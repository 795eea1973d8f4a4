import { setImmediate as nextTurn } from "node:timers/promises";
import type { Operation, SessionStore, Sweeper } from "@session-store/core";
import { SessionStoreError } from "@session-store/core";
import { checkArguments, CloseOnce, optionalSweeper } from "@session-store/core/adapter";
import type { Database, ResolvedSqliteStoreOptions, SqliteStoreOptions } from "./options.js";
import { OWNED_DATABASE_PRAGMAS, resolveSqliteStoreOptions } from "./options.js";
import { openBetterSqlite3 } from "./drivers/better-sqlite3.js";
import type { SqliteStatement } from "./drivers/driver.js";
import { schemaSql } from "./schema.js";
import { statementsFor } from "./statements.js";

const BACKEND = "sqlite";

/** The store's statements (see statements.ts), prepared on its database. */
interface Prepared {
  readonly load: SqliteStatement;
  readonly store: SqliteStatement;
  readonly remove: SqliteStatement;
  readonly touch: SqliteStatement;
  readonly sweep: SqliteStatement;
}

/** One row of `load` / `remove` (see statements.ts). */
interface DataRow { readonly data: Uint8Array }
interface ExpiryRow { readonly expires_at: number | bigint }

/**
 * Sessions in one SQLite table through better-sqlite3. Expiry is epoch ms from this
 * process's clock (`Date.now()`); every read filters on it, and `sweep()` deletes
 * expired rows in bounded batches. Give it a file `path` (the store opens the
 * database in WAL mode with a busy timeout and closes it on `close()`) or your own
 * `database` (used as it is, left open).
 *
 * better-sqlite3 is synchronous: each call runs one short statement before its
 * promise settles. Waiting on another process's lock is bounded by the busy timeout.
 */
export class SqliteStore implements SessionStore {
  readonly #options: ResolvedSqliteStoreOptions;
  #db: Database | undefined;
  #statements: Prepared | undefined;
  readonly #sweeper: Sweeper | undefined;
  /** Sweeps in progress, which `close()` waits for. */
  readonly #sweeps = new Set<Promise<number>>();
  readonly #closing = new CloseOnce(BACKEND);

  constructor(options: SqliteStoreOptions) {
    this.#options = resolveSqliteStoreOptions(options);
    this.#db = this.#options.database;
    this.#sweeper = optionalSweeper(this, this.#options.sweepIntervalMs);
  }

  async load(id: string): Promise<Uint8Array | undefined> {
    checkArguments({ id });
    const statements = this.#ready("load");
    try {
      const row = statements.load.get(id, Date.now()) as DataRow | undefined;
      return row?.data;
    } catch (error) {
      throw SessionStoreError.from(error, BACKEND, "load");
    }
  }

  async store(id: string, data: Uint8Array, ttlMs: number): Promise<void> {
    const ttl = checkArguments({ id, data, ttlMs });
    const statements = this.#ready("store");
    try {
      // SQLite copies the bound bytes before run() returns.
      statements.store.run(id, data, Date.now() + ttl);
    } catch (error) {
      throw SessionStoreError.from(error, BACKEND, "store");
    }
  }

  async remove(id: string): Promise<boolean> {
    checkArguments({ id });
    const statements = this.#ready("remove");
    try {
      // all(), not get(): get() stops at the returned row, before the statement ends and
      // commits, so a failed commit (SQLITE_FULL) would go unseen and the row stay.
      const [row] = statements.remove.all(id) as ExpiryRow[];
      return row !== undefined && Number(row.expires_at) > Date.now();
    } catch (error) {
      throw SessionStoreError.from(error, BACKEND, "remove");
    }
  }

  async touch(id: string, ttlMs: number): Promise<boolean> {
    const ttl = checkArguments({ id, ttlMs });
    const statements = this.#ready("touch");
    try {
      const now = Date.now();
      return Number(statements.touch.run(now + ttl, id, now).changes) > 0;
    } catch (error) {
      throw SessionStoreError.from(error, BACKEND, "touch");
    }
  }

  /**
   * Deletes the rows expired by now, `sweepBatchSize` at a time, yielding to the
   * event loop between batches; resolves how many it deleted. Safe to run from
   * several processes at once. `close()` ends a sweep in progress after its batch.
   */
  async sweep(): Promise<number> {
    const { sweep } = this.#ready("sweep");
    const running = this.#sweepInBatches(sweep);
    this.#sweeps.add(running);
    try {
      return await running;
    } finally {
      this.#sweeps.delete(running);
    }
  }

  /** Stops the sweeper, waits for a sweep in progress, and closes the database if the store opened it. */
  close(): Promise<void> {
    return this.#closing.close(() => this.#shutdown());
  }

  async #sweepInBatches(sweep: Prepared["sweep"]): Promise<number> {
    const batchSize = this.#options.sweepBatchSize;
    const now = Date.now();
    let deleted = 0;
    try {
      for (;;) {
        const changes = Number(sweep.run(now, batchSize).changes);
        deleted += changes;
        if (changes < batchSize || this.#closing.closed) return deleted;
        await nextTurn();
      }
    } catch (error) {
      throw SessionStoreError.from(error, BACKEND, "sweep");
    }
  }

  async #shutdown(): Promise<void> {
    await this.#sweeper?.stop();
    await Promise.allSettled(this.#sweeps);
    this.#statements = undefined;
    if (this.#options.path !== undefined) this.#db?.close();
    this.#db = undefined;
  }

  /** The prepared statements, opening and setting up the database on first use. */
  #ready(operation: Operation): Prepared {
    this.#closing.assertOpen(operation);
    return this.#statements ?? this.#setUp();
  }

  /** Runs once, or again on the next call after a failure (e.g. the table was missing). */
  #setUp(): Prepared {
    const { table, createTable } = this.#options;
    try {
      const db = (this.#db ??= this.#open());
      if (createTable) db.exec(schemaSql(table));
      this.#statements = prepare(db, table);
      return this.#statements;
    } catch (error) {
      if (!createTable && /no such table/i.test(String((error as Error | null)?.message))) {
        throw new SessionStoreError(
          `table "${table}" does not exist and createTable is false: create it with the DDL from schemaSql("${table}")`,
          { backend: BACKEND, operation: "setup", cause: error },
        );
      }
      throw SessionStoreError.from(error, BACKEND, "setup");
    }
  }

  /** Opens the store-owned database with its pragmas (see OWNED_DATABASE_PRAGMAS). */
  #open(): Database {
    const { path, busyTimeoutMs } = this.#options;
    // Only reached without a caller's database, so `path` is set (see resolveSqliteStoreOptions).
    return openBetterSqlite3(String(path), busyTimeoutMs, OWNED_DATABASE_PRAGMAS);
  }
}

/** Prepares the store's statements over `table` on `db`; rows come back as objects (node:sqlite has no pluck). */
function prepare(db: Database, table: string): Prepared {
  const sql = statementsFor(table);
  return {
    load: db.prepare(sql.load),
    store: db.prepare(sql.store),
    remove: db.prepare(sql.remove),
    touch: db.prepare(sql.touch),
    sweep: db.prepare(sql.sweep),
  };
}
