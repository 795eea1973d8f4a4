import { HOUR, waitFor } from "@session-store/harness";
import { afterAll, describe, expect, it } from "vitest";
import { migrationSql, schemaSql } from "../src/index.js";
import { ownerIndexName } from "../src/internal.js";
import { adminPool, backend, ownedStore, uniqueAppName } from "./support.js";

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array | undefined) => (data ? new TextDecoder().decode(data) : undefined);

/** The DDL of the first shape, as `git show HEAD:packages/store-postgres/src/schema.ts` (before issue 14) made it. */
function firstShapeSql(schema: string, table: string): string {
  return [
    `CREATE TABLE IF NOT EXISTS "${schema}"."${table}" (`,
    "  id text PRIMARY KEY,",
    "  data bytea NOT NULL,",
    "  expires_at timestamptz NOT NULL",
    ");",
    `CREATE INDEX IF NOT EXISTS "${table}_expires_at_idx" ON "${schema}"."${table}" (expires_at);`,
  ].join("\n");
}

describe.skipIf(backend.skip !== undefined)(backend.skip ? `postgres schema upgrade (skipped: ${backend.skip})` : "postgres schema upgrade", () => {
  const admin = adminPool();
  const schema = backend.newNamespace();

  afterAll(async () => {
    await backend.cleanup();
    await admin.end();
  });

  const fillFirstShape = async (table: string) => {
    await admin.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await admin.query(firstShapeSql(schema, table));
    await admin.query(
      `INSERT INTO "${schema}"."${table}" (id, data, expires_at) SELECT 'old' || g, convert_to('v' || g, 'UTF8'), now() + interval '1 hour' FROM generate_series(1, 500) g`,
    );
  };
  const ownerIndexValid = async (table: string) =>
    (await admin.query("SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass($1)", [`"${schema}"."${ownerIndexName(table)}"`])).rows[0]
      ?.indisvalid === true;

  it("opens a table of the first shape with rows: adds the columns, builds the owner index concurrently; rows load, management works", async () => {
    const table = "first_shape";
    await fillFirstShape(table);
    const store = ownedStore({ schema, table, applicationName: uniqueAppName("upgrade"), revocationGraceMs: 1000 });
    try {
      expect(text(await store.load("old1"))).toBe("v1");
      await waitFor("the owner index", () => ownerIndexValid(table));
      expect(await store.count()).toBe(500);
      expect((await store.entry("old2"))?.owner).toBeUndefined();
      expect(await store.store("old3", bytes("new"), HOUR, { owner: "u" })).toBe(true);
      expect(await store.store("n1", bytes("n"), HOUR, { owner: "u" })).toBe(true);
      expect((await store.sessionsOf("u")).map((s) => s.id).sort()).toEqual(["n1", "old3"]);
      expect(await store.removeSessionsOf("u", { except: "n1" })).toBe(1);
      expect(await store.revoke("old4")).toBe(true);
      expect(await store.load("old4")).toBeUndefined();
      expect(await store.store("old4", bytes("late"), HOUR)).toBe(false);
      expect(await store.count()).toBe(499);
      // Nothing but the columns and the index changed: the old rows are where they were.
      const { rows } = await admin.query(`SELECT count(*)::int AS n FROM "${schema}"."${table}" WHERE owner IS NULL AND revoked IS NULL`);
      expect(rows[0].n).toBe(498);
    } finally {
      await store.close();
    }
  });

  it("fails the setup (and retries on the next call) rather than queue behind a long lock on the table", async () => {
    const table = "locked_shape";
    await fillFirstShape(table);
    const locker = await admin.connect();
    const store = ownedStore({ schema, table, applicationName: uniqueAppName("upgrade-locked"), timeoutMs: 3000 });
    try {
      await locker.query(`BEGIN; LOCK TABLE "${schema}"."${table}" IN ACCESS SHARE MODE`);
      const started = performance.now();
      const error = await store.load("old1").catch((reason: unknown) => reason);
      expect(((error as Error).cause as { code?: string }).code).toBe("55P03");
      expect(performance.now() - started).toBeLessThan(2500);
      await locker.query("ROLLBACK");
      expect(text(await store.load("old1"))).toBe("v1");
    } finally {
      await locker.query("ROLLBACK").catch(() => undefined);
      locker.release();
      await store.close();
    }
  });

  it("migrationSql upgrades a table of the first shape for createSchema: false; it matches schemaSql's shape", async () => {
    const table = "manual_shape";
    await fillFirstShape(table);
    for (const statement of migrationSql({ schema, table })) await admin.query(statement);
    // Run twice: idempotent.
    for (const statement of migrationSql({ schema, table })) await admin.query(statement);
    expect(await ownerIndexValid(table)).toBe(true);
    const columns = async (name: string) =>
      (
        await admin.query(
          "SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position",
          [schema, name],
        )
      ).rows;
    await admin.query(schemaSql({ schema, table: "fresh_shape" }));
    expect(await columns(table)).toEqual(await columns("fresh_shape"));
    const store = ownedStore({ schema, table, createSchema: false, applicationName: uniqueAppName("upgrade-manual") });
    try {
      expect(text(await store.load("old1"))).toBe("v1");
      expect(await store.store("m", bytes("x"), HOUR, { owner: "u" })).toBe(true);
      expect((await store.sessionsOf("u")).map((s) => s.id)).toEqual(["m"]);
    } finally {
      await store.close();
    }
  });
});
