/**
 * redis: our RedisStore (over ioredis, and over node-redis) beside each raw client
 * sending the same commands, raw ioredis with auto-pipelining, and the Redis
 * session stores users pick today. Every
 * contender talks to the same server (REDIS_URL, else 127.0.0.1:6379) over its own
 * connection, under its own key prefix, deleted when it closes.
 */
import { randomBytes } from "node:crypto";
import { createKeyv } from "@keyv/redis";
import { RedisStore } from "@session-store/store-redis";
import { RedisStore as ConnectRedisStore } from "connect-redis";
import { Redis } from "ioredis";
import { createClient } from "redis";
import { packageVersion } from "../package-version.js";
import { expressStoreWorkload } from "../peers/express-store.js";
import type { BackendBench, Contender, Workload } from "../types.js";

const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** A key prefix no other contender or run uses: hex and ':' only, so it is also a safe SCAN pattern. */
const newPrefix = (who: string) => `bench:${who}:${randomBytes(4).toString("hex")}:`;

/** A short-lived client for setup and cleanup, never one of the measured ones. */
async function withAdmin<T>(work: (admin: Redis) => Promise<T>): Promise<T> {
  const admin = new Redis(url, { lazyConnect: true, connectTimeout: 2_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  admin.on("error", () => undefined);
  try {
    await admin.connect();
    return await work(admin);
  } finally {
    admin.disconnect();
  }
}

/** Deletes every key under `prefix` (SCAN + UNLINK: cleanup, not a measured path). */
function deletePrefix(prefix: string): Promise<void> {
  return withAdmin(async (admin) => {
    let cursor = "0";
    do {
      const [next, keys] = await admin.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1_000);
      cursor = next;
      if (keys.length > 0) await admin.unlink(...keys);
    } while (cursor !== "0");
  });
}

/** Closes the contender's client, then deletes what it stored. */
function cleaningUp(prefix: string, workload: Omit<Workload, "close">, close: () => Promise<unknown>): Workload {
  return {
    load: workload.load,
    store: workload.store,
    close: async () => {
      await close();
      await deletePrefix(prefix);
    },
  };
}

/** The same two commands RedisStore sends, on a client with ioredis defaults. */
function rawWorkload(autoPipelining: boolean): Workload {
  const prefix = newPrefix(autoPipelining ? "raw-pipelined" : "raw");
  const client = new Redis(url, { enableAutoPipelining: autoPipelining });
  return cleaningUp(
    prefix,
    {
      load: (id) => client.getBuffer(prefix + id),
      store: (id, data, ttlMs) => client.set(prefix + id, data, "PX", ttlMs),
    },
    () => client.quit(),
  );
}

const ioredisVersion = packageVersion("ioredis");

const raw: Contender = {
  name: `raw ioredis ${ioredisVersion}`,
  role: "raw",
  note: "`SET key value PX ttl` and `getBuffer(key)`, the commands RedisStore sends, with nothing around them (ioredis defaults)",
  open: async () => rawWorkload(false),
};

const rawPipelined: Contender = {
  name: `raw ioredis ${ioredisVersion}, enableAutoPipelining`,
  role: "peer",
  note: "the same commands, batched by ioredis into one write per event-loop tick",
  open: async () => rawWorkload(true),
};

const ours: Contender = {
  name: "session-store RedisStore",
  role: "ours",
  note: "its own client from `{ url }` (ioredis, the store's defaults); a 5 s deadline on every call; the commands of one tick leave in one socket write (the socket corked until the tick ends); the blob copied only when ioredis would send it later",
  open: async () => {
    const prefix = newPrefix("ours");
    const store = new RedisStore({ url, prefix });
    return cleaningUp(
      prefix,
      { load: (id) => store.load(id), store: (id, data, ttlMs) => store.store(id, data, ttlMs) },
      () => store.close(),
    );
  },
};

/** node-redis's code for a RESP blob string: mapped to Buffer, GET returns bytes. */
const BLOB_STRING = 36;

const ourNodeRedis: Contender = {
  name: `session-store RedisStore over node-redis ${packageVersion("redis")}`,
  role: "ours",
  note: "the same store given a connected node-redis client (`{ client }`): node-redis batches each tick's writes itself; the blob is always copied",
  open: async () => {
    const prefix = newPrefix("ours-node-redis");
    const client = createClient({ url });
    client.on("error", () => undefined);
    await client.connect();
    const store = new RedisStore({ client, prefix });
    return cleaningUp(
      prefix,
      { load: (id) => store.load(id), store: (id, data, ttlMs) => store.store(id, data, ttlMs) },
      () => client.close(),
    );
  },
};

const rawNodeRedis: Contender = {
  name: `raw node-redis ${packageVersion("redis")}`,
  role: "peer",
  note: "`SET key value PX ttl` and `GET key` read as a Buffer, on node-redis with its defaults",
  open: async () => {
    const prefix = newPrefix("raw-node-redis");
    const client = createClient({ url });
    client.on("error", () => undefined);
    await client.connect();
    const bytes = client.withTypeMapping({ [BLOB_STRING]: Buffer });
    return cleaningUp(
      prefix,
      {
        load: (id) => bytes.get(prefix + id),
        store: (id, data, ttlMs) => client.set(prefix + id, data, { expiration: { type: "PX", value: ttlMs } }),
      },
      () => client.close(),
    );
  },
};

const connectRedis: Contender = {
  name: `connect-redis ${packageVersion("connect-redis")} (redis ${packageVersion("redis")})`,
  role: "peer",
  note: "base64 in a session object beside its cookie (it stores JSON text), on the node-redis client it requires",
  open: async () => {
    const prefix = newPrefix("connect-redis");
    const client = createClient({ url });
    client.on("error", () => undefined);
    await client.connect();
    const store = new ConnectRedisStore({ client, prefix });
    const workload = expressStoreWorkload(store, async () => {
      await client.close();
    });
    return cleaningUp(prefix, workload, () => workload.close());
  },
};

const keyvRedis: Contender = {
  name: `@keyv/redis ${packageVersion("@keyv/redis")} (keyv ${packageVersion("keyv")})`,
  role: "peer",
  note: "keyv gets the Buffer itself with the ttl and stores it as base64 in JSON text, over @redis/client; `throwOnErrors` on",
  open: async () => {
    const namespace = newPrefix("keyv").slice(0, -1);
    const keyv = createKeyv(url, { namespace, throwOnErrors: true });
    return cleaningUp(
      `${namespace}:`,
      { load: (id) => keyv.get<Buffer>(id), store: (id, data, ttlMs) => keyv.set(id, data, ttlMs) },
      () => keyv.disconnect(),
    );
  },
};

const bench: BackendBench = {
  backend: "redis",
  unavailable: async () => {
    try {
      await withAdmin((admin) => admin.ping());
      return undefined;
    } catch (error) {
      return `no Redis answered at ${new URL(url).host} (${error instanceof Error ? error.message : String(error)}); set REDIS_URL`;
    }
  },
  contenders: [raw, ours, rawPipelined, ourNodeRedis, rawNodeRedis, connectRedis, keyvRedis],
  target: { minRatio: 0.95 },
  version: () =>
    withAdmin(async (admin) => {
      const info = await admin.info("server");
      return `Redis ${/redis_version:(\S+)/.exec(info)?.[1] ?? "?"} on ${new URL(url).host}`;
    }),
  notes: `Every contender has one connection of its own to the same server; each run's loops share it,
so c=64 means 64 commands in flight on one socket. The ioredis and node-redis 6 contenders speak RESP3
(both clients' default); @keyv/redis speaks what its @redis/client 5 defaults to (RESP2). The
server is shared with whatever else runs on the machine: compare figures within one run only.`,
};

export default bench;
