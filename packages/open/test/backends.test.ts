import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { inspect } from "node:util";
import type { SessionStore } from "@session-store/core";
import { harness } from "@session-store/harness";
import { MongoStore } from "@session-store/store-mongo";
import { PostgresStore } from "@session-store/store-postgres";
import { RedisStore } from "@session-store/store-redis";
import { SqliteStore } from "@session-store/store-sqlite";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { openStore } from "../src/index.js";

const redis = await harness("redis");
const postgres = await harness("postgres");
const backends = [await harness("memory"), await harness("sqlite"), redis, postgres, await harness("mongo")];
const data = new Uint8Array([7, 8, 9]);
const dir = mkdtempSync(join(tmpdir(), "open-store-"));
const opened: SessionStore[] = [];

async function open(url: string): Promise<SessionStore> {
  const store = await openStore(url);
  opened.push(store);
  return store;
}

function bytesOf(value: Uint8Array | undefined): number[] | undefined {
  return value && [...value];
}

/** Stores under one namespace are invisible under the other: the query parameter reached the store. */
async function expectSeparate(a: SessionStore, b: SessionStore): Promise<void> {
  await a.store("shared-id", data, 60_000);
  expect(bytesOf(await a.load("shared-id"))).toEqual([...data]);
  expect(await b.load("shared-id")).toBeUndefined();
  await a.remove("shared-id");
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close?.()));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await Promise.all(backends.map((backend) => backend.cleanup()));
});

describe.each(backends)("openStore on the harness's store URL for $name", (backend) => {
  it.skipIf(backend.skip !== undefined)(`opens a store over the namespace the URL names${backend.skip ? ` (${backend.skip})` : ""}`, async () => {
    const namespace = backend.newNamespace();
    const store = await open(backend.storeUrl(namespace));
    const other = await open(backend.storeUrl());
    await store.store("id", data, 60_000);
    expect(bytesOf(await store.load("id"))).toEqual([...data]);
    expect(await other.load("id")).toBeUndefined();
    // The backend itself holds the entry under that namespace (memory has no outside to look from).
    if (backend.name !== "memory") expect((await backend.inspect(namespace, "id"))?.expiresInMs).toBeGreaterThan(50_000);
  });
});

describe("openStore with options the store refuses", () => {
  it("rejects with the store's own error, which carries no credentials", async () => {
    const secret = "s3cret-Pa55word";
    const error = await openStore(`postgres://app:${secret}@127.0.0.1:1/app?table=bad%22name`).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(RangeError);
    expect(inspect(error, { depth: 10 })).not.toContain(secret);
    await expect(openStore(`sqlite:${join(dir, "x.db")}?sweepIntervalMs=soon`)).rejects.toThrow(RangeError);
  });
});

describe("openStore on sqlite:", () => {
  it("opens a relative path against the working directory", async () => {
    const file = join(dir, "relative.db");
    const store = await open(`sqlite:${relative(process.cwd(), file)}`);
    expect(store).toBeInstanceOf(SqliteStore);
    await store.store("a", data, 60_000);
    expect(bytesOf(await store.load("a"))).toEqual([...data]);
    expect(statSync(file).isFile()).toBe(true);
  });

  it("opens an absolute path, in both spellings, with ?table=", async () => {
    const file = join(dir, "absolute.db");
    const a = await open(`sqlite:${file}?table=sessions_a`);
    const b = await open(`sqlite://${file}?table=sessions_b`);
    await expectSeparate(a, b);
    expect(statSync(file).isFile()).toBe(true);
  });
});

describe.skipIf(redis.skip !== undefined)(`openStore on redis://${redis.skip ? ` (${redis.skip})` : ""}`, () => {
  it("opens a RedisStore with ?prefix=", async () => {
    const a = await open(`${redis.url}?prefix=${redis.newNamespace()}:`);
    const b = await open(`${redis.url}?prefix=${encodeURIComponent(`${redis.newNamespace()}:`)}`);
    expect(a).toBeInstanceOf(RedisStore);
    await expectSeparate(a, b);
  });
});

describe.skipIf(postgres.skip !== undefined)(`openStore on postgres://${postgres.skip ? ` (${postgres.skip})` : ""}`, () => {
  // Dropped by the harness's cleanup, with every other namespace it handed out.
  const tables = [postgres.newNamespace(), postgres.newNamespace()];

  it("opens a PostgresStore with ?table=, for postgres:// and postgresql://", async () => {
    const url = postgres.url as string;
    const a = await open(`${url}?table=${tables[0]}`);
    const b = await open(`${url.replace(/^postgres:/, "postgresql:")}?table=${tables[1]}`);
    expect(a).toBeInstanceOf(PostgresStore);
    expect(b).toBeInstanceOf(PostgresStore);
    await expectSeparate(a, b);
  });
});

describe("openStore on mongodb://", () => {
  // No MongoDB server here: the store connects on first use, so opening and closing needs none.
  it("opens a MongoStore for mongodb:// and mongodb+srv:// without connecting yet", async () => {
    expect(await open("mongodb://127.0.0.1:1/test?collection=web_sessions")).toBeInstanceOf(MongoStore);
    expect(await open("mongodb+srv://cluster.invalid/test?collection=web_sessions")).toBeInstanceOf(MongoStore);
  });
});
