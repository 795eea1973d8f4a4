import type { OwnRedis } from "@session-store/harness";
import { SessionStoreError } from "@session-store/core";
import { commandSkip, HOUR, settle, startRedisSentinel } from "@session-store/harness";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisStore } from "../src/index.js";

const TIMEOUT_MS = 1_000;

const skip = await commandSkip("redis", "redis-server");
const title = skip ? `Redis Sentinel (skipped: ${skip})` : "Redis Sentinel";

describe.skipIf(skip !== undefined)(title, () => {
  let group: Awaited<ReturnType<typeof startRedisSentinel>>;

  beforeAll(async () => {
    group = await startRedisSentinel({ sentinels: 3 });
  }, 30_000);
  afterAll(() => group?.stop());

  it("keeps working while the first Sentinel it is given hangs", async () => {
    // SIGSTOP: the kernel still accepts the connection, but the Sentinel never answers.
    const hung = group.sentinels[0] as OwnRedis;
    hung.pause();
    const store = new RedisStore({
      redis: { sentinels: group.sentinelNodes, name: group.masterName },
      prefix: "sentinel-test:",
      timeoutMs: TIMEOUT_MS,
    });
    try {
      await store.store("first-hangs", Buffer.from("x"), HOUR);
      expect(Buffer.from((await store.load("first-hangs")) ?? "").toString()).toBe("x");
    } finally {
      hung.resume();
      await store.close();
    }
  }, 15_000);

  it("acknowledges a write only once a replica has it, so a promotion cannot lose it", async () => {
    const store = new RedisStore({
      redis: { sentinels: group.sentinelNodes, name: group.masterName },
      prefix: "sentinel-wait:",
      timeoutMs: TIMEOUT_MS,
    });
    const replica = new Redis(group.replica.url);
    try {
      await store.store("warm-up", Buffer.from("w"), HOUR);
      // The replica is frozen: the primary still takes the write, but no replica gets it.
      group.replica.pause();
      let frozen;
      try {
        frozen = await settle(store.store("unreplicated", Buffer.from("u"), HOUR, { owner: "o" }));
      } finally {
        group.replica.resume();
      }
      expect(frozen.error).toBeInstanceOf(SessionStoreError);
      expect(String(frozen.error)).toMatch(/store failed: no replica acknowledged the write/);
      expect(frozen.ms).toBeLessThan(TIMEOUT_MS);
      // Once it answers again, a write resolves only when the replica holds it.
      for (let i = 0; i < 20; i++) {
        expect(await store.store(`replicated-${i}`, Buffer.from(`r${i}`), HOUR)).toBe(true);
        expect(await replica.getBuffer(`sentinel-wait:replicated-${i}`)).toEqual(Buffer.from(`r${i}`));
      }
      expect(await store.revoke("replicated-0")).toBe(true);
      expect(await replica.type("sentinel-wait:replicated-0")).toBe("hash");
    } finally {
      replica.disconnect();
      await store.close();
    }
  }, 15_000);
});

