import { existsSync } from "node:fs";
import BetterSqlite3 from "better-sqlite3";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import type { Backend } from "../src/index.js";
import { BACKENDS, harness } from "../src/index.js";

const backends = Object.fromEntries(await Promise.all(BACKENDS.map(async (name) => [name, await harness(name)]))) as Record<
  (typeof BACKENDS)[number],
  Backend
>;
afterAll(() => Promise.all(Object.values(backends).map((backend) => backend.cleanup())));

const MINUTE = 60_000;
/** How far the backend's view of a one-minute expiry may be from a minute, measured from before the write. */
const near = (expiresInMs: number | undefined, start: number) => {
  expect(expiresInMs).toBeLessThanOrEqual(MINUTE);
  expect(expiresInMs).toBeGreaterThan(MINUTE - (performance.now() - start) - 5);
};
const titled = (backend: Backend) => (backend.skip ? `${backend.name} (${backend.skip})` : backend.name);

it("lists the backends in order, each with a fresh ss_ namespace per call", () => {
  expect(BACKENDS).toEqual(["memory", "sqlite", "redis", "postgres", "mongo"]);
  const sqlite = backends.sqlite;
  const [a, b] = [sqlite.newNamespace(), sqlite.newNamespace()];
  expect(a).toMatch(/^ss_[0-9a-f]{12}$/);
  expect(a).not.toBe(b);
});

it("memory opens memory: and has nothing to inspect", async () => {
  expect(backends.memory.storeUrl()).toBe("memory:");
  expect(backends.memory.url).toBeUndefined();
  await expect(backends.memory.inspect("ns", "id")).rejects.toThrow(/no backend to inspect/);
});

describe("sqlite", () => {
  it("gives a file and table per namespace, reads expires_at, and deletes the files on cleanup", async () => {
    const sqlite = await harness("sqlite");
    const namespace = sqlite.newNamespace();
    const url = sqlite.storeUrl(namespace);
    const path = new URL(url).pathname;
    expect(url).toBe(`sqlite:${path}?table=${namespace}`);
    expect(path.endsWith(`/${namespace}.db`)).toBe(true);
    expect(await sqlite.inspect(namespace, "a")).toBeUndefined();

    const start = performance.now();
    const db = new BetterSqlite3(path);
    db.exec(`CREATE TABLE "${namespace}" (id TEXT PRIMARY KEY, data BLOB NOT NULL, expires_at INTEGER NOT NULL)`);
    db.prepare(`INSERT INTO "${namespace}" VALUES ('a', x'00', ?)`).run(Date.now() + MINUTE);
    db.close();
    near((await sqlite.inspect(namespace, "a"))?.expiresInMs, start);
    expect(await sqlite.inspect(namespace, "b")).toBeUndefined();
    // A table of the test's own in that namespace's file: "file.table".
    const shared = new BetterSqlite3(path);
    shared.exec(`CREATE TABLE other (id TEXT PRIMARY KEY, data BLOB NOT NULL, expires_at INTEGER NOT NULL)`);
    shared.prepare(`INSERT INTO other VALUES ('a', x'00', ?)`).run(Date.now() + MINUTE);
    shared.close();
    near((await sqlite.inspect(`${namespace}.other`, "a"))?.expiresInMs, start);
    expect(await sqlite.inspect(`${namespace}.missing`, "a")).toBeUndefined();

    await sqlite.cleanup();
    await sqlite.cleanup();
    expect(existsSync(path)).toBe(false);
  });
});

describe.skipIf(backends.redis.skip !== undefined)(titled(backends.redis), () => {
  it("gives a key prefix per namespace, reads PTTL, and deletes only that prefix's keys on cleanup", async () => {
    const redis = await harness("redis");
    const namespace = redis.newNamespace();
    expect(redis.storeUrl(namespace)).toBe(`${redis.url}?prefix=${namespace}:`);
    const client = new Redis(redis.url as string);
    const outside = `${namespace}_outside`;
    try {
      const start = performance.now();
      await client.set(`${namespace}:a`, "x", "PX", MINUTE);
      await client.set(`${namespace}:forever`, "x");
      await client.set(outside, "x", "PX", MINUTE);
      near((await redis.inspect(namespace, "a"))?.expiresInMs, start);
      expect(await redis.inspect(namespace, "forever")).toEqual({ expiresInMs: Infinity });
      expect(await redis.inspect(namespace, "b")).toBeUndefined();

      await redis.cleanup();
      await redis.cleanup();
      expect(await client.exists(`${namespace}:a`, `${namespace}:forever`)).toBe(0);
      expect(await client.exists(outside)).toBe(1);
    } finally {
      await client.del(outside);
      await client.quit();
    }
  });
});

describe.skipIf(backends.postgres.skip !== undefined)(titled(backends.postgres), () => {
  it("gives a table (or a schema) per namespace, reads expires_at by the database clock, and drops both on cleanup", async () => {
    const postgres = await harness("postgres");
    const [table, schema] = [postgres.newNamespace(), postgres.newNamespace()];
    expect(postgres.storeUrl(table)).toBe(`${postgres.url}?table=${table}`);
    const client = new pg.Client(postgres.url);
    await client.connect();
    try {
      expect(await postgres.inspect(table, "a")).toBeUndefined();
      const columns = "(id text PRIMARY KEY, data bytea NOT NULL, expires_at timestamptz NOT NULL)";
      await client.query(`CREATE TABLE "${table}" ${columns}; CREATE SCHEMA "${schema}"; CREATE TABLE "${schema}".t ${columns}`);
      const start = performance.now();
      await client.query(`INSERT INTO "${table}" VALUES ('a', '\\x00', now() + interval '1 minute')`);
      await client.query(`INSERT INTO "${schema}".t VALUES ('a', '\\x00', now() + interval '1 minute')`);
      near((await postgres.inspect(table, "a"))?.expiresInMs, start);
      near((await postgres.inspect(`${schema}.t`, "a"))?.expiresInMs, start);
      expect(await postgres.inspect(table, "b")).toBeUndefined();

      await postgres.cleanup();
      await postgres.cleanup();
      const { rows } = await client.query("SELECT to_regclass($1) AS t, to_regnamespace($2) AS s", [`"${table}"`, `"${schema}"`]);
      expect(rows[0]).toEqual({ t: null, s: null });
    } finally {
      await client.end();
    }
  });
});

describe.skipIf(backends.mongo.skip !== undefined)(titled(backends.mongo), () => {
  it("gives a collection per namespace, reads expiresAt by the server clock, and drops it on cleanup", async () => {
    const mongo = await harness("mongo");
    const namespace = mongo.newNamespace();
    expect(mongo.storeUrl(namespace)).toBe(`${mongo.url}${mongo.url?.includes("?") ? "&" : "?"}collection=${namespace}`);
    const { MongoClient } = await import("mongodb");
    const client = new MongoClient(mongo.url as string);
    try {
      const start = performance.now();
      await client.db().collection<{ _id: string; expiresAt: Date }>(namespace).insertOne({ _id: "a", expiresAt: new Date(Date.now() + MINUTE) });
      await client.db(namespace).collection<{ _id: string; expiresAt: Date }>("nested").insertOne({ _id: "a", expiresAt: new Date(Date.now() + MINUTE) });
      near((await mongo.inspect(namespace, "a"))?.expiresInMs, start);
      near((await mongo.inspect(`${namespace}.nested`, "a"))?.expiresInMs, start);
      expect(await mongo.inspect(namespace, "b")).toBeUndefined();
      await mongo.cleanup();
      await mongo.cleanup();
      expect(await client.db().listCollections({ name: namespace }).toArray()).toEqual([]);
      expect(await client.db(namespace).listCollections().toArray()).toEqual([]);
    } finally {
      await client.close();
    }
  });
});
