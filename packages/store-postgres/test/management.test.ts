import { HOUR, waitFor } from "@session-store/harness";
import { SessionStoreError } from "@session-store/core";
import { afterAll, describe, expect, it } from "vitest";
import { PostgresStore } from "../src/index.js";
import { ownerIndexName, statementsFor } from "../src/internal.js";
import { adminPool, backend, ownedStore, uniqueAppName } from "./support.js";

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array | undefined) => (data ? new TextDecoder().decode(data) : undefined);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("options", () => {
  it("refuses a bad revocationGraceMs before any I/O", () => {
    const connection = "postgres://nobody@127.0.0.1:1/none";
    expect(() => new PostgresStore({ connection, revocationGraceMs: -1 })).toThrow(RangeError);
    expect(() => new PostgresStore({ connection, revocationGraceMs: "1" as unknown as number })).toThrow(TypeError);
  });
});

describe.skipIf(backend.skip !== undefined)(backend.skip ? `postgres management (skipped: ${backend.skip})` : "postgres management", () => {
  const admin = adminPool();
  const schema = backend.newNamespace();
  let tables = 0;
  const stores: PostgresStore[] = [];
  const open = (options: Partial<Parameters<typeof ownedStore>[0]> = {}) => {
    const store = ownedStore({ schema, table: `m${++tables}`, applicationName: uniqueAppName("management"), ...options });
    stores.push(store);
    return store;
  };
  const row = async (table: string, id: string) =>
    (
      await admin.query(
        `SELECT octet_length(data) AS size, owner, revoked, (extract(epoch FROM expires_at - now()) * 1000)::float8 AS left_ms FROM "${schema}"."${table}" WHERE id = $1`,
        [id],
      )
    ).rows[0] as { size: number; owner: string | null; revoked: boolean | null; left_ms: number } | undefined;

  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await backend.cleanup();
    await admin.end();
  });

  it("store resolves true and files the owner; a store without one leaves none; touch keeps it", async () => {
    const store = open();
    expect(await store.store("a", bytes("1"), HOUR, { owner: "u1" })).toBe(true);
    expect((await store.entry("a"))?.owner).toBe("u1");
    expect(await store.store("a", bytes("2"), HOUR, { owner: "u2" })).toBe(true);
    expect(await store.sessionsOf("u1")).toEqual([]);
    expect((await store.sessionsOf("u2")).map((s) => s.id)).toEqual(["a"]);
    expect(await store.touch("a", 2 * HOUR)).toBe(true);
    expect((await store.entry("a"))?.owner).toBe("u2");
    expect(await store.store("a", bytes("3"), HOUR)).toBe(true);
    const entry = await store.entry("a");
    expect(entry && "owner" in entry).toBe(false);
    expect(await store.sessionsOf("u2")).toEqual([]);
  });

  it("checks store options before any I/O", async () => {
    const store = open();
    await expect(store.store("a", bytes("x"), HOUR, "u" as never)).rejects.toThrow(TypeError);
    await expect(store.store("a", bytes("x"), HOUR, { owner: "" })).rejects.toThrow(RangeError);
    await expect(store.store("a", bytes("x"), HOUR, { owner: "a\0b" })).rejects.toThrow(RangeError);
    await expect(store.sessionsOf(42 as never)).rejects.toThrow(TypeError);
    await expect(store.removeSessionsOf("u", { except: "" })).rejects.toThrow(RangeError);
    await expect(store.removeSessionsOf("u", 1 as never)).rejects.toThrow(TypeError);
    expect(await store.load("a")).toBeUndefined();
  });

  it("entry: data, expiresAt by the database's clock (epoch ms), owner; undefined when absent or expired", async () => {
    const store = open();
    await store.store("a", bytes("data"), 60_000, { owner: "u" });
    const { rows } = await admin.query<{ now: number }>("SELECT (extract(epoch FROM now()) * 1000)::float8 AS now");
    const entry = await store.entry("a");
    expect(text(entry?.data)).toBe("data");
    expect(entry?.owner).toBe("u");
    expect(Number.isInteger(entry?.expiresAt)).toBe(true);
    expect(entry!.expiresAt).toBeGreaterThan(rows[0]!.now + 59_000);
    expect(entry!.expiresAt).toBeLessThanOrEqual(rows[0]!.now + 60_001);
    expect(await store.entry("none")).toBeUndefined();
    await store.store("short", bytes("s"), 50);
    await sleep(100);
    expect(await store.entry("short")).toBeUndefined();
  });

  it("revoke: true for a live session, leaves a tombstone in the same row; while revoked everything refuses it", async () => {
    const table = `m${tables + 1}`;
    const store = open();
    await store.store("a", bytes("x"), HOUR, { owner: "u" });
    expect(await backend.inspect(`${schema}.${table}`, "a")).toBeDefined();
    expect(await store.revoke("a")).toBe(true);
    expect(await row(table, "a")).toMatchObject({ size: 0, owner: null, revoked: true });
    // The harness's back door reports a revocation as no session.
    expect(await backend.inspect(`${schema}.${table}`, "a")).toBeUndefined();
    expect((await row(table, "a"))!.left_ms).toBeGreaterThan(HOUR - 10_000);
    expect(await store.load("a")).toBeUndefined();
    expect(await store.entry("a")).toBeUndefined();
    expect(await store.store("a", bytes("late"), HOUR, { owner: "u" })).toBe(false);
    expect(await store.touch("a", HOUR)).toBe(false);
    expect(await store.remove("a")).toBe(false);
    expect(await row(table, "a")).toMatchObject({ size: 0, revoked: true });
    expect(await store.sessionsOf("u")).toEqual([]);
    expect(await store.count()).toBe(0);
    const listed: string[] = [];
    for await (const entry of store.entries()) listed.push(entry.id);
    expect(listed).toEqual([]);
    expect(await store.revoke("a")).toBe(false);
    expect((await row(table, "a"))!.left_ms).toBeGreaterThan(HOUR - 10_000);
  });

  it("revoke of an absent id leaves a grace-long tombstone; once it ends the id is usable again and sweep deletes ended ones", async () => {
    const table = `m${tables + 1}`;
    const store = open({ revocationGraceMs: 1000 });
    expect(await store.revoke("gone")).toBe(false);
    expect(await store.store("gone", bytes("x"), HOUR)).toBe(false);
    const left = (await row(table, "gone"))!.left_ms;
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThanOrEqual(1000);
    await store.store("short", bytes("x"), 50);
    expect(await store.revoke("short")).toBe(true);
    expect(await store.revoke("other")).toBe(false);
    await sleep(1100);
    // An ended revocation is overwritten like an expired row...
    expect(await store.store("other", bytes("back"), HOUR)).toBe(true);
    expect(text(await store.load("other"))).toBe("back");
    expect(await row(table, "other")).toMatchObject({ revoked: null });
    // ...and swept like one.
    expect(await store.sweep()).toBe(2);
    expect(await row(table, "gone")).toBeUndefined();
  });

  it("a revoked session stays dead until its own expiry when that is later than the grace", async () => {
    const store = open({ revocationGraceMs: 100 });
    await store.store("a", bytes("x"), 1500);
    const revoked = performance.now();
    expect(await store.revoke("a")).toBe(true);
    await sleep(500);
    expect(await store.store("a", bytes("y"), HOUR)).toBe(false);
    await sleep(Math.max(0, revoked + 1700 - performance.now()));
    expect(await store.store("a", bytes("y"), HOUR)).toBe(true);
  });

  it("keeps call order on one id: store then revoke, unawaited, ends revoked; revoke then store too", async () => {
    const store = open();
    const ids = Array.from({ length: 30 }, (_, i) => `r${i}`);
    const results = await Promise.all(
      ids.flatMap((id, i) =>
        i % 2 === 0
          ? [store.store(id, bytes("x"), HOUR), store.revoke(id)]
          : [store.revoke(id), store.store(id, bytes("x"), HOUR)],
      ),
    );
    expect(results.filter((_, i) => i % 4 === 3)).toEqual(ids.filter((_, i) => i % 2 === 1).map(() => false));
    for (const id of ids) expect(await store.load(id)).toBeUndefined();
  });

  it("sessionsOf lists live sessions of the owner only; removeSessionsOf revokes them but except, counting live ones", async () => {
    const store = open();
    const other = open();
    for (const id of ["a", "b", "c", "d"]) await store.store(id, bytes(id), HOUR, { owner: "u" });
    await store.store("x", bytes("x"), HOUR, { owner: "v" });
    await store.store("e", bytes("e"), 50, { owner: "u" });
    await other.store("a2", bytes("x"), HOUR, { owner: "u" });
    await store.remove("d");
    await sleep(100);
    const listed = await store.sessionsOf("u");
    expect(listed.map((s) => s.id).sort()).toEqual(["a", "b", "c"]);
    for (const session of listed) expect(session.expiresAt).toBeGreaterThan(Date.now() + HOUR - 60_000);
    expect(await store.sessionsOf("nobody")).toEqual([]);
    expect(await store.removeSessionsOf("u", { except: "b" })).toBe(2);
    expect((await store.sessionsOf("u")).map((s) => s.id)).toEqual(["b"]);
    expect(await store.store("a", bytes("late"), HOUR, { owner: "u" })).toBe(false);
    expect(text(await store.load("b"))).toBe("b");
    expect(text(await store.load("x"))).toBe("x");
    expect(await store.removeSessionsOf("u", { except: "not-theirs" })).toBe(1);
    expect(await store.removeSessionsOf("u")).toBe(0);
    expect(await other.sessionsOf("u")).toHaveLength(1);
  });

  it("entries: every live session once with data, expiresAt and owner, in batches; bad options reject on the first next()", async () => {
    const store = open();
    for (let i = 0; i < 25; i++) await store.store(`id-${i}`, bytes(`${i}`), HOUR, i % 2 ? { owner: "u" } : undefined);
    await store.store("expired", bytes("x"), 20);
    await store.revoke("id-3");
    await sleep(50);
    for (const batchSize of [1, 7, 100]) {
      const seen = new Map<string, string | undefined>();
      for await (const entry of store.entries({ batchSize })) {
        expect(seen.has(entry.id)).toBe(false);
        expect(text(entry.data)).toBe(entry.id.slice(3));
        expect(entry.expiresAt).toBeGreaterThan(Date.now() + HOUR - 60_000);
        seen.set(entry.id, entry.owner);
      }
      expect(seen.size).toBe(24);
      expect(seen.get("id-1")).toBe("u");
      expect(seen.has("id-3")).toBe(false);
      expect("owner" in ([...seen.entries()].find(([id]) => id === "id-2") ?? [])).toBe(false);
    }
    const bad = store.entries({ batchSize: 0 })[Symbol.asyncIterator]();
    await expect(bad.next()).rejects.toThrow(RangeError);
    const wrong = store.entries("x" as never)[Symbol.asyncIterator]();
    await expect(wrong.next()).rejects.toThrow(TypeError);
  });

  it("entries is lazy: sessions removed after the first item are not yielded", async () => {
    const store = open();
    for (let i = 0; i < 100; i++) await store.store(`k${String(i).padStart(3, "0")}`, bytes("x"), HOUR);
    let yielded = 0;
    for await (const _ of store.entries({ batchSize: 10 })) {
      if (++yielded === 1) await store.clear();
    }
    expect(yielded).toBe(10);
  });

  it("count and clear: clear removes every session, keeps revocations, resolves how many were live", async () => {
    const store = open({ sweepBatchSize: 3 });
    for (let i = 0; i < 10; i++) await store.store(`c${i}`, bytes("x"), HOUR, { owner: "u" });
    await store.store("expired", bytes("x"), 20);
    await store.revoke("c0");
    await sleep(50);
    expect(await store.count()).toBe(9);
    expect(await store.clear()).toBe(9);
    expect(await store.count()).toBe(0);
    expect(await store.sessionsOf("u")).toEqual([]);
    expect(await store.store("c0", bytes("x"), HOUR)).toBe(false);
    expect(await store.store("c1", bytes("x"), HOUR)).toBe(true);
  });

  it("errors of management calls name the operation, and neither the id nor the owner", async () => {
    const store = open({ table: "missing", createSchema: false });
    const firstOf = async (iterable: AsyncIterable<unknown>) => {
      for await (const item of iterable) return item;
    };
    for (const [operation, call] of [
      ["entry", () => store.entry("secret-id")],
      ["revoke", () => store.revoke("secret-id")],
      ["sessionsOf", () => store.sessionsOf("secret-owner")],
      ["removeSessionsOf", () => store.removeSessionsOf("secret-owner", { except: "secret-id" })],
      ["entries", () => firstOf(store.entries())],
      ["count", () => store.count()],
      ["clear", () => store.clear()],
    ] as const) {
      const error = await call().catch((reason: unknown) => reason);
      expect(error, operation).toBeInstanceOf(SessionStoreError);
      expect((error as SessionStoreError).operation).toBe(operation);
      expect((error as Error).message).toContain(operation);
      expect(String((error as Error).message)).not.toMatch(/secret/);
    }
  });

  it("builds the partial owner index, and sessionsOf / removeSessionsOf use it; load, entry and store stay on the key", async () => {
    const table = `m${tables + 1}`;
    const store = open();
    await store.store("a", bytes("x"), HOUR, { owner: "u" });
    await waitFor("a valid owner index", async () => {
      const { rows } = await admin.query(
        "SELECT i.indisvalid, pg_get_indexdef(i.indexrelid) AS def FROM pg_index i WHERE i.indexrelid = to_regclass($1)",
        [`"${schema}"."${ownerIndexName(table)}"`],
      );
      return rows[0]?.indisvalid === true && /\(owner\) WHERE \(owner IS NOT NULL\)$/.test(rows[0].def as string);
    });
    await admin.query(
      `INSERT INTO "${schema}"."${table}" (id, data, expires_at, owner) SELECT 'f' || g, convert_to(repeat('x', 1024), 'UTF8'), now() + interval '1 hour', 'o' || (g % 500) FROM generate_series(1, 50000) g`,
    );
    const statements = statementsFor({ schema, table }, 100);
    const client = await admin.connect();
    try {
      // Before ANALYZE too: a fresh table with autovacuum off has no statistics, and the
      // owner's rows must still be found through the owner index alone, never by also
      // scanning the expiry index over every live row.
      for (const statistics of ["none", "analyzed"]) {
        if (statistics === "analyzed") await admin.query(`ANALYZE "${schema}"."${table}"`);
        for (const mode of ["force_custom_plan", "force_generic_plan"]) {
          await client.query(`SET plan_cache_mode = ${mode}`);
          for (const [statement, types, args, index] of [
            [statements.sessionsOf, "text", "'u'", ownerIndexName(table)],
            [statements.removeSessionsOf, "text, text, float8", "'u', NULL, 1000", ownerIndexName(table)],
            [statements.load, "text", "'a'", `${table}_pkey`],
            [statements.entry, "text", "'a'", `${table}_pkey`],
          ] as const) {
            await client.query(`PREPARE p(${types}) AS ${statement.text}`);
            const plan = JSON.stringify((await client.query(`EXPLAIN (FORMAT JSON) EXECUTE p(${args})`)).rows[0]);
            await client.query("DEALLOCATE p");
            const indexes = [...plan.matchAll(/"Index Name":"([^"]+)"/g)].map((match) => match[1]);
            expect(indexes, `${statistics}, ${mode}: ${statement.text}`).toEqual([index]);
          }
        }
      }
    } finally {
      await client.query("RESET plan_cache_mode");
      client.release();
    }
  });
});
