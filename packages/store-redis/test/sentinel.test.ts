import type { OwnRedis } from "@session-store/harness";
import { commandSkip, HOUR, startRedisSentinel } from "@session-store/harness";
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
});
