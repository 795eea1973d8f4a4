import { setImmediate as nextTurn } from "node:timers/promises";
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
import { SessionStoreError } from "@session-store/core";
import {
  checkArguments,
  checkEntriesOptions,
  checkOwner,
  checkRemoveSessionsOf,
  checkStoreOptions,
  CloseOnce,
  optionalSweeper,
} from "@session-store/core/adapter";
import type { Database, ResolvedSqliteStoreOptions, SqliteStoreOptions } from "./options.js";
import { OWNED_DATABASE_PRAGMAS, resolveSqliteStoreOptions } from "./options.js";
import { openBetterSqlite3 } from "./drivers/better-sqlite3.js";
import { openBunSqlite } from "./drivers/bun-sqlite.js";
import type { SqliteStatement } from "./drivers/driver.js";
import { ensureSchema } from "./ensure-schema.js";
import type { Statements } from "./statements.js";
import { statementsFor } from "./statements.js";
import { immediateTransaction } from "./transaction.js";

const BACKEND = "sqlite";

/** The store's statements (see statements.ts), prepared on its database. */
type Prepared = { readonly [name in keyof Statements]: SqliteStatement };

/** Rows of the statements (see statements.ts); node:sqlite and bun:sqlite return null or undefined for none. */
interface DataRow { readonly data: Uint8Array }
interface ExpiryRow { readonly expires_at: number | bigint }
interface EntryRow extends DataRow, ExpiryRow { readonly owner: string | null }
interface ListedRow extends EntryRow { readonly id: string }
interface OwnedRow extends ExpiryRow { readonly id: string }

/**
 * Sessions in one SQLite table through better-sqlite3, node:sqlite or bun:sqlite.
 * Expiry is epoch ms from this process's clock (`Date.now()`); every read filters on
 * it, and `sweep()` deletes expired rows in bounded batches. Give it a file `path`
 * (the store opens the database in WAL mode with a busy timeout and closes it on
 * `close()`) or your own `database` (used as it is, left open).
 *
 * A revocation lives in the session's own row (`revoked` set, data emptied), so the
 * upsert of `store` sees it in the same statement that would write.
 *
 * The drivers are synchronous: each call runs its short statements before its
 * promise settles. Waiting on another process's lock is bounded by the busy timeout.
 */
export class SqliteStore implements ManagedSessionStore {
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
      const row = statements.load.get(id, Date.now()) as DataRow | null | undefined;
      return row?.data;
    } catch (error) {
      throw SessionStoreError.from(error, BACKEND, "load", id);
    }
  }

  async entry(id: string): Promise<SessionEntry | undefined> {
    checkArguments({ id });
    const statements = this.#ready("entry");
    try {
      const row = statements.entry.get(id, Date.now()) as EntryRow | null | undefined;
      return row ? toEntry(row) : undefined;
    } catch (error) {
      throw SessionStoreError.from(error, BACKEND, "entry", id);
    }
  }

  async store(id: string, data: Uint8Array, ttlMs: number, options?: StoreOptions): Promise<boolean> {
    const ttl = checkArguments({ id, data, ttlMs });
    const owner = checkStoreOptions(options);
    const statements = this.#ready("store");
    try {
      // SQLite copies the bound bytes before run() returns; changes is 0 when a live revocation refused the write.
      const now = Date.now();
      return Number(statements.store.run(id, data, now + ttl, owner ?? null, now).changes) > 0;
    } catch (error) {
      throw SessionStoreError.from(error, BACKEND, "store", id);
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
      throw SessionStoreError.from(error, BACKEND, "remove", id);
    }
  }

  async touch(id: string, ttlMs: number): Promise<boolean> {
    const ttl = checkArguments({ id, ttlMs });
    const statements = this.#ready("touch");
    try {
      const now = Date.now();
      return Number(statements.touch.run(now + ttl, id, now).changes) > 0;
    } catch (error) {
      throw SessionStoreError.from(error, BACKEND, "touch", id);
    }
  }

  /**
   * Turns the row into a revocation lasting until the later of the session's own expiry
   * and now + `revocationGraceMs`. The read of what was there and the write share one
   * immediate transaction, so the answer is about the row the write replaced.
   */
  async revoke(id: string): Promise<boolean> {
    checkArguments({ id });
    const statements = this.#ready("revoke");
    try {
      const now = Date.now();
      return immediateTransaction(this.#database(), () => {
        const live = statements.isLive.get(id, now) != null;
        statements.revoke.run(id, now + this.#options.revocationGraceMs);
        return live;
      });
    } catch (error) {
      throw SessionStoreError.from(error, BACKEND, "revoke", id);
    }
  }

  /** The owner's live sessions, read through the partial index on owner: O(that owner's rows). */
  async sessionsOf(owner: string): Promise<OwnedSession[]> {
    checkOwner(owner);
    const statements = this.#ready("sessionsOf");
    try {
      const rows = statements.sessionsOf.all(owner, Date.now()) as OwnedRow[];
      return rows.map((row) => ({ id: row.id, expiresAt: Number(row.expires_at) }));
    } catch (error) {
      throw SessionStoreError.from(error, BACKEND, "sessionsOf", owner);
    }
  }

  /** Revokes the owner's live sessions (but `except`) in one UPDATE through the owner index; resolves how many. */
  async removeSessionsOf(owner: string, options?: RemoveSessionsOfOptions): Promise<number> {
    const checked = checkRemoveSessionsOf(owner, options);
    const statements = this.#ready("removeSessionsOf");
    try {
      const now = Date.now();
      const end = now + this.#options.revocationGraceMs;
      return Number(statements.removeSessionsOf.run(end, checked.owner, now, checked.except ?? null).changes);
    } catch (error) {
      throw SessionStoreError.from(error, BACKEND, "removeSessionsOf", owner);
    }
  }

  /**
   * Every live session, in id order, `batchSize` rows per statement: each batch starts
   * after the last id of the one before (keyset pagination on the primary key), so a
   * session live for the whole iteration is yielded exactly once, and about one batch
   * is held at a time. Invalid options reject on the first `next()`.
   */
  async *entries(options?: EntriesOptions): AsyncGenerator<ListedEntry> {
    const batchSize = checkEntriesOptions(options);
    // Every id is non-empty, so all of them sort after "".
    let after = "";
    for (;;) {
      const rows = this.#entriesAfter(after, batchSize);
      for (const row of rows) yield { id: row.id, ...toEntry(row) };
      const last = rows[rows.length - 1];
      if (last === undefined || rows.length < batchSize) return;
      after = last.id;
    }
  }

  /** How many live sessions the table holds: a range of the expiry index, O(live rows). */
  async count(): Promise<number> {
    const statements = this.#ready("count");
    try {
      const row = statements.count.get(Date.now()) as { n: number | bigint };
      return Number(row.n);
    } catch (error) {
      throw SessionStoreError.from(error, BACKEND, "count");
    }
  }

  /**
   * Deletes every session (expired ones too, revocations stay), `sweepBatchSize` rows per
   * statement, yielding to the event loop between them; resolves how many were live.
   */
  async clear(): Promise<number> {
    const { clear } = this.#ready("clear");
    const batchSize = this.#options.sweepBatchSize;
    const now = Date.now();
    let removed = 0;
    try {
      for (;;) {
        // all(): the statement runs to its end and commits before the rows count.
        const rows = clear.all(batchSize) as ExpiryRow[];
        removed += rows.filter((row) => Number(row.expires_at) > now).length;
        if (rows.length < batchSize || this.#closing.closed) return removed;
        await nextTurn();
      }
    } catch (error) {
      throw SessionStoreError.from(error, BACKEND, "clear");
    }
  }

  /**
   * Deletes the rows expired by now (sessions and ended revocations), `sweepBatchSize`
   * at a time, yielding to the event loop between batches; resolves how many it
   * deleted. Safe to run from several processes at once. `close()` ends a sweep in
   * progress after its batch.
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

  /** Runs `SELECT 1` on the database, opening and setting it up on first use. */
  async ping(): Promise<void> {
    this.#ready("ping");
    try {
      this.#database().prepare("SELECT 1").get();
    } catch (error) {
      throw SessionStoreError.from(error, BACKEND, "ping");
    }
  }

  /** Stops the sweeper, waits for a sweep in progress, and closes the database if the store opened it. */
  close(): Promise<void> {
    return this.#closing.close(() => this.#shutdown());
  }

  #entriesAfter(after: string, batchSize: number): ListedRow[] {
    const statements = this.#ready("entries");
    try {
      return statements.entries.all(after, Date.now(), batchSize) as ListedRow[];
    } catch (error) {
      throw SessionStoreError.from(error, BACKEND, "entries");
    }
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

  /** The open database; only called after `#ready`, which opened it. */
  #database(): Database {
    return this.#db as Database;
  }

  /** Runs once, or again on the next call after a failure (e.g. the table was missing). */
  #setUp(): Prepared {
    const { table, createTable } = this.#options;
    try {
      const db = (this.#db ??= this.#open());
      if (createTable) ensureSchema(db, table);
      this.#statements = prepare(db, table);
      return this.#statements;
    } catch (error) {
      throw setUpError(error, table, createTable);
    }
  }

  /** Opens the store-owned database with its pragmas (see OWNED_DATABASE_PRAGMAS). */
  #open(): Database {
    const { path, busyTimeoutMs } = this.#options;
    // Only reached without a caller's database, so `path` is set (see resolveSqliteStoreOptions).
    const open = process.versions.bun === undefined ? openBetterSqlite3 : openBunSqlite;
    return open(String(path), busyTimeoutMs, OWNED_DATABASE_PRAGMAS);
  }
}

/** A row's entry: the owner property only when there is one. */
function toEntry(row: EntryRow): SessionEntry {
  const entry = { data: row.data, expiresAt: Number(row.expires_at) };
  return row.owner == null ? entry : { ...entry, owner: row.owner };
}

/** Prepares the store's statements over `table` on `db`; rows come back as objects (node:sqlite has no pluck). */
function prepare(db: Database, table: string): Prepared {
  const sql = statementsFor(table);
  const prepared = Object.fromEntries(Object.entries(sql).map(([name, text]) => [name, db.prepare(text)]));
  return prepared as Prepared;
}

/** The setup failure, saying what to run when the operator manages the table (`createTable: false`). */
function setUpError(error: unknown, table: string, createTable: boolean): SessionStoreError {
  const message = String((error as Error | null)?.message);
  if (!createTable && /no such table/i.test(message)) {
    return new SessionStoreError(
      `table "${table}" does not exist and createTable is false: create it with the DDL from schemaSql("${table}")`,
      { backend: BACKEND, operation: "setup", cause: error },
    );
  }
  if (!createTable && /no such column/i.test(message)) {
    return new SessionStoreError(
      `table "${table}" lacks the owner and revoked columns and createTable is false: run upgradeSql("${table}") on it`,
      { backend: BACKEND, operation: "setup", cause: error },
    );
  }
  return SessionStoreError.from(error, BACKEND, "setup");
}
