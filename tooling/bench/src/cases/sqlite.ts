/**
 * sqlite: our SqliteStore beside raw better-sqlite3 running the same statements, and
 * the SQLite session stores users pick today. Every contender gets its own file in a
 * temp dir, in WAL mode with synchronous=NORMAL.
 */
import BetterSqlite3 from "better-sqlite3";
import session from "express-session";
import { Keyv } from "keyv";
import type KeyvSqliteType from "@keyv/sqlite";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { SqliteStore } from "@session-store/store-sqlite";
import createBetterSqlite3Store from "better-sqlite3-session-store";
import { measureGrowth } from "../growth.js";
import { message } from "../measure.js";
import { packageVersion } from "../package-version.js";
import { expressStoreWorkload } from "../peers/express-store.js";
import { openDatabase, rawWorkload, TABLE } from "../sqlite-raw.js";
import { median } from "../stats.js";
import type { BackendBench, BenchContext, Contender, Workload } from "../types.js";
import { makeBlob, makeIds, TTL_MS } from "../workload.js";

const log = (line: string): void => console.error(line);
const require = createRequire(import.meta.url);

/** A fresh temp dir, removed when the workload closes. */
async function inTempDir(open: (dir: string) => Promise<Workload>): Promise<Workload> {
  const dir = await mkdtemp(join(tmpdir(), "session-store-bench-"));
  const workload = await open(dir);
  return {
    load: workload.load,
    store: workload.store,
    close: async () => {
      await workload.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function oursWorkload(store: SqliteStore): Workload {
  return {
    load: (id) => store.load(id),
    store: (id, data, ttlMs) => store.store(id, data, ttlMs),
    close: () => store.close(),
  };
}

const raw: Contender = {
  name: `raw better-sqlite3 ${packageVersion("better-sqlite3")}`,
  role: "raw",
  note: "SqliteStore's pragmas, DDL and prepared statements (its exported prepareStatements), with nothing around them",
  open: () => inTempDir(async (dir) => rawWorkload(openDatabase(join(dir, "raw.db")))),
};

const ours: Contender = {
  name: "session-store SqliteStore",
  role: "ours",
  note: "opens its own file (`path` option): WAL, synchronous=NORMAL, busy timeout 5 s",
  open: () => inTempDir(async (dir) => oursWorkload(new SqliteStore({ path: join(dir, "ours.db") }))),
};

const betterSqlite3Store: Contender = {
  name: `better-sqlite3-session-store ${packageVersion("better-sqlite3-session-store")}`,
  role: "peer",
  note: "base64 in a session object beside its cookie (it stores JSON text); given a better-sqlite3 database in WAL mode with synchronous=NORMAL",
  open: () =>
    inTempDir(async (dir) => {
      const db = openDatabase(join(dir, "peer.db"));
      const Store = createBetterSqlite3Store(session);
      // Its clear-expired interval cannot be stopped; the runner exits when done.
      const store = new Store({ client: db, expired: { clear: true, intervalMs: 24 * 60 * 60 * 1000 } });
      return expressStoreWorkload(store, () => {
        db.close();
      });
    }),
};

type KeyvSqliteClass = typeof KeyvSqliteType;

async function importKeyvSqlite(): Promise<KeyvSqliteClass> {
  return (await import("@keyv/sqlite")).default;
}

/**
 * @keyv/sqlite loads the sqlite3 native module, which is missing when its build script
 * did not run. Checked with a plain require from @keyv/sqlite's own folder: a failed
 * ESM import of it also surfaces as an uncaught error later.
 */
function sqlite3Missing(): string | undefined {
  try {
    createRequire(require.resolve("@keyv/sqlite"))("sqlite3");
    return undefined;
  } catch (error) {
    return message(error).split("\n")[0]?.replace(/\s*Tried:$/, "");
  }
}

const keyvSqlite: Contender = {
  name: `@keyv/sqlite ${packageVersion("@keyv/sqlite")} (sqlite3 ${packageVersion("sqlite3", "@keyv/sqlite")})`,
  role: "peer",
  note: "keyv gets the Buffer itself with the ttl and stores it as base64 in JSON text; its sqlite3 connection set to WAL and synchronous=NORMAL",
  unavailable: async () => {
    const problem = sqlite3Missing();
    return problem
      ? `its native module sqlite3 does not load (${problem}); pnpm skips sqlite3's build script unless pnpm-workspace.yaml lists sqlite3 in onlyBuiltDependencies`
      : undefined;
  },
  open: () =>
    inTempDir(async (dir) => {
      const KeyvSqlite = await importKeyvSqlite();
      const adapter = new KeyvSqlite({ uri: `sqlite://${join(dir, "keyv.db")}`, busyTimeout: 5_000 });
      await adapter.query("PRAGMA journal_mode = WAL");
      await adapter.query("PRAGMA synchronous = NORMAL");
      const keyv = new Keyv({ store: adapter, throwOnErrors: true });
      return {
        load: (id) => keyv.get<Buffer>(id),
        store: (id, data, ttlMs) => keyv.set(id, data, ttlMs),
        close: () => keyv.disconnect(),
      };
    }),
};

/**
 * Fills the table straight through SQLite in one transaction, ids in key order and
 * with a large page cache, so a million rows take seconds, not minutes.
 */
function bulkInsert(db: BetterSqlite3.Database, ids: readonly string[], blob: Buffer, expiresAt: number): void {
  const insert = db.prepare(`INSERT INTO "${TABLE}" (id, data, expires_at) VALUES (?, ?, ?)`);
  const cacheSize: unknown = db.pragma("cache_size", { simple: true });
  db.pragma("cache_size = -262144");
  try {
    db.transaction(() => {
      for (const id of [...ids].sort()) insert.run(id, blob, expiresAt);
    })();
  } finally {
    db.pragma(`cache_size = ${Number(cacheSize)}`);
  }
}

/** Our store and the raw contender over one file holding every id. */
async function growthSetup(ids: readonly string[], blob: Buffer, dirs: string[]) {
  const dir = await mkdtemp(join(tmpdir(), "session-store-bench-"));
  dirs.push(dir);
  const path = join(dir, "growth.db");
  const rawDb = openDatabase(path);
  const rawSubject = rawWorkload(rawDb);
  bulkInsert(rawDb, ids, blob, Date.now() + TTL_MS);
  const ours = new SqliteStore({ path });
  return [
    { name: "session-store", workload: oursWorkload(ours) },
    { name: "raw", workload: rawSubject },
  ];
}

/** One `sweep()` deleting 100k expired rows while 100k live rows stay, timed. */
async function sweepTimes(context: BenchContext): Promise<string> {
  const expiredCount = 100_000;
  const liveCount = 100_000;
  const dir = await mkdtemp(join(tmpdir(), "session-store-bench-"));
  const path = join(dir, "sweep.db");
  const db = openDatabase(path);
  const store = new SqliteStore({ path });
  const times: number[] = [];
  try {
    rawWorkload(db, false);
    const blob = makeBlob(1024);
    bulkInsert(db, makeIds(liveCount, "live:"), blob, Date.now() + TTL_MS);
    for (let rep = 0; rep < Math.min(context.runs, 5); rep++) {
      bulkInsert(db, makeIds(expiredCount, `expired${rep}:`), blob, Date.now() - 1_000);
      const started = performance.now();
      const deleted = await store.sweep();
      times.push(performance.now() - started);
      if (deleted !== expiredCount) throw new Error(`sweep deleted ${deleted}, expected ${expiredCount}`);
    }
    const left = db.prepare(`SELECT count(*) FROM "${TABLE}"`).pluck().get();
    if (left !== liveCount) throw new Error(`${String(left)} rows left, expected ${liveCount}`);
  } finally {
    await store.close();
    db.close();
    await rm(dir, { recursive: true, force: true });
  }
  return `Sweep: one \`sweep()\` deleting 100,000 expired 1 KiB rows (batches of 1,000, yielding between them) while 100,000 live rows stay: ${median(times).toFixed(0)} ms (median of ${times.length}; runs ${times.map((t) => t.toFixed(0)).join(", ")} ms).`;
}

const bench: BackendBench = {
  backend: "sqlite",
  unavailable: async () => undefined,
  contenders: [raw, ours, betterSqlite3Store, keyvSqlite],
  target: { minRatio: 0.9 },
  version: async () => {
    const db = new BetterSqlite3(":memory:");
    try {
      return `SQLite ${String(db.prepare("SELECT sqlite_version()").pluck().get())} (in better-sqlite3)`;
    } finally {
      db.close();
    }
  },
  notes: `Durability: every contender runs in WAL mode with \`synchronous=NORMAL\`, which SqliteStore
sets on a file it opens. A commit then appends to the WAL without waiting for an fsync; SQLite
syncs the WAL when it checkpoints it into the database (by default once the WAL reaches 1,000
pages). This never corrupts the database, and a crash of the app process loses nothing (the
writes are in the OS's cache). An OS crash or a power loss, though, can roll back the
transactions committed since the last checkpoint: sessions stored in those last moments come
back as their previous value or as missing, and those users sign in again. \`synchronous=FULL\`
would fsync the WAL on every commit, a disk flush per \`store\`. An app that gives SqliteStore
its own \`database\` chooses its own pragmas.`,
  async extra(context) {
    const dirs: string[] = [];
    const removeDirs = async () => {
      for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
    };
    let growth: string;
    try {
      growth = await measureGrowth({ context, log, setup: (ids, blob) => growthSetup(ids, blob, dirs), teardown: removeDirs });
    } finally {
      await removeDirs();
    }
    return [
      "### sqlite: growth with stored sessions (1 KiB, ops/s)",
      "",
      "The rows were bulk-inserted in one transaction, then both subjects opened the same file.",
      "",
      growth,
      "",
      await sweepTimes(context),
    ].join("\n");
  },
};

export default bench;
