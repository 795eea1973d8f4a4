import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import BetterSqlite3 from "better-sqlite3";
import { SessionStoreError } from "@session-store/core";
import { HOUR } from "@session-store/harness";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_SWEEP_INTERVAL_MS, schemaSql, SqliteStore } from "../src/index.js";
import type { SqliteStoreOptions } from "../src/index.js";

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL("..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "session-store-sqlite-"));
const bytes = (label: string) => new TextEncoder().encode(label);
let fileCount = 0;
const newPath = () => join(dir, `db-${++fileCount}.sqlite`);

/** Our own connections to the test files, closed after each test. */
const connections: BetterSqlite3.Database[] = [];
function connect(path: string): BetterSqlite3.Database {
  const db = new BetterSqlite3(path, { timeout: 5_000 });
  connections.push(db);
  return db;
}

/** Rows that expired a second ago, written directly so no test waits for a clock. */
function insertExpired(db: BetterSqlite3.Database, table: string, count: number): void {
  const insert = db.prepare(`INSERT INTO "${table}" (id, data, expires_at) VALUES (?, ?, ?)`);
  const expiredAt = Date.now() - 1_000;
  db.transaction(() => {
    for (let i = 0; i < count; i++) insert.run(`expired-${i}`, Buffer.from("x"), expiredAt);
  })();
}

const countRows = (db: BetterSqlite3.Database, table = "sessions") =>
  db.prepare(`SELECT count(*) FROM "${table}"`).pluck().get() as number;

afterEach(() => {
  vi.restoreAllMocks();
  for (const db of connections.splice(0)) db.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("database ownership", () => {
  it("opens a file in WAL mode and closes it on close()", async () => {
    const path = newPath();
    const store = new SqliteStore({ path });
    await store.store("a", bytes("a"), HOUR);
    expect(existsSync(`${path}-wal`)).toBe(true);
    await store.close();
    // The last connection to close checkpoints and removes the WAL file.
    expect(existsSync(`${path}-wal`)).toBe(false);
    const db = connect(path);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(countRows(db)).toBe(1);
  });

  it("leaves a caller's database open after close()", async () => {
    const db = connect(":memory:");
    const store = new SqliteStore({ database: db });
    await store.store("a", bytes("a"), HOUR);
    await store.close();
    expect(db.open).toBe(true);
    expect(countRows(db)).toBe(1);
    await expect(store.load("a")).rejects.toThrow(/closed/);
  });

  it("does not touch the file before the first operation", async () => {
    const path = newPath();
    const store = new SqliteStore({ path });
    expect(existsSync(path)).toBe(false);
    await store.close();
  });

  it("rejects, does not throw, when the file cannot be opened", async () => {
    const store = new SqliteStore({ path: join(dir, "missing-dir", "x.sqlite") });
    const error = await store.load("a").catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(SessionStoreError);
    expect(error).toMatchObject({ backend: "sqlite", operation: "setup" });
    expect((error as Error).cause).toBeInstanceOf(Error);
    await store.close();
  });

  it("wraps a driver error with its cause when the caller closed the database", async () => {
    const db = new BetterSqlite3(":memory:");
    const store = new SqliteStore({ database: db });
    await store.store("a", bytes("a"), HOUR);
    db.close();
    const error = await store.load("a").catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(SessionStoreError);
    expect(error).toMatchObject({ backend: "sqlite", operation: "load" });
    expect((error as Error).cause).toBeInstanceOf(Error);
    await store.close();
  });
});

describe("busy timeout", () => {
  it("fails after busyTimeoutMs while another connection holds the write lock, then works again", async () => {
    const path = newPath();
    const store = new SqliteStore({ path, busyTimeoutMs: 200 });
    await store.store("a", bytes("a"), HOUR);
    const holder = connect(path);
    holder.exec("BEGIN IMMEDIATE");

    const started = Date.now();
    const error = await store.store("b", bytes("b"), HOUR).catch((reason: unknown) => reason);
    const waited = Date.now() - started;
    expect(error).toBeInstanceOf(SessionStoreError);
    expect((error as { cause?: { code?: string } }).cause?.code).toBe("SQLITE_BUSY");
    expect(waited).toBeGreaterThanOrEqual(150);
    expect(waited).toBeLessThan(4_000);
    // WAL: readers do not wait for the writer.
    expect(await store.load("a")).toEqual(Buffer.from("a"));

    holder.exec("COMMIT");
    await store.store("b", bytes("b"), HOUR);
    expect(await store.load("b")).toEqual(Buffer.from("b"));
    await store.close();
  });
});

describe("table", () => {
  it.each(['se"ssions', "main.sessions", "sessions;drop", "my sessions", "", "1sessions"])(
    "refuses the table name %j before any I/O",
    (table) => {
      const path = newPath();
      expect(() => new SqliteStore({ path, table })).toThrow(RangeError);
      expect(existsSync(path)).toBe(false);
    },
  );

  it("quotes the name, so a keyword is a usable table", async () => {
    const path = newPath();
    const store = new SqliteStore({ path, table: "select" });
    await store.store("a", bytes("a"), HOUR);
    expect(await store.load("a")).toEqual(Buffer.from("a"));
    await store.close();
    expect(countRows(connect(path), "select")).toBe(1);
  });

  it("exports the DDL it runs: quoted table, epoch-ms expiry, an index on it", () => {
    const ddl = schemaSql("my_sessions");
    expect(ddl).toContain('CREATE TABLE IF NOT EXISTS "my_sessions"');
    expect(ddl).toContain("expires_at INTEGER NOT NULL");
    expect(ddl).toContain('ON "my_sessions" (expires_at)');
    expect(ddl).toMatch(/owner TEXT,\n {2}revoked INTEGER\n\);/);
    expect(ddl).toContain('CREATE INDEX IF NOT EXISTS "my_sessions_owner" ON "my_sessions" (owner) WHERE owner IS NOT NULL;');
    expect(schemaSql()).toContain('"sessions"');
    expect(() => schemaSql('x"; DROP TABLE y; --')).toThrow(RangeError);
  });

  it("createTable: false uses a table the operator made from schemaSql()", async () => {
    const path = newPath();
    connect(path).exec(schemaSql("ops_made"));
    const store = new SqliteStore({ path, table: "ops_made", createTable: false });
    await store.store("a", bytes("a"), HOUR);
    expect(await store.load("a")).toEqual(Buffer.from("a"));
    await store.close();
  });

  it("createTable: false rejects clearly while the table is missing, and works once it exists", async () => {
    const path = newPath();
    const db = connect(path);
    const store = new SqliteStore({ path, table: "not_yet", createTable: false });

    const error = await store.store("a", bytes("a"), HOUR).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(SessionStoreError);
    expect((error as Error).message).toMatch(/table "not_yet" does not exist.*createTable is false.*schemaSql/);
    expect(db.prepare("SELECT name FROM sqlite_schema WHERE name = 'not_yet'").get()).toBeUndefined();

    db.exec(schemaSql("not_yet"));
    await store.store("a", bytes("a"), HOUR);
    expect(await store.load("a")).toEqual(Buffer.from("a"));
    await store.close();
  });
});

describe("sweep", () => {
  it("deletes in batches of sweepBatchSize until no expired row is left", async () => {
    const db = connect(":memory:");
    const store = new SqliteStore({ database: db, sweepBatchSize: 7 });
    await store.store("live", bytes("live"), HOUR);
    insertExpired(db, "sessions", 50);
    const batches: number[] = [];
    const statement = Object.getPrototypeOf(db.prepare("SELECT 1")) as { run: (...args: unknown[]) => unknown };
    const original = statement.run;
    vi.spyOn(statement, "run").mockImplementation(function (this: { source: string }, ...args: unknown[]) {
      const result = original.apply(this, args) as { changes: number };
      if (this.source.includes("rowid IN")) batches.push(result.changes);
      return result;
    });

    expect(await store.sweep()).toBe(50);
    expect(batches).toEqual([7, 7, 7, 7, 7, 7, 7, 1]);
    expect(countRows(db)).toBe(1);
    expect(await store.load("live")).toEqual(Buffer.from("live"));
    await store.close();
  });

  it("close() lets a sweep in progress end after its current batch", async () => {
    const db = connect(":memory:");
    const store = new SqliteStore({ database: db, sweepBatchSize: 10 });
    await store.store("live", bytes("live"), HOUR);
    insertExpired(db, "sessions", 1_000);
    const sweeping = store.sweep(); // first batch runs now, the next after a turn of the event loop
    await store.close();
    const deleted = await sweeping;
    expect(deleted).toBeGreaterThanOrEqual(10);
    expect(deleted).toBeLessThan(1_000);
    expect(countRows(db)).toBe(1_001 - deleted);
  });

  it("runs in the background by default, and not at all with sweepIntervalMs: false", async () => {
    const [swept, kept] = [connect(":memory:"), connect(":memory:")];
    // The first background run comes at a random point of the first interval: here, at once.
    const random = vi.spyOn(Math, "random").mockReturnValue(0);
    const sweeping = new SqliteStore({ database: swept });
    const notSweeping = new SqliteStore({ database: kept, sweepIntervalMs: false });
    random.mockRestore();
    for (const [store, db] of [[sweeping, swept], [notSweeping, kept]] as const) {
      await store.store("live", bytes("live"), HOUR);
      insertExpired(db, "sessions", 20);
    }
    const deadline = Date.now() + 10_000;
    while (countRows(swept) > 1 && Date.now() < deadline) await sleep(10);
    expect(countRows(swept)).toBe(1);
    expect(countRows(kept)).toBe(21);
    expect(await notSweeping.sweep()).toBe(20);
    await Promise.all([sweeping.close(), notSweeping.close()]);
  });

  it("the interval sweeper deletes expired rows by itself and stops on close()", async () => {
    const path = newPath();
    const db = connect(path);
    db.exec(schemaSql());
    const store = new SqliteStore({ path, sweepIntervalMs: 20 });
    const sweep = vi.spyOn(store, "sweep");
    insertExpired(db, "sessions", 30);
    const deadline = Date.now() + 10_000;
    while (countRows(db) > 0 && Date.now() < deadline) await sleep(10);
    expect(countRows(db)).toBe(0);

    await store.close();
    const runs = sweep.mock.calls.length;
    insertExpired(db, "sessions", 5);
    await sleep(200); // ten intervals: a live sweeper would have run again
    expect(sweep.mock.calls.length).toBe(runs);
    expect(countRows(db)).toBe(5);
  });
});

describe("other processes", () => {
  it("several processes storing, loading and sweeping one file at once never see SQLITE_BUSY", async () => {
    const path = newPath();
    const script = fileURLToPath(new URL("fixtures/hammer.mjs", import.meta.url));
    // Uses the built package (dist/): run `pnpm --filter @session-store/store-sqlite build` first.
    const workers = [1, 2, 3].map((worker) =>
      run(process.execPath, [script, path, String(worker), "500"], { cwd: packageDir, timeout: 120_000 }),
    );
    const results = (await Promise.all(workers)).map(({ stdout }) => JSON.parse(stdout) as HammerCounts);

    for (const result of results) {
      expect(result.messages).toEqual([]);
      expect(result.errors).toBe(0);
      expect(result.ops).toBeGreaterThan(500 * 5);
    }
    // Each worker's last long-lived session holds that worker's bytes.
    const store = new SqliteStore({ path });
    for (const worker of [1, 2, 3]) {
      expect(await store.load(`w${worker}-499`)).toEqual(Buffer.alloc(512, worker));
    }
    await store.close();
  });

  it.each(["sweepIntervalMs: 50", "sweepIntervalMs: undefined"])("an open store (%s) and its sweeper do not keep its process alive", async (option) => {
    const path = newPath();
    const script = [
      `import { SqliteStore } from "@session-store/store-sqlite";`,
      `const store = new SqliteStore({ path: process.argv[1], ${option} });`,
      `await store.store("a", new Uint8Array([1]), 60_000);`,
    ].join("\n");
    const child = run(process.execPath, ["--input-type=module", "-e", script, path], {
      cwd: packageDir,
      timeout: 15_000,
    });
    await expect(child).resolves.toMatchObject({ stderr: "" });
  });
});

describe("options", () => {
  it("needs exactly one of path and database", () => {
    const db = connect(":memory:");
    expect(() => new SqliteStore({} as never)).toThrow(TypeError);
    expect(() => new SqliteStore({ path: "x.sqlite", database: db } as never)).toThrow(TypeError);
    expect(() => new SqliteStore({ path: "" })).toThrow(TypeError);
    expect(() => new SqliteStore({ database: {} as never })).toThrow(TypeError);
  });

  it("refuses busyTimeoutMs with a caller's database", () => {
    const db = connect(":memory:");
    expect(() => new SqliteStore({ database: db, busyTimeoutMs: 100 } as never)).toThrow(/busyTimeoutMs/);
  });

  it.each([0, -1, 2.5, Number.NaN])("refuses sweepBatchSize %s", (sweepBatchSize) => {
    expect(() => new SqliteStore({ path: newPath(), sweepBatchSize })).toThrow(RangeError);
  });

  it.each([0, -1, Infinity])("refuses sweepIntervalMs and busyTimeoutMs of %s", (value) => {
    expect(() => new SqliteStore({ path: newPath(), sweepIntervalMs: value })).toThrow(RangeError);
    expect(() => new SqliteStore({ path: newPath(), busyTimeoutMs: value })).toThrow(RangeError);
  });

  it("refuses a sweepIntervalMs past what a timer can wait, and one that is neither a number nor false", () => {
    expect(() => new SqliteStore({ path: newPath(), sweepIntervalMs: 2 ** 31 })).toThrow(RangeError);
    for (const value of [true, "5m", null]) {
      expect(() => new SqliteStore({ path: newPath(), sweepIntervalMs: value as never }), String(value)).toThrow(TypeError);
    }
  });

  it("takes sweepIntervalMs: false (no background sweep) and a number; the default is 5 minutes", async () => {
    expect(DEFAULT_SWEEP_INTERVAL_MS).toBe(5 * 60_000);
    for (const sweepIntervalMs of [false, 60_000, undefined] as const) await new SqliteStore({ path: ":memory:", sweepIntervalMs }).close();
  });

  it("refuses an unknown option, naming the one meant", () => {
    const misspelt = { path: ":memory:", tabel: "sessions" } as SqliteStoreOptions;
    expect(() => new SqliteStore(misspelt)).toThrow(new TypeError("SqliteStore has no option `tabel`; did you mean `table`?"));
    const unknown = { path: ":memory:", createSchema: false } as SqliteStoreOptions;
    expect(() => new SqliteStore(unknown)).toThrow(/SqliteStore has no option `createSchema`/);
  });
});

interface HammerCounts {
  ops: number;
  swept: number;
  errors: number;
  messages: string[];
}
