import { randomBytes } from "node:crypto";
import type { SessionStore } from "@session-store/core";
import type { Inspection } from "@session-store/conformance";
import { hasRedisServer } from "@session-store/redis-cluster";
import { requiredBackends } from "@session-store/testing";
import type { Cluster, Redis } from "ioredis";

/** Every key these tests write starts with this, so cleanup deletes exactly this run's keys. */
export const RUN_PREFIX = `test:store-redis:${randomBytes(4).toString("hex")}:`;

/** What Redis itself holds for a key: PTTL -2 is no key, -1 a key without expiry. */
export async function inspectKey(client: Redis | Cluster, key: string): Promise<Inspection | undefined> {
  const pttl = await client.pttl(key);
  if (pttl === -2) return undefined;
  return { expiresInMs: pttl === -1 ? Infinity : pttl };
}

/**
 * Deletes this run's keys from the shared server. SCAN is fine here: it is test
 * cleanup, never a store's code path, and the pattern holds only hex and ':'.
 */
export async function deleteRunKeys(client: Redis): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await client.scan(cursor, "MATCH", `${RUN_PREFIX}*`, "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) await client.del(...keys);
  } while (cursor !== "0");
}

/**
 * Why tests that start their own redis-server must be skipped, or undefined when
 * they can run. Missing redis-server fails instead of skipping when
 * SESSION_STORE_REQUIRE lists redis (CI).
 */
export async function ownServerSkip(): Promise<string | undefined> {
  if (await hasRedisServer()) return undefined;
  const reason = "redis-server is not installed (apt-get install redis-server)";
  if (requiredBackends().has("redis")) throw new Error(`${reason}; SESSION_STORE_REQUIRE lists redis, so this is a failure`);
  console.warn(`store-redis: skipped, ${reason}`);
  return reason;
}

/** A TTL no test outlives. */
export const HOUR = 3_600_000;

/** Settles `promise` and says how long it took, in ms. */
export async function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown; ms: number }> {
  const start = performance.now();
  try {
    const value = await promise;
    return { value, ms: performance.now() - start };
  } catch (error) {
    return { error, ms: performance.now() - start };
  }
}

type Settled = Awaited<ReturnType<typeof settle>>;

/** Calls each of the four operations once, at the same time, and settles them all. */
export function settleEveryOperation(store: SessionStore, data: Uint8Array): Promise<Settled[]> {
  return Promise.all([
    settle(store.load("x")),
    settle(store.store("x", data, HOUR)),
    settle(store.remove("x")),
    settle(store.touch("x", HOUR)),
  ]);
}
