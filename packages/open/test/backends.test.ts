import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import type { SessionStore } from "@session-store/core";
import { RedisStore } from "@session-store/store-redis";
import { SqliteStore } from "@session-store/store-sqlite";
import { resolveBackend } from "@session-store/testing";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { openStore } from "../src/index.js";

const redis = await resolveBackend("redis");
const runId = `open_test_${process.pid}_${Date.now()}`;
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
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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
    const a = await open(`${redis.url}?prefix=${runId}_a:`);
    const b = await open(`${redis.url}?prefix=${encodeURIComponent(`${runId}_b:`)}`);
    expect(a).toBeInstanceOf(RedisStore);
    await expectSeparate(a, b);
  });
});
