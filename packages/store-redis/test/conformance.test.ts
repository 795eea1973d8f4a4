import { describeSessionStore } from "@session-store/core/conformance";
import type { RedisCluster } from "@session-store/redis-cluster";
import { startRedisCluster } from "@session-store/redis-cluster";
import { resolveBackend } from "@session-store/testing";
import { Cluster, Redis } from "ioredis";
import { afterAll, beforeAll, describe } from "vitest";
import { RedisStore } from "../src/index.js";
import { deleteRunKeys, inspectKey, ownServerSkip, RUN_PREFIX } from "./support.js";

const capabilities = { expiry: "native", sharedNamespace: true } as const;
const backend = await resolveBackend("redis");

// One caller-owned client for every store of the run: stores leave it open.
let single: Redis | undefined;
describeSessionStore({
  name: "redis (single node)",
  create: (namespace) => new RedisStore({ client: single as Redis, prefix: `${RUN_PREFIX}${namespace}:` }),
  capabilities,
  inspect: (namespace, id) => inspectKey(single as Redis, `${RUN_PREFIX}${namespace}:${id}`),
  skip: backend.skip,
  cleanup: async () => {
    if (!single) return;
    await deleteRunKeys(single);
    await single.quit();
  },
});
if (backend.url !== undefined) single = new Redis(backend.url, { lazyConnect: true });

const clusterSkip = await ownServerSkip();
describe("three-master Redis Cluster on 127.0.0.1:7101-7103", () => {
  let cluster: RedisCluster | undefined;
  let client: Cluster | undefined;

  beforeAll(async () => {
    if (clusterSkip) return;
    cluster = await startRedisCluster();
    client = new Cluster([...cluster.nodes]);
  });
  afterAll(async () => {
    await client?.quit();
    await cluster?.stop();
  });

  // The keys of one store spread over the three masters' slots: every command names one key.
  describeSessionStore({
    name: "redis (cluster)",
    create: (namespace) => new RedisStore({ client: client as Cluster, prefix: `${namespace}:` }),
    capabilities,
    inspect: (namespace, id) => inspectKey(client as Cluster, `${namespace}:${id}`),
    skip: clusterSkip,
  });
});
