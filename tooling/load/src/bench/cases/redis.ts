/**
 * redis: our RedisStore (over ioredis, and over node-redis) beside each raw client sending
 * the same commands, raw ioredis with auto-pipelining, and the Redis session stores users
 * pick today. Every contender talks to the same server over its own connection, under a key
 * prefix of its own (`<namespace>:`, deleted by the harness when it closes).
 */
import type { Backend } from "@session-store/harness";
import { createKeyv } from "@keyv/redis";
import { openStore } from "@session-store/open";
import { RedisStore } from "@session-store/store-redis";
import { RedisStore as ConnectRedisStore } from "connect-redis";
import { Redis } from "ioredis";
import { createClient } from "redis";
import { expressStoreWorkload, keyvWorkload, packageVersion } from "../peers.js";
import type { BackendBench, Contender, Workload } from "../types.js";

/** The same two commands RedisStore sends, on a client with ioredis defaults. */
function rawIoredis(backend: Backend, enableAutoPipelining: boolean): Workload {
  const prefix = `${backend.newNamespace()}:`;
  const client = new Redis(backend.url as string, { enableAutoPipelining });
  return {
    load: (id) => client.getBuffer(prefix + id),
    store: (id, data, ttlMs) => client.set(prefix + id, data, "PX", ttlMs),
    close: () => client.quit(),
  };
}

/** A connected node-redis client and a fresh key prefix. */
async function nodeRedis(backend: Backend) {
  const client = createClient({ url: backend.url });
  client.on("error", () => undefined);
  await client.connect();
  return { client, prefix: `${backend.newNamespace()}:` };
}

const ioredis = packageVersion("ioredis");
const redis = packageVersion("redis");

const contenders: Contender[] = [
  {
    name: `raw ioredis ${ioredis}`,
    role: "raw",
    note: "`SET key value PX ttl` and `getBuffer(key)`, the commands RedisStore sends, with nothing around them (ioredis defaults)",
    open: async (backend) => rawIoredis(backend, false),
  },
  {
    name: "session-store RedisStore",
    role: "ours",
    note: "its own client from `{ url }` (ioredis, the store's defaults); a 5 s deadline on every call; the commands of one tick leave in one socket write (the socket corked until the tick ends); an unowned store is one `SET … PX … GET` (the script only over an owned session or a revocation); store copies the blob once when called",
    open: (backend) => openStore(backend.storeUrl()),
  },
  {
    name: `raw ioredis ${ioredis}, enableAutoPipelining`,
    role: "peer",
    note: "the same commands, batched by ioredis into one write per event-loop tick",
    open: async (backend) => rawIoredis(backend, true),
  },
  {
    name: `session-store RedisStore over node-redis ${redis}`,
    role: "ours",
    note: "the same store given a connected node-redis client (`{ client }`): node-redis batches each tick's writes itself; the blob is always copied",
    open: async (backend) => {
      const { client, prefix } = await nodeRedis(backend);
      const store = new RedisStore({ client, prefix });
      return { load: (id) => store.load(id), store: (id, data, ttlMs) => store.store(id, data, ttlMs), close: () => client.close() };
    },
  },
  {
    name: `raw node-redis ${redis}`,
    role: "peer",
    note: "`SET key value PX ttl` and `GET key` read as a Buffer, on node-redis with its defaults",
    open: async (backend) => {
      const { client, prefix } = await nodeRedis(backend);
      // 36: node-redis's code for a RESP blob string, mapped to Buffer so GET returns bytes.
      const bytes = client.withTypeMapping({ 36: Buffer });
      return {
        load: (id) => bytes.get(prefix + id),
        store: (id, data, ttlMs) => client.set(prefix + id, data, { expiration: { type: "PX", value: ttlMs } }),
        close: () => client.close(),
      };
    },
  },
  {
    name: `connect-redis ${packageVersion("connect-redis")} (redis ${redis})`,
    role: "peer",
    note: "base64 in a session object beside its cookie (it stores JSON text), on the node-redis client it requires",
    open: async (backend) => {
      const { client, prefix } = await nodeRedis(backend);
      return expressStoreWorkload(new ConnectRedisStore({ client, prefix }), () => client.close());
    },
  },
  {
    name: `@keyv/redis ${packageVersion("@keyv/redis")} (keyv ${packageVersion("keyv")})`,
    role: "peer",
    note: "keyv gets the Buffer itself with the ttl and stores it as base64 in JSON text, over @redis/client; `throwOnErrors` on",
    open: async (backend) => keyvWorkload(createKeyv(backend.url as string, { namespace: backend.newNamespace(), throwOnErrors: true })),
  },
];

const bench: BackendBench = {
  contenders,
  target: { minRatio: 0.95 },
  notes: `Every contender has one connection of its own to the same server; each run's loops share it,
so c=64 means 64 commands in flight on one socket. The ioredis and node-redis 6 contenders speak RESP3
(both clients' default); @keyv/redis speaks what its @redis/client 5 defaults to (RESP2). The
server is shared with whatever else runs on the machine: compare figures within one run only.`,
};

export default bench;
