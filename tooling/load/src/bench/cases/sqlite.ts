/**
 * sqlite: our SqliteStore beside raw better-sqlite3 running the same pragmas and statements,
 * and the SQLite session stores users pick today. Every contender gets a file of its own,
 * in WAL mode with synchronous=NORMAL.
 */
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import type { Backend } from "@session-store/harness";
import { openStore } from "@session-store/open";
import { OWNED_DATABASE_PRAGMAS, schemaSql, statementsFor } from "@session-store/store-sqlite/internal";
import BetterSqlite3 from "better-sqlite3";
import createBetterSqlite3Store from "better-sqlite3-session-store";
import session from "express-session";
import { Keyv } from "keyv";
import { makeBlob, makeIds, TTL_MS } from "../drive.js";
import { measureGrowth, timeRuns } from "../growth.js";
import { expressStoreWorkload, keyvWorkload, packageVersion } from "../peers.js";
import type { BackendBench, BenchContext, Workload } from "../types.js";

const require = createRequire(import.meta.url);

/** The file and table of a fresh namespace: the harness deletes the file with its temp dir. */
export function sqliteFile(storeUrl: string): { path: string; table: string } {
  const query = storeUrl.lastIndexOf("?table=");
  return { path: storeUrl.slice("sqlite:".length, query), table: storeUrl.slice(query + "?table=".length) };
}

/** A file opened the way SqliteStore opens its own: its pragmas, a 5 s busy timeout. */
function openDatabase(path: string): BetterSqlite3.Database {
  const db = new BetterSqlite3(path, { timeout: 5_000 });
  for (const pragma of OWNED_DATABASE_PRAGMAS) db.pragma(pragma);
  return db;
}

/** The raw contender: the store's DDL and two statements, prepared once, with nothing around them. */
function rawWorkload(db: BetterSqlite3.Database, table: string): Workload {
  db.exec(schemaSql(table));
  const sql = statementsFor(table);
  const [load, store] = [db.prepare<[string, number], Buffer>(sql.load).pluck(), db.prepare<[string, Buffer, number, null, number]>(sql.store)];
  return {
    load: async (id) => load.get(id, Date.now()),
    store: async (id, data, ttlMs) => {
      const now = Date.now();
      store.run(id, data, now + ttlMs, null, now);
    },
    close: async () => db.close(),
  };
}

/**
 * Fills the table straight through SQLite in one transaction, ids in key order and with a
 * large page cache, so a million rows take seconds, not minutes.
 */
function bulkInsert(db: BetterSqlite3.Database, table: string, ids: readonly string[], blob: Buffer, expiresAt: number): void {
  const insert = db.prepare(`INSERT INTO "${table}" (id, data, expires_at) VALUES (?, ?, ?)`);
  const cacheSize = Number(db.pragma("cache_size", { simple: true }));
  db.pragma("cache_size = -262144");
  db.transaction(() => [...ids].sort().forEach((id) => insert.run(id, blob, expiresAt)))();
  db.pragma(`cache_size = ${cacheSize}`);
}

/** One `sweep()` deleting 100k expired rows while 100k live rows stay, timed. */
async function sweepTimes(context: BenchContext, backend: Backend): Promise<string> {
  const url = backend.storeUrl();
  const { path, table } = sqliteFile(url);
  const db = openDatabase(path);
  const store = await openStore(url);
  try {
    db.exec(schemaSql(table));
    const blob = makeBlob(1024);
    bulkInsert(db, table, makeIds(100_000, "live:"), blob, Date.now() + TTL_MS);
    const times = await timeRuns(context, 0, async (rep) => {
      bulkInsert(db, table, makeIds(100_000, `expired${rep}:`), blob, Date.now() - 1_000);
      const started = performance.now();
      const deleted = await store.sweep?.();
      const ms = performance.now() - started;
      const left = db.prepare(`SELECT count(*) FROM "${table}"`).pluck().get();
      if (deleted !== 100_000 || left !== 100_000) throw new Error(`sweep deleted ${deleted} and left ${String(left)}, expected 100000 each`);
      return ms;
    });
    return `Sweep: one \`sweep()\` deleting 100,000 expired 1 KiB rows (batches of 1,000, yielding between them) while 100,000 live rows stay: ${times}.`;
  } finally {
    await store.close?.();
    db.close();
  }
}

const bench: BackendBench = {
  contenders: [
    {
      name: `raw better-sqlite3 ${packageVersion("better-sqlite3")}`,
      role: "raw",
      note: "SqliteStore's pragmas, DDL and statements (from @session-store/store-sqlite/internal), prepared once, with nothing around them",
      open: async (backend) => {
        const { path, table } = sqliteFile(backend.storeUrl());
        return rawWorkload(openDatabase(path), table);
      },
    },
    {
      name: "session-store SqliteStore",
      role: "ours",
      note: "opens its own file (`path` option): WAL, synchronous=NORMAL, busy timeout 5 s",
      open: (backend) => openStore(backend.storeUrl()),
    },
    {
      name: `better-sqlite3-session-store ${packageVersion("better-sqlite3-session-store")}`,
      role: "peer",
      note: "base64 in a session object beside its cookie (it stores JSON text); given a better-sqlite3 database in WAL mode with synchronous=NORMAL",
      open: async (backend) => {
        const db = openDatabase(sqliteFile(backend.storeUrl()).path);
        // Its clear-expired interval cannot be stopped; the load process exits when done.
        const store = new (createBetterSqlite3Store(session))({ client: db, expired: { clear: true, intervalMs: 24 * TTL_MS } });
        return expressStoreWorkload(store, () => db.close());
      },
    },
    {
      name: `@keyv/sqlite ${packageVersion("@keyv/sqlite")} (sqlite3 ${packageVersion("sqlite3", "@keyv/sqlite")})`,
      role: "peer",
      note: "keyv gets the Buffer itself with the ttl and stores it as base64 in JSON text; its sqlite3 connection set to WAL and synchronous=NORMAL",
      // @keyv/sqlite loads the sqlite3 native module, missing when its build script did not run. Checked with a
      // plain require from @keyv/sqlite's own folder: a failed ESM import of it also surfaces as an uncaught error later.
      unavailable: () => {
        try {
          createRequire(require.resolve("@keyv/sqlite"))("sqlite3");
          return undefined;
        } catch (error) {
          const problem = String((error as Error).message).split("\n")[0]?.replace(/\s*Tried:$/, "");
          return `its native module sqlite3 does not load (${problem}); pnpm skips sqlite3's build script unless pnpm-workspace.yaml lists sqlite3 in onlyBuiltDependencies`;
        }
      },
      open: async (backend) => {
        const KeyvSqlite = (await import("@keyv/sqlite")).default;
        const adapter = new KeyvSqlite({ uri: `sqlite://${sqliteFile(backend.storeUrl()).path}`, busyTimeout: 5_000 });
        for (const pragma of OWNED_DATABASE_PRAGMAS) await adapter.query(`PRAGMA ${pragma}`);
        return keyvWorkload(new Keyv({ store: adapter, throwOnErrors: true }));
      },
    },
  ],
  target: { minRatio: 0.9 },
  notes: `Durability: every contender runs in WAL mode with \`synchronous=NORMAL\`, which SqliteStore
sets on a file it opens. A commit then appends to the WAL without waiting for an fsync; SQLite
syncs the WAL when it checkpoints it into the database (by default once the WAL reaches 1,000
pages). This never corrupts the database, and a crash of the app process loses nothing (the
writes are in the OS's cache). An OS crash or a power loss, though, can roll back the
transactions committed since the last checkpoint: sessions stored in those last moments come
back as their previous value or as missing, and those users sign in again. \`synchronous=FULL\`
would fsync the WAL on every commit, a disk flush per \`store\`. An app that gives SqliteStore
its own \`database\` chooses its own pragmas.`,
  async extra(context, backend) {
    // Our store and the raw contender over one file holding every id, bulk-inserted.
    const growth = await measureGrowth(context, async (ids, blob) => {
      const url = backend.storeUrl();
      const { path, table } = sqliteFile(url);
      const db = openDatabase(path);
      const raw = rawWorkload(db, table);
      bulkInsert(db, table, ids, blob, Date.now() + TTL_MS);
      return { "session-store": await openStore(url), raw };
    });
    return [
      "### sqlite: growth with stored sessions (1 KiB, ops/s)",
      "",
      "The rows were bulk-inserted in one transaction, then both subjects opened the same file.",
      "",
      growth,
      "",
      await sweepTimes(context, backend),
    ].join("\n");
  },
};

export default bench;
