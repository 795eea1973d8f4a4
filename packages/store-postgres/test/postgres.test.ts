import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { SessionStoreError } from "@session-store/core";
import pg from "pg";
import { afterAll, describe, expect, it, vi } from "vitest";
import { DEFAULT_APPLICATION_NAME, DEFAULT_SWEEP_INTERVAL_MS, migrationSql, PostgresStore, schemaSql } from "../src/index.js";
import { expiryIndexName, statementsFor } from "../src/internal.js";
import type { PostgresStoreOptions } from "../src/index.js";
import { HOUR, waitFor } from "@session-store/harness";
import { adminPool, backend, onQuery, ownedStore, uniqueAppName, url } from "./support.js";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const skipped = (name: string) => (backend.skip ? `${name} (skipped: ${backend.skip})` : name);
const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array | undefined) => (data ? new TextDecoder().decode(data) : undefined);

describe("options (checked before any I/O)", () => {
  const base = { connection: "postgres://nobody@127.0.0.1:1/none" } as const;

  it("needs exactly one of pool and connection", () => {
    expect(() => new PostgresStore({})).toThrow(TypeError);
    const pool = new pg.Pool({ connectionString: base.connection });
    expect(() => new PostgresStore({ pool, connection: base.connection })).toThrow(TypeError);
    expect(() => new PostgresStore({ pool: {} as pg.Pool })).toThrow(TypeError);
    void pool.end();
  });

  it.each([
    ['with a quote: a"b', 'a"b'],
    ["with a dot: public.sessions", "public.sessions"],
    ["with a semicolon: x;DROP TABLE y", "x;DROP TABLE y"],
    ["empty", ""],
    ["with a space", "my table"],
    ["starting with a digit", "1sessions"],
    ["longer than 63 characters", "t".repeat(64)],
  ])("refuses a table or schema name %s", (_, name) => {
    expect(() => new PostgresStore({ ...base, table: name })).toThrow(RangeError);
    expect(() => new PostgresStore({ ...base, schema: name })).toThrow(RangeError);
    expect(() => schemaSql({ table: name })).toThrow(RangeError);
  });

  it("refuses bad values of the other options", () => {
    const bad: Array<[Partial<PostgresStoreOptions>, ErrorConstructor]> = [
      [{ table: 42 as unknown as string }, TypeError],
      [{ createSchema: "yes" as unknown as boolean }, TypeError],
      [{ unlogged: 1 as unknown as boolean }, TypeError],
      [{ sweepBatchSize: 0 }, RangeError],
      [{ sweepBatchSize: 2.5 }, RangeError],
      [{ sweepBatchSize: 1_000_000 }, RangeError],
      [{ timeoutMs: 0 }, RangeError],
      [{ timeoutMs: Number.NaN }, RangeError],
      [{ sweepIntervalMs: -1 }, RangeError],
      [{ sweepIntervalMs: 0 }, RangeError],
      [{ sweepIntervalMs: 2 ** 31 }, RangeError],
      [{ sweepIntervalMs: true as unknown as false }, TypeError],
      [{ sweepIntervalMs: "15m" as unknown as number }, TypeError],
    ];
    for (const [options, type] of bad) expect(() => new PostgresStore({ ...base, ...options }), JSON.stringify(options)).toThrow(type);
  });

  it("refuses an unknown option, naming the one meant", () => {
    const misspelt = { ...base, tabel: "sessions" } as PostgresStoreOptions;
    expect(() => new PostgresStore(misspelt)).toThrow(new TypeError("PostgresStore has no option `tabel`; did you mean `table`?"));
    const unknown = { ...base, sweepInterval: 1000 } as PostgresStoreOptions;
    expect(() => new PostgresStore(unknown)).toThrow(/no option `sweepInterval`; did you mean `sweepIntervalMs`\?/);
  });

  it("takes sweepIntervalMs: false (no background sweep) and a number; the default is 15 minutes", async () => {
    expect(DEFAULT_SWEEP_INTERVAL_MS).toBe(15 * 60_000);
    for (const sweepIntervalMs of [false, 60_000, undefined] as const) await new PostgresStore({ ...base, sweepIntervalMs }).close();
  });

  it("exports the DDL as text, quoted, with the expiry index and the partial owner index", () => {
    expect(schemaSql()).toBe(
      [
        'CREATE TABLE IF NOT EXISTS "public"."sessions" (',
        "  id text PRIMARY KEY,",
        "  data bytea NOT NULL,",
        "  expires_at timestamptz NOT NULL,",
        "  owner text,",
        "  revoked boolean",
        ");",
        'CREATE INDEX IF NOT EXISTS "sessions_expires_at_idx" ON "public"."sessions" (expires_at);',
        'CREATE INDEX IF NOT EXISTS "sessions_owner_idx" ON "public"."sessions" (owner) WHERE owner IS NOT NULL;',
        "",
      ].join("\n"),
    );
    const custom = schemaSql({ schema: "auth", table: "Sessions", unlogged: true });
    expect(custom).toContain('CREATE SCHEMA IF NOT EXISTS "auth";');
    expect(custom).toContain('CREATE UNLOGGED TABLE IF NOT EXISTS "auth"."Sessions" (');
    expect(custom).toContain('CREATE INDEX IF NOT EXISTS "Sessions_expires_at_idx" ON "auth"."Sessions" (expires_at);');
  });

  it("keeps index names within 63 characters and distinct for long table names", () => {
    const a = `${"s".repeat(55)}_a`;
    const b = `${"s".repeat(55)}_b`;
    expect(expiryIndexName(a).length).toBeLessThanOrEqual(63);
    expect(expiryIndexName(a)).not.toBe(expiryIndexName(b));
    expect(expiryIndexName("sessions")).toBe("sessions_expires_at_idx");
  });
});

describe.skipIf(backend.skip !== undefined)(skipped("postgres: table, pools, clock and sweep"), () => {
  const admin = adminPool();
  const schema = backend.newNamespace();
  const remaining = async (table: string, id: string) => (await backend.inspect(`${schema}.${table}`, id))?.expiresInMs ?? Number.NaN;
  let tables = 0;
  const newTable = () => `t${++tables}`;
  const stores: PostgresStore[] = [];
  const open = (options: Parameters<typeof ownedStore>[0]) => {
    const store = ownedStore({ schema, applicationName: uniqueAppName("store"), ...options });
    stores.push(store);
    return store;
  };

  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await backend.cleanup();
    await admin.end();
  });

  describe("the table", () => {
    it("is created on first use with the documented columns, primary key and expiry index", async () => {
      const table = newTable();
      const store = open({ table });
      await store.store("a", bytes("x"), HOUR);
      const columns = await admin.query(
        "SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position",
        [schema, table],
      );
      expect(columns.rows).toEqual([
        { column_name: "id", data_type: "text", is_nullable: "NO" },
        { column_name: "data", data_type: "bytea", is_nullable: "NO" },
        { column_name: "expires_at", data_type: "timestamp with time zone", is_nullable: "NO" },
        { column_name: "owner", data_type: "text", is_nullable: "YES" },
        { column_name: "revoked", data_type: "boolean", is_nullable: "YES" },
      ]);
      const indexes = await admin.query("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = $2 ORDER BY 1", [
        schema,
        table,
      ]);
      expect(indexes.rows.map((row) => row.indexname)).toEqual([`${table}_expires_at_idx`, `${table}_owner_idx`, `${table}_pkey`]);
      expect(indexes.rows[0].indexdef).toMatch(/USING btree \(expires_at\)$/);
      expect(indexes.rows[1].indexdef).toMatch(/USING btree \(owner\) WHERE \(owner IS NOT NULL\)$/);
      expect(await persistence(table)).toBe("p");
    });

    it("is UNLOGGED with unlogged: true", async () => {
      const table = newTable();
      await open({ table, unlogged: true }).store("a", bytes("x"), HOUR);
      expect(await persistence(table)).toBe("u");
    });

    it("keeps the case of its name and may be named with a reserved word (always quoted)", async () => {
      for (const table of ["Select", "user"]) {
        const store = open({ table });
        await store.store("a", bytes(table), HOUR);
        expect(text(await store.load("a"))).toBe(table);
        expect(await persistence(table)).toBe("p");
      }
    });

    it("with createSchema: false, runs no DDL: calls fail naming schemaSql on a missing table and work once it ran", async () => {
      const table = newTable();
      const store = open({ table, createSchema: false });
      // An id that cannot occur in the message: the call's id is cut out of it.
      for (const call of [() => store.store("id-1", bytes("x"), HOUR), () => store.load("id-1")]) {
        const error = await call().catch((reason: unknown) => reason);
        expect(error).toBeInstanceOf(SessionStoreError);
        expect((error as Error).message).toContain(`create the table with the DDL of schemaSql({ schema: "${schema}", table: "${table}" })`);
        expect((error as Error).message).toContain(`"${schema}"."${table}" does not exist`);
      }
      expect(await persistence(table)).toBeUndefined();
      await admin.query(schemaSql({ schema, table }));
      await store.store("a", bytes("x"), HOUR);
      expect(text(await store.load("a"))).toBe("x");
    });

    it("with createSchema: false, calls on a table of the first shape fail naming migrationSql until it ran", async () => {
      const table = newTable();
      await admin.query(`CREATE TABLE "${schema}"."${table}" (id text PRIMARY KEY, data bytea NOT NULL, expires_at timestamptz NOT NULL)`);
      const store = open({ table, createSchema: false });
      await expect(store.load("id-1")).rejects.toThrow(`run the statements of migrationSql({ schema: "${schema}", table: "${table}" })`);
      for (const statement of migrationSql({ schema, table })) await admin.query(statement);
      expect(await store.load("a")).toBeUndefined();
    });

    it("is created once per store: a table dropped behind its back is not created again", async () => {
      const table = newTable();
      const store = open({ table });
      await store.store("a", bytes("x"), HOUR);
      await admin.query(`DROP TABLE "${schema}"."${table}"`);
      const error = await store.load("a").catch((reason: unknown) => reason);
      expect(((error as Error).cause as { code?: string }).code).toBe("42P01");
    });

    it("retries a failed creation on the next call", async () => {
      const table = newTable();
      // A view of that name: CREATE TABLE IF NOT EXISTS passes, CREATE INDEX on a view fails.
      await admin.query(`CREATE VIEW "${schema}"."${table}" AS SELECT 1 AS one`);
      const store = open({ table });
      await expect(store.store("a", bytes("x"), HOUR)).rejects.toBeInstanceOf(SessionStoreError);
      await admin.query(`DROP VIEW "${schema}"."${table}"`);
      await store.store("a", bytes("x"), HOUR);
      expect(text(await store.load("a"))).toBe("x");
    });

    it("is created once when many processes start on a fresh schema and table at the same moment", async () => {
      for (let round = 0; round < 3; round++) {
        const freshSchema = backend.newNamespace();
        const racers = Array.from({ length: 8 }, () => open({ schema: freshSchema, table: "sessions", max: 1 }));
        const results = await Promise.allSettled(racers.map((store, i) => store.store(`id${i}`, bytes(`${i}`), HOUR)));
        expect(results.filter((result) => result.status === "rejected")).toEqual([]);
        const count = await admin.query(`SELECT count(*)::int AS n FROM "${freshSchema}"."sessions"`);
        expect(count.rows[0].n).toBe(8);
        const indexes = await admin.query("SELECT count(*)::int AS n FROM pg_indexes WHERE schemaname = $1", [freshSchema]);
        expect(indexes.rows[0].n).toBe(3);
      }
    });
  });

  describe("pools", () => {
    it("leaves a caller's pool open on close", async () => {
      const pool = new pg.Pool({ connectionString: url, max: 2, application_name: uniqueAppName("caller") });
      pool.on("error", () => undefined);
      try {
        const store = new PostgresStore({ pool, schema, table: newTable() });
        await store.store("a", bytes("x"), HOUR);
        await store.close();
        expect(pool.ending).toBe(false);
        expect((await pool.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
        await expect(store.load("a")).rejects.toThrow(/closed/);
      } finally {
        await pool.end();
      }
    });

    it("ends its own pool on close", async () => {
      const store = open({ table: newTable() });
      await store.store("a", bytes("x"), HOUR);
      await store.close();
      expect(store.pool.ended).toBe(true);
    });

    it("names its own connections with applicationName, by default session-store", async () => {
      const named = open({ table: newTable(), applicationName: "my-app-sessions" });
      const byDefault = new PostgresStore({ connection: url, schema, table: newTable() });
      stores.push(byDefault);
      const applicationName = "SELECT current_setting('application_name') AS name";
      expect((await named.pool.query(applicationName)).rows[0].name).toBe("my-app-sessions");
      expect((await byDefault.pool.query(applicationName)).rows[0].name).toBe(DEFAULT_APPLICATION_NAME);
    });

    it("copies the data when store() is called: a query waiting for a connection never sees later changes", async () => {
      const store = open({ table: newTable(), max: 1 });
      await store.store("warm", bytes("up"), HOUR);
      const busy = store.pool.query("SELECT pg_sleep(0.2)");
      const data = bytes("original");
      const storing = store.store("a", data, HOUR);
      data.fill(0x21);
      await Promise.all([busy, storing]);
      expect(text(await store.load("a"))).toBe("original");
    });
  });

  describe("one clock, the database's", () => {
    it("agrees across sessions with different TimeZone and DateStyle settings", async () => {
      const table = newTable();
      const east = open({ table, pgOptions: "-c TimeZone=Pacific/Kiritimati" }); // UTC+14
      const west = open({ table, pgOptions: "-c TimeZone=America/Adak -c DateStyle=SQL,DMY", sweepBatchSize: 2 }); // UTC-10
      const started = performance.now();
      await east.store("long", bytes("long"), 60_000);
      expect(text(await west.load("long"))).toBe("long");
      const left = await remaining(table, "long");
      expect(left).toBeLessThanOrEqual(60_000);
      expect(left).toBeGreaterThan(60_000 - (performance.now() - started) - 5);

      await west.touch("long", 120_000);
      expect(await remaining(table, "long")).toBeGreaterThan(110_000);

      // Short sessions written from one side expire for the other on time, and sweep from there.
      const stored = performance.now();
      for (const id of ["s1", "s2", "s3", "s4", "s5"]) await east.store(id, bytes(id), 150);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, stored + 250 - performance.now())));
      expect(await west.load("s1")).toBeUndefined();
      expect(await west.touch("s2", HOUR)).toBe(false);
      expect(await east.remove("s3")).toBe(false);
      expect(await west.sweep()).toBe(4);
      expect(text(await east.load("long"))).toBe("long");
    });

    it("ignores the app's clock: a store in a process whose Date is hours off agrees with the database", async () => {
      const table = newTable();
      const store = open({ table });
      vi.useFakeTimers({ toFake: ["Date"] });
      try {
        vi.setSystemTime(Date.now() + 6 * HOUR);
        await store.store("ahead", bytes("a"), 60_000);
        vi.setSystemTime(Date.now() - 12 * HOUR);
        expect(text(await store.load("ahead"))).toBe("a");
        expect(await store.touch("ahead", 60_000)).toBe(true);
        const left = await remaining(table, "ahead");
        expect(left).toBeGreaterThan(55_000);
        expect(left).toBeLessThanOrEqual(60_000);
        await store.store("short", bytes("s"), 100);
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(await store.load("short")).toBeUndefined();
        expect(await store.sweep()).toBe(1);
      } finally {
        vi.useRealTimers();
      }
    });
  });

  describe("sweep", () => {
    it("EXPLAIN: the batch walks the expiry index, the block walk is a TID range scan, load uses the primary key", async () => {
      const table = newTable();
      const store = open({ table, sweepBatchSize: 100 });
      await store.store("a", bytes("x"), HOUR);
      await fill(table, { live: 10_000, expired: 10_000, size: 16 });
      const statements = statementsFor({ schema, table }, 100);
      const client = await admin.connect();
      try {
        // The sweep's statements are not prepared: each run is planned with its values.
        await client.query("SET plan_cache_mode = force_custom_plan");
        expect(statements.sweepBatch.name).toBeUndefined();
        const batch = await explain(client, statements.sweepBatch.text, "timestamptz", "'-infinity'");
        expect(batch).toContainEqual(expect.objectContaining({ "Node Type": "Index Scan", "Index Name": expiryIndexName(table) }));
        expect(batch).toContainEqual(expect.objectContaining({ "Node Type": "Limit", "Plan Rows": 100 }));
        const blocks = await explain(client, statements.sweepBlocks.text, "tid, tid", "'(0,0)', '(50,0)'");
        expect(blocks).toContainEqual(expect.objectContaining({ "Node Type": "Tid Range Scan" }));
        // The hot path is prepared: after five runs pg may switch to the generic plan, which must stay on the key.
        for (const mode of ["force_custom_plan", "force_generic_plan"]) {
          await client.query(`SET plan_cache_mode = ${mode}`);
          for (const [statement, types, args] of [
            [statements.load, "text", "'a'"],
            [statements.touch, "text, float8", "'a', 1000"],
            [statements.remove, "text", "'a'"],
          ] as const) {
            const plan = await explain(client, statement.text, types, args);
            expect(plan, `${mode}: ${statement.text}`).toContainEqual(
              expect.objectContaining({ "Node Type": "Index Scan", "Index Name": `${table}_pkey` }),
            );
          }
        }
      } finally {
        await client.query("RESET plan_cache_mode");
        client.release();
      }
    });

    for (const [mode, rows, walksHeap] of [
      ["along the index (few expired)", { live: 4_000, expired: 60, size: 1024 }, false],
      ["walking the heap (a large backlog)", { live: 3_000, expired: 3_000, size: 1024 }, true],
    ] as const) {
      it(`several processes sweeping at once ${mode} delete each row once, with counts that add up`, async () => {
        const table = newTable();
        await open({ table }).store("warm", bytes("up"), HOUR);
        await fill(table, rows);
        const statements = statementsFor({ schema, table }, 10);
        const ran = new Set<string>();
        const sweepers = Array.from({ length: 3 }, () => {
          const pool = new pg.Pool({ connectionString: url, max: 2, application_name: uniqueAppName("sweeper") });
          onQuery(pool, (config) => ran.add(config.text));
          return { pool, store: new PostgresStore({ pool, schema, table, sweepBatchSize: 10, createSchema: false }) };
        });
        try {
          const counts = await Promise.all(sweepers.map(({ store }) => store.sweep()));
          expect(counts.reduce((sum, count) => sum + count, 0)).toBe(rows.expired);
          const left = await admin.query(
            `SELECT count(*) FILTER (WHERE expires_at <= now())::int AS expired, count(*)::int AS total FROM "${schema}"."${table}"`,
          );
          expect(left.rows[0]).toEqual({ expired: 0, total: rows.live + 1 });
          expect(ran.has(statements.sweepBatch.text)).toBe(true);
          expect(ran.has(statements.sweepBlocks.text), "walked the heap").toBe(walksHeap);
        } finally {
          await Promise.all(sweepers.map(({ pool }) => pool.end()));
        }
      });
    }

    it("ends at the next statement when the store is closed mid-sweep, resolving what it deleted", async () => {
      const table = newTable();
      const store = open({ table, sweepBatchSize: 1 });
      await store.store("live", bytes("x"), HOUR);
      await fill(table, { live: 0, expired: 20, size: 16 });
      const sweeping = store.sweep();
      await store.close();
      expect(await sweeping).toBe(1);
      expect(await count(table)).toBe(20);
    });

    it("runs in the background by default, and not at all with sweepIntervalMs: false", async () => {
      const [swept, kept] = [newTable(), newTable()];
      for (const table of [swept, kept]) {
        await admin.query(schemaSql({ schema, table }));
        await fill(table, { live: 1, expired: 20, size: 16 });
      }
      // The first background run comes at a random point of the first interval: here, at once.
      const random = vi.spyOn(Math, "random").mockReturnValue(0);
      // Given as undefined, which is the default (open() otherwise turns the background sweep off).
      open({ table: swept, sweepIntervalMs: undefined });
      const notSweeping = open({ table: kept, sweepIntervalMs: false });
      random.mockRestore();
      await waitFor("the default background sweep", async () => (await count(swept)) === 1);
      expect(await count(kept)).toBe(21);
      expect(await notSweeping.sweep()).toBe(20);
    });

    it("leaves a process free to exit: a store with its default sweeper, never closed, does not keep it alive", async () => {
      const script = [
        `import { PostgresStore } from "@session-store/store-postgres";`,
        `const store = new PostgresStore({ connection: ${JSON.stringify(url)}, schema: ${JSON.stringify(schema)}, table: "exits" });`,
      ].join("\n");
      // Uses the built package (dist/): run `pnpm --filter @session-store/store-postgres build` first.
      const child = promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], { cwd: packageDir, timeout: 15_000 });
      await expect(child).resolves.toMatchObject({ stderr: "" });
    });

    it("runs in the background with sweepIntervalMs, and close() stops it", async () => {
      const table = newTable();
      const store = open({ table, sweepIntervalMs: 50 });
      await store.store("live", bytes("x"), HOUR);
      await fill(table, { live: 0, expired: 50, size: 16 });
      await waitFor("the background sweep", async () => (await count(table)) === 1);
      await store.close();
      expect(store.pool.ended).toBe(true);
    });
  });

  async function persistence(table: string): Promise<string | undefined> {
    const { rows } = await admin.query(
      "SELECT relpersistence FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind = 'r'",
      [schema, table],
    );
    return rows[0]?.relpersistence;
  }

  async function count(table: string): Promise<number> {
    const { rows } = await admin.query(`SELECT count(*)::int AS n FROM "${schema}"."${table}"`);
    return rows[0].n;
  }

  /** Inserts live and already expired rows of `size` bytes, spread at random over the heap, then ANALYZE. */
  async function fill(table: string, rows: { live: number; expired: number; size: number }): Promise<void> {
    await admin.query(
      `INSERT INTO "${schema}"."${table}" SELECT 'row-' || g, decode(repeat('ab', $1), 'hex'),
         CASE WHEN g <= $2 THEN now() + interval '1 hour' ELSE now() - interval '1 second' END
       FROM generate_series(1, $3::int) g ORDER BY random()`,
      [rows.size, rows.live, rows.live + rows.expired],
    );
    await admin.query(`ANALYZE "${schema}"."${table}"`);
  }
});

/** The plan nodes of a prepared statement executed with `args`, flattened. */
async function explain(client: pg.PoolClient, statement: string, types: string, args: string): Promise<Array<Record<string, unknown>>> {
  await client.query(`PREPARE explained(${types}) AS ${statement}`);
  try {
    const { rows } = await client.query(`EXPLAIN (FORMAT JSON) EXECUTE explained(${args})`);
    const nodes: Array<Record<string, unknown>> = [];
    const walk = (node: Record<string, unknown>) => {
      nodes.push(node);
      for (const child of (node.Plans as Array<Record<string, unknown>> | undefined) ?? []) walk(child);
    };
    walk(rows[0]["QUERY PLAN"][0].Plan);
    return nodes;
  } finally {
    await client.query("DEALLOCATE explained");
  }
}
