/**
 * postgres: our PostgresStore beside raw pg sending the very same statements, and the
 * PostgreSQL session stores users pick today. Every contender has a pool of the same size
 * to the same server and a table of its own. `extra()` times the sweep of a large backlog.
 */
import { performance } from "node:perf_hooks";
import KeyvPostgres from "@keyv/postgres";
import type { Backend } from "@session-store/harness";
import { openStore } from "@session-store/open";
import { PostgresStore } from "@session-store/store-postgres";
import { schemaSql, statementsFor } from "@session-store/store-postgres/internal";
import connectPgSimple from "connect-pg-simple";
import session from "express-session";
import Keyv from "keyv";
import pg from "pg";
import { count, table } from "../../markdown.js";
import { percentile } from "../../stats.js";
import { expressStoreWorkload, keyvWorkload, packageVersion } from "../peers.js";
import type { BackendBench, BenchContext } from "../types.js";

/** Connections per contender: pg's default pool size, given to every contender alike. */
const POOL_SIZE = 10;

function newPool(backend: Backend, max = POOL_SIZE): pg.Pool {
  const pool = new pg.Pool({ connectionString: backend.url, max });
  pool.on("error", () => undefined);
  return pool;
}

// ---- extra(): sweeping a large backlog -------------------------------------------------

/** How long the load loop measures its idle latency before the sweep. */
const IDLE_MS = 3_000;

/** Loads live ids (the odd ones) with one loop until `until` settles or `ms` passes; resolves the latencies. */
async function loadLatencies(store: PostgresStore, rows: number, until: Promise<unknown> | number): Promise<number[]> {
  const latencies: number[] = [];
  let done = false;
  const stop = () => (done = true);
  // A failed deletion is reported by whoever awaits it; here it only ends the loop.
  if (typeof until === "number") setTimeout(stop, until);
  else until.then(stop, stop);
  while (!done) {
    const id = `sess-${1 + 2 * Math.floor(Math.random() * (rows / 2))}`;
    const started = performance.now();
    if ((await store.load(id)) === undefined) throw new Error(`live session ${id} not found`);
    latencies.push(performance.now() - started);
  }
  return latencies;
}

/**
 * On a fresh, vacuumed table of `rows` 1 KiB sessions, every other one expired (expiry times
 * spread over an hour, unrelated to where a row sits in the heap, as touched sessions end up),
 * runs `remove` (beside a load loop when `withLoads`, after measuring the same loop idle) and
 * checks that nothing expired is left.
 */
async function measureDeletion(backend: Backend, admin: pg.Pool, rows: number, withLoads: boolean, remove: (table: string) => Promise<number>) {
  const name = backend.newNamespace();
  const loader = new PostgresStore({ connection: { connectionString: backend.url, max: 2 }, table: name, createSchema: false, sweepIntervalMs: false });
  try {
    await admin.query(schemaSql({ table: name }));
    await admin.query(
      `INSERT INTO "${name}" SELECT 'sess-' || g, decode(repeat(md5(g::text), 64), 'hex'),
         now() + CASE WHEN g % 2 = 0 THEN -(0.001 + random()) ELSE 1 + random() END * interval '1 hour'
       FROM generate_series(1, $1::int) g`,
      [rows],
    );
    await admin.query(`VACUUM ANALYZE "${name}"`);
    const idle = withLoads ? await loadLatencies(loader, rows, IDLE_MS) : [];
    const started = performance.now();
    const removing = remove(name);
    const [during, deleted] = await Promise.all([withLoads ? loadLatencies(loader, rows, removing) : [], removing]);
    const ms = performance.now() - started;
    const { rows: left } = await admin.query(`SELECT count(*) FILTER (WHERE expires_at <= now())::int AS expired FROM "${name}"`);
    if (left[0].expired !== 0) throw new Error(`${left[0].expired} expired rows left`);
    return { ms, deleted, p99: { idle: percentile(idle, 99), during: percentile(during, 99) } };
  } finally {
    await loader.close();
    await admin.query(`DROP TABLE IF EXISTS "${name}"`);
  }
}

async function sweepFigures(context: BenchContext, backend: Backend): Promise<string> {
  const rows = context.quick ? 100_000 : 1_000_000;
  const [admin, timed] = [newPool(backend, 1), newPool(backend, 2)];
  // The sweeping store gets a pool of ours that times every statement it sends. Timed on
  // each client: a store given a pool checks a client out (pool.connect) for every statement.
  const statements: Array<{ text: string; ms: number }> = [];
  timed.on("connect", (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    client.query = ((...args: unknown[]) => {
      const started = performance.now();
      const pending = query(...args);
      const text = typeof args[0] === "string" ? args[0] : ((args[0] as { text?: string } | undefined)?.text ?? "");
      if (pending instanceof Promise) void pending.then(() => statements.push({ text, ms: performance.now() - started }), () => undefined);
      return pending;
    }) as typeof client.query;
  });
  const sweep = (name: string) => new PostgresStore({ pool: timed, table: name, createSchema: false, sweepIntervalMs: false }).sweep();
  try {
    const plain = await measureDeletion(backend, admin, rows, false, async (name) => (await admin.query(`DELETE FROM "${name}" WHERE expires_at <= now()`)).rowCount ?? 0);
    const alone = await measureDeletion(backend, admin, rows, false, sweep);
    const loaded = await measureDeletion(backend, admin, rows, true, sweep);
    const durations = statements.map((statement) => statement.ms);
    // NaN when nothing was timed: then the target reads missed, not met.
    const longest = durations.length > 0 ? Math.max(...durations) : Number.NaN;
    const blockWalk = statements.filter((statement) => statement.text.includes("ctid >= $1::tid")).length;
    const { idle, during } = loaded.p99;
    const check = (ok: boolean) => (ok ? "met" : "**missed**");
    const target = (what: string, figure: string, met: boolean) => context.openTarget?.({ backend: "postgres", target: `sweep of ${count(rows)} rows, half expired: ${what}`, figure, met });
    target("longest single statement <= 250 ms", `${longest.toFixed(0)} ms`, longest <= 250);
    target("total <= 1.5x one DELETE", `${(alone.ms / plain.ms).toFixed(2)}x (${alone.ms.toFixed(0)} / ${plain.ms.toFixed(0)} ms)`, alone.ms <= 1.5 * plain.ms);
    target("p99 load during <= 2x idle", `${(during / idle).toFixed(2)}x (${during.toFixed(2)} / ${idle.toFixed(2)} ms)`, during <= 2 * idle);
    return [
      `### postgres: sweeping ${count(rows)} rows of 1 KiB, half expired`,
      "",
      "Expiry times spread at random over the heap, as touched sessions end up. Each figure on a freshly built, vacuumed",
      `table: one plain DELETE, one \`sweep()\` alone, and one \`sweep()\` with a loop (c=1) loading live sessions beside it,`,
      `whose p99 is compared with the same loop's over the ${IDLE_MS / 1000} s before the sweep.`,
      "",
      table(["figure", "value:", "target"], [
        ["one plain `DELETE … WHERE expires_at <= now()`", `${plain.ms.toFixed(0)} ms (${count(plain.deleted)} rows)`, ""],
        ["`sweep()` total", `${alone.ms.toFixed(0)} ms (${count(alone.deleted)} rows), ${(alone.ms / plain.ms).toFixed(2)}x the DELETE`, `at most 1.5x: ${check(alone.ms <= 1.5 * plain.ms)}`],
        [
          "longest single sweep statement",
          `${longest.toFixed(0)} ms (of ${count(durations.length)} in both sweeps, ${count(blockWalk)} of them walking heap blocks; median ${percentile(durations, 50).toFixed(1)} ms, p99 ${percentile(durations, 99).toFixed(1)} ms)`,
          `at most 250 ms: ${check(longest <= 250)}`,
        ],
        ["p99 `load` idle / during the sweep", `${idle.toFixed(2)} / ${during.toFixed(2)} ms, ${(during / idle).toFixed(2)}x (that sweep: ${loaded.ms.toFixed(0)} ms)`, `at most 2x: ${check(during <= 2 * idle)}`],
      ]),
    ].join("\n");
  } finally {
    await Promise.all([admin.end(), timed.end()]);
  }
}

const bench: BackendBench = {
  contenders: [
    {
      name: `raw pg ${packageVersion("pg")}`,
      role: "raw",
      note: `the statements PostgresStore prepares (\`statementsFor\`, from @session-store/store-postgres/internal), on a pg.Pool of ${POOL_SIZE} with pg defaults, nothing around them`,
      open: async (backend) => {
        const [name, pool] = [backend.newNamespace(), newPool(backend)];
        await pool.query(schemaSql({ table: name }));
        const { load, store } = statementsFor({ schema: "public", table: name }, 1_000);
        return {
          load: async (id) => {
            const { rows } = await pool.query({ name: load.name, text: load.text, values: [id], rowMode: "array" });
            return rows[0] ? Buffer.from(rows[0][0] as string, "base64") : undefined;
          },
          store: (id, data, ttlMs) => pool.query({ name: store.name, text: store.text, values: [id, data, ttlMs], rowMode: "array" }),
          close: () => pool.end(),
        };
      },
    },
    {
      name: "session-store PostgresStore",
      role: "ours",
      note: `its own pool from the URL (pg's default max, ${POOL_SIZE}); the blob goes as a binary bytea parameter (copied on store) and comes back as base64 text; a 5 s deadline on every call`,
      open: (backend) => openStore(backend.storeUrl()),
    },
    {
      name: `connect-pg-simple ${packageVersion("connect-pg-simple")}`,
      role: "peer",
      note: `base64 in a session object beside its cookie (it stores json), on a pg.Pool of ${POOL_SIZE}; its pruning timer off`,
      open: async (backend) => {
        const pool = newPool(backend);
        const store = new (connectPgSimple(session))({ pool, tableName: backend.newNamespace(), createTableIfMissing: true, pruneSessionInterval: false });
        return expressStoreWorkload(store, () => pool.end());
      },
    },
    {
      name: `@keyv/postgres ${packageVersion("@keyv/postgres")} (keyv ${packageVersion("keyv")})`,
      role: "peer",
      note: `base64 in a session object, which keyv serializes to JSON text with its expiry, on its pg.Pool of ${POOL_SIZE}`,
      open: async (backend) => keyvWorkload(new Keyv({ store: new KeyvPostgres({ uri: backend.url, table: backend.newNamespace(), max: POOL_SIZE }), throwOnErrors: true }), true),
    },
  ],
  target: { minRatio: 0.95, sizes: [1024] },
  notes: `Every contender has a pool of ${POOL_SIZE} connections to the same server and a logged table of its own;
the server's defaults apply (\`synchronous_commit = on\`: each \`store\` waits for its WAL flush). At c=64 the
loops queue for the ${POOL_SIZE} connections. The server and the two cores are shared with whatever else runs
on the machine: compare figures within one run only.`,
  extra: sweepFigures,
};

export default bench;
