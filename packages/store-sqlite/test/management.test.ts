// Session management on SQLite (management.md 1-6), line by line, on better-sqlite3: the
// conformance suite checks the same behaviour on every driver; these also look at the rows.
import { setTimeout as sleep } from "node:timers/promises";
import BetterSqlite3 from "better-sqlite3";
import type { ListedEntry } from "@session-store/core";
import { SessionStoreError } from "@session-store/core";
import { HOUR } from "@session-store/harness";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { SqliteStoreOptions } from "../src/index.js";
import { SqliteStore } from "../src/index.js";

const bytes = (label: string) => new TextEncoder().encode(label);
const text = (data: Uint8Array | undefined) => (data === undefined ? undefined : new TextDecoder().decode(data));

/** Stores over private in-memory databases, closed after each test. */
const opened: { store: SqliteStore; db: BetterSqlite3.Database }[] = [];
function open(options: Partial<SqliteStoreOptions> = {}) {
  const db = new BetterSqlite3(":memory:");
  const store = new SqliteStore({ database: db, ...options } as SqliteStoreOptions);
  opened.push({ store, db });
  return { store, db };
}
afterEach(async () => {
  vi.restoreAllMocks();
  for (const { store, db } of opened.splice(0)) {
    await store.close();
    db.close();
  }
});

interface Row {
  id: string;
  data: Buffer;
  expires_at: number;
  owner: string | null;
  revoked: number | null;
}
const rowOf = (db: BetterSqlite3.Database, id: string) =>
  db.prepare("SELECT * FROM sessions WHERE id = ?").get(id) as Row | undefined;

async function collect(entries: AsyncIterable<ListedEntry>): Promise<ListedEntry[]> {
  const all: ListedEntry[] = [];
  for await (const entry of entries) all.push(entry);
  return all;
}

describe("store", () => {
  it("resolves true when it wrote, and replaces data, expiry and owner together", async () => {
    const { store, db } = open();
    expect(await store.store("a", bytes("one"), HOUR, { owner: "alice" })).toBe(true);
    expect(rowOf(db, "a")).toMatchObject({ owner: "alice", revoked: null });
    expect(await store.store("a", bytes("two"), 2 * HOUR, { owner: "bob" })).toBe(true);
    expect(await store.sessionsOf("alice")).toEqual([]);
    expect((await store.sessionsOf("bob")).map((s) => s.id)).toEqual(["a"]);
    expect(await store.store("a", bytes("three"), HOUR)).toBe(true);
    expect(rowOf(db, "a")?.owner).toBeNull();
    expect(await store.sessionsOf("bob")).toEqual([]);
    expect(text(await store.load("a"))).toBe("three");
  });

  it("touch keeps data and owner", async () => {
    const { store } = open();
    await store.store("a", bytes("one"), HOUR, { owner: "alice" });
    expect(await store.touch("a", 2 * HOUR)).toBe(true);
    const entry = await store.entry("a");
    expect(text(entry?.data)).toBe("one");
    expect(entry?.owner).toBe("alice");
  });

  it.each([
    ["not an object", "alice", TypeError],
    ["an empty owner", { owner: "" }, RangeError],
    ["an owner with NUL", { owner: "a\0b" }, RangeError],
    ["an owner that is no string", { owner: 7 }, TypeError],
  ])("refuses %s before any I/O", async (_, options, type) => {
    const { store, db } = open();
    await expect(store.store("a", bytes("x"), HOUR, options as never)).rejects.toThrow(type);
    // Nothing ran: the store never even created its table.
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_schema").get()).toEqual({ n: 0 });
  });
});

describe("entry", () => {
  it("is load plus the expiry (process clock) and the owner, absent when none", async () => {
    const { store } = open();
    const before = Date.now();
    await store.store("a", bytes("one"), HOUR, { owner: "alice" });
    await store.store("b", bytes("two"), HOUR);
    const a = await store.entry("a");
    expect(text(a?.data)).toBe("one");
    expect(a?.owner).toBe("alice");
    expect(a?.expiresAt).toBeGreaterThanOrEqual(before + HOUR);
    expect(a?.expiresAt).toBeLessThanOrEqual(Date.now() + HOUR);
    const b = await store.entry("b");
    expect(b).toBeDefined();
    expect(b).not.toHaveProperty("owner");
  });

  it("is undefined when absent, expired or revoked", async () => {
    const { store, db } = open();
    await store.store("expired", bytes("x"), HOUR);
    db.prepare("UPDATE sessions SET expires_at = ? WHERE id = 'expired'").run(Date.now() - 1);
    await store.store("revoked", bytes("x"), HOUR);
    await store.revoke("revoked");
    for (const id of ["absent", "expired", "revoked"]) expect(await store.entry(id), id).toBeUndefined();
  });
});

describe("revoke", () => {
  it("turns the session's own row into a revocation lasting until the session would have expired", async () => {
    const { store, db } = open({ revocationGraceMs: 1_000 });
    await store.store("a", bytes("secret"), HOUR, { owner: "alice" });
    const expiresAt = rowOf(db, "a")!.expires_at;
    expect(await store.revoke("a")).toBe(true);
    expect(rowOf(db, "a")).toEqual({ id: "a", data: Buffer.alloc(0), expires_at: expiresAt, owner: null, revoked: 1 });
  });

  it("lasts the grace when that is later than the session's expiry, and an absent id gets the grace too", async () => {
    const { store, db } = open({ revocationGraceMs: 10 * HOUR });
    await store.store("a", bytes("x"), HOUR);
    const before = Date.now();
    expect(await store.revoke("a")).toBe(true);
    expect(await store.revoke("absent")).toBe(false);
    for (const id of ["a", "absent"]) {
      expect(rowOf(db, id)?.revoked).toBe(1);
      expect(rowOf(db, id)!.expires_at).toBeGreaterThanOrEqual(before + 10 * HOUR);
      expect(rowOf(db, id)!.expires_at).toBeLessThanOrEqual(Date.now() + 10 * HOUR);
    }
  });

  it("an expired session is not live: false, and the revocation lasts the grace", async () => {
    const { store, db } = open({ revocationGraceMs: 5_000 });
    await store.store("a", bytes("x"), HOUR);
    db.prepare("UPDATE sessions SET expires_at = ? WHERE id = 'a'").run(Date.now() - 1);
    expect(await store.revoke("a")).toBe(false);
    expect(rowOf(db, "a")!.expires_at).toBeGreaterThan(Date.now() + 4_000);
  });

  it("revoking a revoked id resolves false and keeps the later end", async () => {
    const { store, db } = open({ revocationGraceMs: 1_000 });
    await store.store("a", bytes("x"), HOUR);
    await store.revoke("a");
    const end = rowOf(db, "a")!.expires_at;
    expect(await store.revoke("a")).toBe(false);
    expect(rowOf(db, "a")!.expires_at).toBe(end);
  });

  it("while revoked: load/entry undefined, store false writing nothing, touch and remove false, listings skip it", async () => {
    const { store, db } = open();
    await store.store("a", bytes("x"), HOUR, { owner: "alice" });
    await store.store("b", bytes("y"), HOUR, { owner: "alice" });
    await store.revoke("a");
    const tombstone = rowOf(db, "a");

    expect(await store.load("a")).toBeUndefined();
    expect(await store.entry("a")).toBeUndefined();
    expect(await store.store("a", bytes("again"), HOUR, { owner: "alice" })).toBe(false);
    expect(await store.touch("a", 2 * HOUR)).toBe(false);
    expect(await store.remove("a")).toBe(false);
    expect(rowOf(db, "a")).toEqual(tombstone);
    expect((await store.sessionsOf("alice")).map((s) => s.id)).toEqual(["b"]);
    expect((await collect(store.entries())).map((e) => e.id)).toEqual(["b"]);
    expect(await store.count()).toBe(1);
  });

  it("once the revocation ends the id is usable again", async () => {
    const { store } = open({ revocationGraceMs: 100 });
    expect(await store.revoke("a")).toBe(false);
    expect(await store.store("a", bytes("early"), HOUR)).toBe(false);
    await sleep(150);
    expect(await store.store("a", bytes("later"), HOUR, { owner: "alice" })).toBe(true);
    expect(await store.entry("a")).toMatchObject({ owner: "alice" });
    expect(text(await store.load("a"))).toBe("later");
  });

  it("refuses a bad grace in the constructor", () => {
    expect(() => open({ revocationGraceMs: -1 })).toThrow(RangeError);
    expect(() => open({ revocationGraceMs: "1" as never })).toThrow(TypeError);
  });

  it("rejects, naming the operation and not the id, when the database fails", async () => {
    const { store, db } = open();
    await store.store("a", bytes("x"), HOUR);
    db.close();
    const error = await store.revoke("secret-id").catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(SessionStoreError);
    expect(error).toMatchObject({ backend: "sqlite", operation: "revoke" });
    expect(String((error as Error).message)).not.toContain("secret-id");
  });
});

describe("owners", () => {
  it("sessionsOf lists exactly the owner's live sessions with their expiry", async () => {
    const { store, db } = open();
    await store.store("a", bytes("x"), HOUR, { owner: "alice" });
    await store.store("b", bytes("x"), 2 * HOUR, { owner: "alice" });
    await store.store("expired", bytes("x"), HOUR, { owner: "alice" });
    db.prepare("UPDATE sessions SET expires_at = ? WHERE id = 'expired'").run(Date.now() - 1);
    await store.store("removed", bytes("x"), HOUR, { owner: "alice" });
    await store.remove("removed");
    await store.store("revoked", bytes("x"), HOUR, { owner: "alice" });
    await store.revoke("revoked");
    await store.store("other", bytes("x"), HOUR, { owner: "bob" });

    const listed = await store.sessionsOf("alice");
    expect(listed.map((s) => s.id).sort()).toEqual(["a", "b"]);
    for (const session of listed) expect(session.expiresAt).toBe(rowOf(db, session.id)!.expires_at);
    expect(await store.sessionsOf("nobody")).toEqual([]);
  });

  it("removeSessionsOf revokes every live session of the owner but except, and counts them", async () => {
    const { store, db } = open({ revocationGraceMs: 1_000 });
    for (const id of ["a", "b", "c"]) await store.store(id, bytes(id), HOUR, { owner: "alice" });
    await store.store("other", bytes("x"), HOUR, { owner: "bob" });
    await store.store("expired", bytes("x"), HOUR, { owner: "alice" });
    db.prepare("UPDATE sessions SET expires_at = ? WHERE id = 'expired'").run(Date.now() - 1);

    expect(await store.removeSessionsOf("alice", { except: "b" })).toBe(2);
    expect((await store.sessionsOf("alice")).map((s) => s.id)).toEqual(["b"]);
    for (const id of ["a", "c"]) {
      expect(rowOf(db, id)).toMatchObject({ revoked: 1, owner: null, data: Buffer.alloc(0) });
      expect(await store.store(id, bytes("back"), HOUR, { owner: "alice" })).toBe(false);
    }
    // Revoked until the session would have expired, the later of that and the grace.
    expect(rowOf(db, "a")!.expires_at).toBeGreaterThan(Date.now() + HOUR - 60_000);
    expect(await store.removeSessionsOf("alice", { except: "other" })).toBe(1);
    expect(await store.removeSessionsOf("alice")).toBe(0);
    expect(await store.sessionsOf("bob")).toHaveLength(1);
  });

  it("reads and revokes through the partial owner index; sessions without an owner are not in it", async () => {
    const { store, db } = open();
    await store.store("a", bytes("x"), HOUR, { owner: "alice" });
    const plan = (sql: string) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((row) => row.detail).join("; ");
    const live = "expires_at > 0 AND revoked IS NULL";
    expect(plan(`SELECT id, expires_at FROM sessions WHERE owner = 'alice' AND ${live}`)).toMatch(/USING INDEX sessions_owner \(owner=\?\)/);
    expect(plan(`UPDATE sessions SET revoked = 1 WHERE owner = 'alice' AND ${live} AND id IS NOT NULL`)).toMatch(/sessions_owner/);
    const indexSql = db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'sessions_owner'").get() as { sql: string };
    expect(indexSql.sql).toMatch(/WHERE owner IS NOT NULL$/);
  });

  it("checks owner and except before any I/O", async () => {
    const { store, db } = open();
    await expect(store.sessionsOf("" as string)).rejects.toThrow(RangeError);
    await expect(store.sessionsOf(5 as never)).rejects.toThrow(TypeError);
    await expect(store.removeSessionsOf("alice", "b" as never)).rejects.toThrow(TypeError);
    await expect(store.removeSessionsOf("alice", { except: "" })).rejects.toThrow(RangeError);
    await expect(store.removeSessionsOf("a\0")).rejects.toThrow(RangeError);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_schema").get()).toEqual({ n: 0 });
  });
});

describe("entries, count, clear", () => {
  it("entries yields every live session once with data, expiry and owner; no revocation, nothing expired", async () => {
    const { store, db } = open();
    for (let i = 0; i < 25; i++) await store.store(`s-${i}`, bytes(`d-${i}`), HOUR, i % 2 ? { owner: "alice" } : undefined);
    await store.store("expired", bytes("x"), HOUR);
    db.prepare("UPDATE sessions SET expires_at = ? WHERE id = 'expired'").run(Date.now() - 1);
    await store.revoke("s-3");

    for (const batchSize of [1, 7, 1_000]) {
      const all = await collect(store.entries({ batchSize }));
      expect(all).toHaveLength(24);
      expect(new Set(all.map((e) => e.id)).size).toBe(24);
      for (const entry of all) {
        const row = rowOf(db, entry.id)!;
        expect(text(entry.data)).toBe(`d-${entry.id.slice(2)}`);
        expect(entry.expiresAt).toBe(row.expires_at);
        if (row.owner === null) expect(entry).not.toHaveProperty("owner");
        else expect(entry.owner).toBe("alice");
      }
    }
  });

  it("entries runs one LIMIT batchSize statement per batch, each after the last id (keyset)", async () => {
    const { store, db } = open();
    for (let i = 0; i < 10; i++) await store.store(`s-${i}`, bytes("x"), HOUR);
    const statement = Object.getPrototypeOf(db.prepare("SELECT 1")) as { all: (...args: unknown[]) => unknown };
    const original = statement.all;
    const calls: unknown[][] = [];
    vi.spyOn(statement, "all").mockImplementation(function (this: { source: string }, ...args: unknown[]) {
      if (this.source.includes("ORDER BY id LIMIT")) calls.push(args);
      return original.apply(this, args);
    });
    const iterator = store.entries({ batchSize: 4 })[Symbol.asyncIterator]();
    await iterator.next();
    expect(calls).toHaveLength(1);
    await collect({ [Symbol.asyncIterator]: () => iterator });
    expect(calls.map(([after, , limit]) => [after, limit])).toEqual([
      ["", 4],
      ["s-3", 4],
      ["s-7", 4],
    ]);
  });

  it("entries is lazy: what is removed after the first batch is not yielded", async () => {
    const { store } = open();
    for (let i = 0; i < 100; i++) await store.store(`s-${String(i).padStart(3, "0")}`, bytes("x"), HOUR);
    const seen: string[] = [];
    for await (const entry of store.entries({ batchSize: 10 })) {
      if (seen.length === 0) await store.clear();
      seen.push(entry.id);
    }
    expect(seen).toHaveLength(10);
  });

  it.each([[{ batchSize: 0 }, RangeError], [{ batchSize: 10_001 }, RangeError], [{ batchSize: "5" }, TypeError], ["x", TypeError]])(
    "entries(%j) rejects on the first next()",
    async (options, type) => {
      const { store } = open();
      const iterable = store.entries(options as never);
      await expect(iterable[Symbol.asyncIterator]().next()).rejects.toThrow(type);
    },
  );

  it("count counts live sessions only", async () => {
    const { store, db } = open();
    expect(await store.count()).toBe(0);
    for (const id of ["a", "b", "c", "d"]) await store.store(id, bytes("x"), HOUR);
    db.prepare("UPDATE sessions SET expires_at = ? WHERE id = 'c'").run(Date.now() - 1);
    await store.revoke("d");
    await store.revoke("absent");
    expect(await store.count()).toBe(2);
  });

  it("clear deletes every session in batches, counts the live ones, and keeps revocations", async () => {
    const { store, db } = open({ sweepBatchSize: 3, revocationGraceMs: HOUR });
    for (let i = 0; i < 10; i++) await store.store(`s-${i}`, bytes("x"), HOUR, { owner: "alice" });
    db.prepare("UPDATE sessions SET expires_at = ? WHERE id = 's-9'").run(Date.now() - 1);
    await store.revoke("s-0");
    await store.revoke("absent");

    expect(await store.clear()).toBe(8);
    expect(db.prepare("SELECT id FROM sessions ORDER BY id").pluck().all()).toEqual(["absent", "s-0"]);
    expect(await store.sessionsOf("alice")).toEqual([]);
    expect(await store.store("s-0", bytes("back"), HOUR)).toBe(false);
    expect(await store.store("s-1", bytes("new"), HOUR)).toBe(true);
    expect(await store.clear()).toBe(1);
  });
});

describe("sweep", () => {
  it("deletes ended revocations too, and counts every row it deleted", async () => {
    const { store, db } = open({ revocationGraceMs: 50 });
    await store.revoke("ends");
    await store.store("long", bytes("x"), HOUR);
    await store.revoke("long");
    await store.store("expired", bytes("x"), HOUR);
    db.prepare("UPDATE sessions SET expires_at = ? WHERE id = 'expired'").run(Date.now() - 1);
    await store.store("live", bytes("x"), HOUR);
    await sleep(80);
    expect(await store.sweep()).toBe(2);
    expect(db.prepare("SELECT id FROM sessions ORDER BY id").pluck().all()).toEqual(["live", "long"]);
  });
});

describe("errors", () => {
  const calls: [string, (store: SqliteStore) => Promise<unknown>][] = [
    ["entry", (store) => store.entry("id-1")],
    ["store", (store) => store.store("id-1", bytes("x"), HOUR, { owner: "owner-1" })],
    ["revoke", (store) => store.revoke("id-1")],
    ["sessionsOf", (store) => store.sessionsOf("owner-1")],
    ["removeSessionsOf", (store) => store.removeSessionsOf("owner-1", { except: "id-1" })],
    ["entries", (store) => collect(store.entries())],
    ["count", (store) => store.count()],
    ["clear", (store) => store.clear()],
  ];

  it.each(calls)("a failing %s rejects with SessionStoreError naming it, without the id or owner", async (operation, call) => {
    const { store, db } = open();
    await store.count();
    db.close();
    const error = await call(store).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(SessionStoreError);
    expect(error).toMatchObject({ backend: "sqlite", operation });
    expect((error as Error).message).toMatch(new RegExp(`^sqlite store: ${operation} failed`));
    expect((error as Error).message).not.toMatch(/id-1|owner-1/);
  });

  it.each(calls)("%s after close() rejects naming it", async (operation, call) => {
    const { store } = open();
    await store.close();
    await expect(call(store)).rejects.toMatchObject({ operation });
  });
});

describe("load", () => {
  it("stays one primary-key lookup", async () => {
    const { store, db } = open();
    await store.store("a", bytes("x"), HOUR);
    const statement = Object.getPrototypeOf(db.prepare("SELECT 1")) as { get: (...args: unknown[]) => unknown };
    const original = statement.get;
    const sources: string[] = [];
    vi.spyOn(statement, "get").mockImplementation(function (this: { source: string }, ...args: unknown[]) {
      sources.push(this.source);
      return original.apply(this, args);
    });
    await store.load("a");
    expect(sources).toHaveLength(1);
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${sources[0]}`).all("a", 0) as { detail: string }[];
    expect(plan.map((row) => row.detail)).toEqual([expect.stringMatching(/SEARCH sessions USING INDEX sqlite_autoindex_sessions_1 \(id=\?\)/)]);
  });
});
