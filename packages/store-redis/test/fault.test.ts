import { randomBytes } from "node:crypto";
import { SessionStoreError } from "@session-store/core";
import type { OwnRedis } from "@session-store/harness";
import { commandSkip, HOUR, settle, startRedisServer } from "@session-store/harness";
import { Redis } from "ioredis";
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { RedisStore } from "../src/index.js";
import { settleEveryOperation } from "./support.js";

/** Every acknowledged write is on disk before Redis answers it. */
const DURABLE = ["--appendonly", "yes", "--appendfsync", "always"];
const TIMEOUT_MS = 1_000;
/** How late a timer may fire on a loaded two-core machine. */
const TIMER_SLACK_MS = 500;
/** How long the outage lasts: long enough for the reconnect backoff to reach its cap. */
const OUTAGE_MS = 2_500;

const skip = await commandSkip("redis", "redis-server");
const title = skip ? `Redis stops and comes back (skipped: ${skip})` : "Redis stops and comes back";
const payload = (id: string) => Buffer.from(`session ${id} `.repeat(8));

describe.skipIf(skip !== undefined)(title, () => {
  // A server of this test's own, on an ephemeral port: never the shared one.
  let server: OwnRedis;

  beforeAll(async () => {
    server = await startRedisServer({ args: DURABLE });
  });
  afterAll(() => server?.stop());

  it("rejects every call within the bound while Redis is down, loses no acknowledged store, and works again", async () => {
    const problems: unknown[] = [];
    const record = (error: unknown) => problems.push(error);
    process.on("unhandledRejection", record);
    process.on("uncaughtException", record);
    // ioredis reports an 'error' event nobody listens to on the console instead of throwing.
    const consoleError = vi.spyOn(console, "error");

    // The store's own client (this package's defaults), and callers' clients with ioredis and node-redis defaults.
    const owned = new RedisStore({ url: server.url, timeoutMs: TIMEOUT_MS });
    const callerClient = new Redis(server.url);
    callerClient.on("error", () => undefined);
    const callers = new RedisStore({ client: callerClient, timeoutMs: TIMEOUT_MS });
    const nodeRedisClient = createClient({ url: server.url });
    nodeRedisClient.on("error", () => undefined);
    await nodeRedisClient.connect();
    const nodeRedis = new RedisStore({ client: nodeRedisClient, timeoutMs: TIMEOUT_MS });
    const stores = { owned, callers, nodeRedis };

    try {
      // Writers keep storing; the server is killed (SIGKILL, no shutdown) under them.
      const acknowledged = new Set<string>();
      const timings: Record<keyof typeof stores, number[]> = { owned: [], callers: [], nodeRedis: [] };
      let killedAt: number | undefined = undefined;
      let writing = true;
      const writer = async (name: keyof typeof stores) => {
        while (writing) {
          const id = `fault-${randomBytes(6).toString("hex")}`;
          const startedDown = killedAt !== undefined;
          const result = await settle(stores[name].store(id, payload(id), HOUR));
          if (result.error === undefined) acknowledged.add(id);
          else expect(result.error).toBeInstanceOf(SessionStoreError);
          if (startedDown) {
            expect(result.error, "a store issued while Redis is down").toBeInstanceOf(SessionStoreError);
            expect(result.ms).toBeLessThan(TIMEOUT_MS + TIMER_SLACK_MS);
            timings[name].push(result.ms);
          }
        }
      };
      const names = ["owned", "owned", "owned", "callers", "callers", "callers", "nodeRedis", "nodeRedis", "nodeRedis"] as const;
      const writers = names.map(writer);
      while (acknowledged.size < 200) await settle(owned.load("warm-up"));
      await server.kill("SIGKILL");
      killedAt = performance.now();

      // During the outage every call of both stores rejects with a SessionStoreError within the bound.
      const probe = async (name: keyof typeof stores) => {
        const store = stores[name];
        while (performance.now() - (killedAt as number) < OUTAGE_MS) {
          const results = await settleEveryOperation(store, payload("x"));
          for (const result of results) {
            expect(result.error).toBeInstanceOf(SessionStoreError);
            expect(result.ms).toBeLessThan(TIMEOUT_MS + TIMER_SLACK_MS);
            timings[name].push(result.ms);
          }
        }
      };
      await Promise.all([probe("owned"), probe("callers"), probe("nodeRedis")]);
      writing = false;
      await Promise.all(writers);

      // The same server comes back on the same port and dir, with its append-only file.
      const restartedAt = performance.now();
      await server.restart();
      const ready = performance.now() - restartedAt;

      // Both stores work again without being recreated. Polled, each call bounded.
      const recovery: Record<string, number> = {};
      for (const [name, store] of Object.entries(stores)) {
        const start = performance.now();
        for (;;) {
          const result = await settle(store.store(`back-${name}`, payload(name), HOUR));
          if (result.error === undefined) break;
          expect(result.error).toBeInstanceOf(SessionStoreError);
          expect(performance.now() - start, `${name} store recovers`).toBeLessThan(15_000);
        }
        recovery[name] = performance.now() - start;
        expect(await store.load(`back-${name}`)).toEqual(payload(name));
      }
      // The store's own client reconnects at most about a second apart.
      expect(recovery.owned).toBeLessThan(1_100 + TIMEOUT_MS + TIMER_SLACK_MS);

      // No acknowledged store was lost.
      const ids = [...acknowledged];
      const missing: string[] = [];
      for (let i = 0; i < ids.length; i += 100) {
        const batch = ids.slice(i, i + 100);
        const loaded = await Promise.all(batch.map((id) => owned.load(id)));
        batch.forEach((id, k) => {
          if (!payload(id).equals(loaded[k] ?? Buffer.alloc(0))) missing.push(id);
        });
      }
      expect(missing).toEqual([]);

      const summary = (values: number[]) =>
        `n=${values.length} max=${Math.max(...values).toFixed(0)}ms median=${median(values).toFixed(0)}ms`;
      console.log(
        [
          `fault test: ${acknowledged.size} acknowledged stores, all present after the restart`,
          `  rejections while down, store-owned client: ${summary(timings.owned)}`,
          `  rejections while down, caller's client (ioredis defaults): ${summary(timings.callers)}`,
          `  rejections while down, caller's node-redis client (defaults): ${summary(timings.nodeRedis)}`,
          `  restarted server answered PING after ${ready.toFixed(0)}ms`,
          `  first successful store after that: owned ${recovery.owned?.toFixed(0)}ms, caller's ioredis ${recovery.callers?.toFixed(0)}ms, node-redis ${recovery.nodeRedis?.toFixed(0)}ms`,
        ].join("\n"),
      );
      expect(problems).toEqual([]);
      const unhandled = consoleError.mock.calls.filter((args) => String(args[0]).includes("Unhandled error event"));
      expect(unhandled, "ioredis 'error' events without a listener").toEqual([]);
    } finally {
      process.off("unhandledRejection", record);
      process.off("uncaughtException", record);
      consoleError.mockRestore();
      await owned.close();
      await callers.close();
      await nodeRedis.close();
      callerClient.disconnect();
      nodeRedisClient.destroy();
    }
  }, 60_000);
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}
