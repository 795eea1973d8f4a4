import { describeSessionStore } from "@session-store/conformance";
import type { RedisCluster } from "@session-store/redis-cluster";
import { startRedisCluster } from "@session-store/redis-cluster";
import { resolveBackend } from "@session-store/testing";
import { Cluster, Redis } from "ioredis";
import type { RedisClientType, RedisClusterType } from "redis";
import { createClient, createCluster } from "redis";
import { afterAll, beforeAll, describe } from "vitest";
import type { RedisClient } from "../src/index.js";
import { RedisStore } from "../src/index.js";
import { deleteRunKeys, inspectKey, ownServerSkip, RUN_PREFIX } from "./support.js";

const capabilities = { expiry: "native", sharedNamespace: true } as const;
const backend = await resolveBackend("redis");
const clusterSkip = await ownServerSkip();

/**
 * The suite over one caller-owned client (stores leave it open), inspected through
 * an ioredis client on the same server. Keys carry `keyPrefix` so cleanup finds them.
 */
function describeOver(name: string, keyPrefix: string, clients: () => { store: RedisClient; inspect: Redis | Cluster }, skip: string | undefined) {
  describeSessionStore({
    name,
    create: (namespace) => new RedisStore({ client: clients().store, prefix: `${keyPrefix}${namespace}:` }),
    capabilities,
    inspect: (namespace, id) => inspectKey(clients().inspect, `${keyPrefix}${namespace}:${id}`),
    skip,
  });
}

describe("single node (REDIS_URL)", () => {
  let ioredis: Redis | undefined;
  let nodeRedis: RedisClientType | undefined;

  beforeAll(async () => {
    if (backend.url === undefined) return;
    ioredis = new Redis(backend.url);
    nodeRedis = createClient({ url: backend.url });
    nodeRedis.on("error", () => undefined);
    await nodeRedis.connect();
  });
  afterAll(async () => {
    if (ioredis) await deleteRunKeys(ioredis);
    await ioredis?.quit();
    await nodeRedis?.close();
  });

  describeOver("redis (ioredis, single node)", RUN_PREFIX, () => ({ store: ioredis as Redis, inspect: ioredis as Redis }), backend.skip);
  describeOver(
    "redis (node-redis, single node)",
    RUN_PREFIX,
    () => ({ store: nodeRedis as RedisClientType, inspect: ioredis as Redis }),
    backend.skip,
  );
});

// The keys of one store spread over the three masters' slots: every command names one key.
describe("three-master Redis Cluster on 127.0.0.1:7101-7103", () => {
  let cluster: RedisCluster | undefined;
  let ioredis: Cluster | undefined;
  let nodeRedis: RedisClusterType | undefined;

  beforeAll(async () => {
    if (clusterSkip) return;
    cluster = await startRedisCluster();
    ioredis = new Cluster([...cluster.nodes]);
    nodeRedis = createCluster({ rootNodes: cluster.nodes.map(({ host, port }) => ({ url: `redis://${host}:${port}` })) });
    nodeRedis.on("error", () => undefined);
    await nodeRedis.connect();
  });
  afterAll(async () => {
    await ioredis?.quit();
    await nodeRedis?.close();
    await cluster?.stop();
  });

  describeOver("redis (ioredis Cluster)", "", () => ({ store: ioredis as Cluster, inspect: ioredis as Cluster }), clusterSkip);
  describeOver(
    "redis (node-redis cluster)",
    "",
    () => ({ store: nodeRedis as RedisClusterType, inspect: ioredis as Cluster }),
    clusterSkip,
  );
});
