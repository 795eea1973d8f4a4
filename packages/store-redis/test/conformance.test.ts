import type { CreateOptions, Inspection } from "@session-store/conformance";
import { describeSessionStore } from "@session-store/conformance";
import { commandSkip, harness, inspectRedisKey, startRedisCluster } from "@session-store/harness";
import { Cluster, Redis } from "ioredis";
import type { RedisClientType, RedisClusterType } from "redis";
import { createClient, createCluster } from "redis";
import { afterAll, beforeAll, describe } from "vitest";
import type { RedisClient } from "../src/index.js";
import { RedisStore } from "../src/index.js";

const capabilities = { expiry: "native", sharedNamespace: true, management: true, clock: "server" } as const;
const backend = await harness("redis");
const clusterSkip = await commandSkip("redis", "redis-server");

type Inspect = (namespace: string, id: string) => Promise<Inspection | undefined>;

/** The suite over one caller-owned client (stores leave it open), keys under `keyPrefix`, read back by `inspect`. */
function describeOver(name: string, keyPrefix: string, client: () => RedisClient, inspect: Inspect, skip: string | undefined) {
  describeSessionStore({
    name,
    create: (namespace: string, options?: CreateOptions) =>
      new RedisStore({
        client: client(),
        prefix: `${keyPrefix}${namespace}:`,
        ...(options?.revocationGraceMs === undefined ? {} : { revocationGraceMs: options.revocationGraceMs }),
      }),
    capabilities,
    inspect,
    skip,
  });
}

describe("single node (REDIS_URL)", () => {
  // Every suite namespace nests in this one, so the harness's cleanup deletes all their keys.
  const run = backend.newNamespace();
  const inspect: Inspect = (namespace, id) => backend.inspect(run, `${namespace}:${id}`);
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
    await backend.cleanup();
    await ioredis?.quit();
    await nodeRedis?.close();
  });

  describeOver("redis (ioredis, single node)", `${run}:`, () => ioredis as Redis, inspect, backend.skip);
  describeOver("redis (node-redis, single node)", `${run}:`, () => nodeRedis as RedisClientType, inspect, backend.skip);
});

// The keys of one store spread over the three masters' slots: every command names one key.
describe("three-master Redis Cluster on ephemeral loopback ports", () => {
  let cluster: Awaited<ReturnType<typeof startRedisCluster>> | undefined;
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

  const inspect: Inspect = (namespace, id) => inspectRedisKey(ioredis as Cluster, `${namespace}:${id}`);
  describeOver("redis (ioredis Cluster)", "", () => ioredis as Cluster, inspect, clusterSkip);
  describeOver("redis (node-redis cluster)", "", () => nodeRedis as RedisClusterType, inspect, clusterSkip);
});
