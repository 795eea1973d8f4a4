import { commandSkip, HOUR, startRedisSentinel, waitFor } from "@session-store/harness";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisStore } from "../src/index.js";

const skip = await commandSkip("redis", "redis-server");
const title = skip ? `Redis Sentinel failover under load (skipped: ${skip})` : "Redis Sentinel failover under load";

const WRITERS = 32;
const PADDING = Buffer.alloc(16 * 1024, "p");
/** Long enough for the primary to ack far more than the kernel's socket buffers hold for the frozen replica. */
const REPLICA_FROZEN_MS = 2_000;

describe.skipIf(skip !== undefined)(title, () => {
  let group: Awaited<ReturnType<typeof startRedisSentinel>>;

  beforeAll(async () => {
    group = await startRedisSentinel({ sentinels: 3 });
  }, 30_000);
  afterAll(() => group?.stop());

  it("loses no acknowledged write when the replica falls behind, the primary dies and Sentinel promotes the replica", async () => {
    const store = new RedisStore({ redis: { sentinels: group.sentinelNodes, name: group.masterName }, prefix: "failover:", timeoutMs: 1_000 });
    // Every write goes to a key of its own, so a later write can never hide the loss of an earlier one.
    const acknowledged: string[] = [];
    let running = true;
    const writer = async (writerIndex: number) => {
      for (let n = 0; running; n++) {
        const key = `w${writerIndex}-${n}`;
        if (await store.store(key, Buffer.concat([Buffer.from(key), PADDING]), HOUR).catch(() => false)) acknowledged.push(key);
      }
    };
    const writers = Array.from({ length: WRITERS }, (_, key) => writer(key));
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      // Without a replica's acknowledgement, what the primary acked while its replica was
      // frozen dies with it: the promoted replica never had it.
      group.replica.pause();
      await new Promise((resolve) => setTimeout(resolve, REPLICA_FROZEN_MS));
      await group.primary.kill();
      group.replica.resume();
      const sentinel = new Redis(group.sentinelNodes[0]!);
      await waitFor("the replica to be promoted", async () => {
        const [, port] = (await sentinel.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", group.masterName)) as string[];
        return Number(port) === group.replica.port;
      }, 20_000).finally(() => sentinel.disconnect());
      // The new primary has no replica until the old one comes back as its replica:
      // until then every write rejects (no replica acknowledged it) rather than risk it.
      await group.primary.restart();
      const before = acknowledged.length;
      await waitFor("writes to go on through the new primary", async () => acknowledged.length > before + WRITERS, 20_000);
    } finally {
      running = false;
      await Promise.all(writers);
    }
    const newPrimary = new Redis(group.replica.url);
    try {
      const lost: string[] = [];
      for (let start = 0; start < acknowledged.length; start += 1_000) {
        const keys = acknowledged.slice(start, start + 1_000);
        const held = await newPrimary.mget(keys.map((key) => `failover:${key}`));
        lost.push(...keys.filter((key, i) => !held[i]?.startsWith(key)));
      }
      expect(acknowledged.length).toBeGreaterThan(100);
      expect(lost).toEqual([]);
    } finally {
      newPrimary.disconnect();
      await store.close();
    }
  }, 60_000);
});
