/**
 * postgres: our PostgresStore beside raw pg sending the very same statements, and the
 * PostgreSQL session stores users pick today. Every contender has a pool of the same
 * size to the same server (POSTGRES_URL, else 127.0.0.1:5432/test) and a table of its
 * own, dropped when it closes. `extra()` times the sweep of a large backlog.
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import KeyvPostgres from "@keyv/postgres";
import { PostgresStore, schemaSql, statementsFor } from "@session-store/store-postgres";
import connectPgSimple from "connect-pg-simple";
import session from "express-session";
import Keyv from "keyv";
import pg from "pg";
import { packageVersion } from "../package-version.js";
import { expressStoreWorkload } from "../peers/express-store.js";
import type { BackendBench, BenchContext, Contender, Workload } from "../types.js";

const url = process.env.POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
/** Connections per contender: pg's default pool size, given to every contender alike. */
const POOL_SIZE = 10;

/** A table name no other contender or run uses. */
const newTable = (who: string) => `bench_${who}_${randomBytes(4).toString("hex")}`;

/** A short-lived pool for setup and cleanup, never one of the measured ones. */
async function withAdmin<T>(work: (admin: pg.Pool) => Promise<T>): Promise<T> {
  const admin = new pg.Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 3_000, application_name: "session-store-bench-admin" });
  admin.on("error", () => undefined);
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

const dropTable = (table: string) => withAdmin((admin) => admin.query(`DROP TABLE IF EXISTS "${table}"`));

/** Closes the contender's client, then drops its table. */
function droppingTable(table: string, workload: Workload): Workload {
  return {
    load: workload.load,
    store: workload.store,
    close: async () => {
      await workload.close();
      await dropTable(table);
    },
  };
}

const ours: Contender = {
  name: "session-store PostgresStore",
  role: "ours",
  note: `its own pool from \`{ connection }\` (max ${POOL_SIZE}); the blob goes as a binary bytea parameter (copied on store) and comes back as base64 text; a 5 s deadline on every call`,
  open: async () => {
    const table = newTable("ours");
    const store = new PostgresStore({ connection: { connectionString: url, max: POOL_SIZE }, table });
    return droppingTable(table, {
      load: (id) => store.load(id),
      store: (id, data, ttlMs) => store.store(id, data, ttlMs),
      close: () => store.close(),
    });
  },
};

const raw: Contender = {
  name: `raw pg ${packageVersion("pg")}`,
  role: "raw",
  note: `the statements PostgresStore prepares (\`statementsFor\`), on a pg.Pool of ${POOL_SIZE} with pg defaults, nothing around them`,
  open: async () => {
    const table = newTable("raw");
    const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE });
    pool.on("error", () => undefined);
    await pool.query(schemaSql({ table }));
    const { load, store } = statementsFor({ schema: "public", table }, 1_000);
    return droppingTable(table, {
      load: async (id) => {
        const { rows } = await pool.query({ name: load.name, text: load.text, values: [id], rowMode: "array" });
        return rows[0] ? Buffer.from(rows[0][0] as string, "base64") : undefined;
      },
      store: (id, data, ttlMs) => pool.query({ name: store.name, text: store.text, values: [id, data, ttlMs], rowMode: "array" }),
      close: () => pool.end(),
    });
  },
};

const connectPg: Contender = {
  name: `connect-pg-simple ${packageVersion("connect-pg-simple")}`,
  role: "peer",
  note: `base64 in a session object beside its cookie (it stores json), on a pg.Pool of ${POOL_SIZE}; its pruning timer off`,
  open: async () => {
    const table = newTable("connect_pg");
    const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE });
    pool.on("error", () => undefined);
    const PgStore = connectPgSimple(session);
    const store = new PgStore({ pool, tableName: table, createTableIfMissing: true, pruneSessionInterval: false });
    return droppingTable(table, expressStoreWorkload(store, () => pool.end()));
  },
};

/** The session object a keyv user stores: the blob as base64 beside what else the session holds. */
interface KeyvSession {
  readonly blob: string;
}

const keyvPostgres: Contender = {
  name: `@keyv/postgres ${packageVersion("@keyv/postgres")} (keyv ${packageVersion("keyv")})`,
  role: "peer",
  note: `base64 in a session object, which keyv serializes to JSON text with its expiry, on its pg.Pool of ${POOL_SIZE}`,
  open: async () => {
    const table = newTable("keyv");
    const adapter = new KeyvPostgres({ uri: url, table, max: POOL_SIZE });
    const keyv = new Keyv<KeyvSession>({ store: adapter, throwOnErrors: true });
    return droppingTable(table, {
      load: async (id) => {
        const found = await keyv.get(id);
        return found ? Buffer.from(found.blob, "base64") : undefined;
      },
      store: (id, data, ttlMs) => keyv.set(id, { blob: data.toString("base64") }, ttlMs),
      close: () => keyv.disconnect(),
    });
  },
};

// ---- extra(): sweeping a large backlog -------------------------------------------------

/** How long the load loop measures its idle latency before the sweep. */
const IDLE_MS = 3_000;

/** Builds a table of `rows` 1 KiB sessions, every other one expired, expiry unrelated to heap order. */
async function buildBacklog(admin: pg.Pool, table: string, rows: number): Promise<void> {
  await admin.query(schemaSql({ table }));
  // Expiry times spread over an hour (before now for even numbers, one to two hours ahead
  // for odd ones), unrelated to where a row sits in the heap, as touched sessions end up.
  await admin.query(
    `INSERT INTO "${table}" SELECT 'sess-' || g, decode(repeat(md5(g::text), 64), 'hex'),
       now() + CASE WHEN g % 2 = 0 THEN -(0.001 + random()) ELSE 1 + random() END * interval '1 hour'
     FROM generate_series(1, $1::int) g`,
    [rows],
  );
  await admin.query(`VACUUM ANALYZE "${table}"`);
}

/** Loads live ids with one loop (c=1) until `until` resolves or `ms` passes; resolves the latencies. */
async function loadLatencies(store: PostgresStore, rows: number, until: Promise<unknown> | number): Promise<number[]> {
  const latencies: number[] = [];
  let done = false;
  const stop = () => {
    done = true;
  };
  // A failed deletion is reported by whoever awaits it; here it only ends the loop.
  if (typeof until === "number") setTimeout(stop, until);
  else until.then(stop, stop);
  while (!done) {
    // Odd numbers are the live half.
    const id = `sess-${1 + 2 * Math.floor(Math.random() * (rows / 2))}`;
    const started = performance.now();
    if ((await store.load(id)) === undefined) throw new Error(`live session ${id} not found`);
    latencies.push(performance.now() - started);
  }
  return latencies;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN;
}

/** A caller-owned pool that times every statement the sweeping store sends. */
function timedPool(): { pool: pg.Pool; statements: Array<{ text: string; ms: number }> } {
  const pool = new pg.Pool({ connectionString: url, max: 2, application_name: "session-store-bench-sweep" });
  pool.on("error", () => undefined);
  const statements: Array<{ text: string; ms: number }> = [];
  const query = pool.query.bind(pool) as (config: { text: string }) => Promise<unknown>;
  pool.query = (async (config: { text: string }) => {
    const started = performance.now();
    try {
      return await query(config);
    } finally {
      statements.push({ text: config.text, ms: performance.now() - started });
    }
  }) as typeof pool.query;
  return { pool, statements };
}

/** What one deletion of the backlog measured. */
interface Deletion {
  readonly ms: number;
  readonly deleted: number;
  /** p99 of the load loop over the same table before the deletion and during it, when it ran. */
  readonly p99?: { readonly idle: number; readonly during: number };
}

/**
 * Builds a fresh backlog table, runs `remove` on it (with a load loop beside it when
 * `withLoads`, after measuring the same loop idle), checks that nothing expired is
 * left, and drops the table.
 */
async function measureDeletion(
  admin: pg.Pool,
  rows: number,
  withLoads: boolean,
  remove: (table: string) => Promise<number>,
): Promise<Deletion> {
  const table = newTable("sweep");
  const loader = new PostgresStore({ connection: { connectionString: url, max: 2 }, table, createSchema: false });
  try {
    await buildBacklog(admin, table, rows);
    const idle = withLoads ? await loadLatencies(loader, rows, IDLE_MS) : [];
    const started = performance.now();
    const removing = remove(table);
    const [during, deleted] = await Promise.all([withLoads ? loadLatencies(loader, rows, removing) : [], removing]);
    const ms = performance.now() - started;
    const left = await admin.query(`SELECT count(*) FILTER (WHERE expires_at <= now())::int AS expired FROM "${table}"`);
    if (left.rows[0].expired !== 0) throw new Error(`${left.rows[0].expired} expired rows left`);
    const p99 = withLoads ? { idle: percentile(idle, 99), during: percentile(during, 99) } : undefined;
    return { ms, deleted, p99 };
  } finally {
    await loader.close();
    await admin.query(`DROP TABLE IF EXISTS "${table}"`);
  }
}

async function sweepFigures(context: BenchContext): Promise<string> {
  const rows = context.quick ? 100_000 : 1_000_000;
  return withAdmin(async (admin) => {
    const plain = await measureDeletion(admin, rows, false, async (table) => {
      const result = await admin.query(`DELETE FROM "${table}" WHERE expires_at <= now()`);
      return result.rowCount ?? 0;
    });
    const timed = timedPool();
    const sweep = (table: string) => new PostgresStore({ pool: timed.pool, table, createSchema: false }).sweep();
    let alone: Deletion;
    let loaded: Deletion;
    try {
      alone = await measureDeletion(admin, rows, false, sweep);
      loaded = await measureDeletion(admin, rows, true, sweep);
    } finally {
      await timed.pool.end();
    }
    const durations = timed.statements.map((statement) => statement.ms);
    const longest = Math.max(...durations);
    const blockWalk = timed.statements.filter((statement) => statement.text.includes("ctid >= $1::tid")).length;
    const p99 = loaded.p99 ?? { idle: Number.NaN, during: Number.NaN };
    const check = (ok: boolean) => (ok ? "met" : "**missed**");
    const count = (n: number) => n.toLocaleString("en");
    return [
      `### postgres: sweeping ${count(rows)} rows of 1 KiB, half expired`,
      "",
      "Expiry times spread at random over the heap, as touched sessions end up. Each figure on a freshly built, vacuumed",
      `table: one plain DELETE, one \`sweep()\` alone, and one \`sweep()\` with a loop (c=1) loading live sessions beside it,`,
      `whose p99 is compared with the same loop's over the ${IDLE_MS / 1000} s before the sweep.`,
      "",
      "| figure | value | target |",
      "| --- | ---: | --- |",
      `| one plain \`DELETE … WHERE expires_at <= now()\` | ${plain.ms.toFixed(0)} ms (${count(plain.deleted)} rows) | |`,
      `| \`sweep()\` total | ${alone.ms.toFixed(0)} ms (${count(alone.deleted)} rows), ${(alone.ms / plain.ms).toFixed(2)}x the DELETE | at most 1.5x: ${check(alone.ms <= 1.5 * plain.ms)} |`,
      `| longest single sweep statement | ${longest.toFixed(0)} ms (of ${count(durations.length)} in both sweeps, ${count(blockWalk)} of them walking heap blocks; median ${percentile(durations, 50).toFixed(1)} ms, p99 ${percentile(durations, 99).toFixed(1)} ms) | at most 250 ms: ${check(longest <= 250)} |`,
      `| p99 \`load\` idle / during the sweep | ${p99.idle.toFixed(2)} / ${p99.during.toFixed(2)} ms, ${(p99.during / p99.idle).toFixed(2)}x (that sweep: ${loaded.ms.toFixed(0)} ms) | at most 2x: ${check(p99.during <= 2 * p99.idle)} |`,
    ].join("\n");
  });
}

const bench: BackendBench = {
  backend: "postgres",
  unavailable: async () => {
    try {
      await withAdmin((admin) => admin.query("SELECT 1"));
      return undefined;
    } catch (error) {
      return `no PostgreSQL answered at ${new URL(url).host} (${error instanceof Error ? error.message : String(error)}); set POSTGRES_URL`;
    }
  },
  contenders: [raw, ours, connectPg, keyvPostgres],
  target: { minRatio: 0.95, sizes: [1024] },
  version: () =>
    withAdmin(async (admin) => `PostgreSQL ${(await admin.query("SHOW server_version")).rows[0].server_version} on ${new URL(url).host}`),
  notes: `Every contender has a pool of ${POOL_SIZE} connections to the same server and a logged table of its own;
the server's defaults apply (\`synchronous_commit = on\`: each \`store\` waits for its WAL flush). At c=64 the
loops queue for the ${POOL_SIZE} connections. The server and the two cores are shared with whatever else runs
on the machine: compare figures within one run only.`,
  extra: sweepFigures,
};

export default bench;
