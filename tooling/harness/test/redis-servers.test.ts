import { Cluster, Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { commandSkip, settle, startRedisCluster, startRedisSentinel, startRedisServer } from "../src/index.js";
import { isRunning } from "../src/own-process.js";

const skip = await commandSkip("redis", "redis-server");
/** How long a stopped server is given to (not) answer. */
const SILENCE_MS = 300;

/** A client that fails fast instead of reconnecting, so a dead or paused server shows at once. */
function client(port: number): Redis {
  const redis = new Redis({ host: "127.0.0.1", port, commandTimeout: SILENCE_MS, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  redis.on("error", () => undefined);
  return redis;
}

describe.skipIf(skip !== undefined)(skip ? `own Redis servers (${skip})` : "own Redis servers", () => {
  const clients: Redis[] = [];
  const open = (port: number) => {
    const redis = client(port);
    clients.push(redis);
    return redis;
  };
  afterAll(() => {
    for (const redis of clients) redis.disconnect();
  });

  it("a server on an ephemeral port: paused it answers nothing, resumed it does, killed it is gone, restarted it keeps its AOF", async () => {
    const server = await startRedisServer({ args: ["--appendonly", "yes", "--appendfsync", "always"] });
    try {
      expect(server.port).not.toBe(6379);
      expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
      const redis = open(server.port);
      await redis.set("kept", "yes");

      server.pause();
      const paused = await settle(redis.ping());
      expect((paused.error as Error).message).toMatch(/timed out/i);
      expect(paused.ms).toBeGreaterThanOrEqual(SILENCE_MS - 5);
      server.resume();
      expect(await open(server.port).ping()).toBe("PONG");

      const first = server.pid;
      await server.kill();
      expect(isRunning(first)).toBe(false);
      expect((await settle(open(server.port).ping())).error).toBeDefined();

      await server.restart();
      expect(server.pid).not.toBe(first);
      expect(await open(server.port).get("kept")).toBe("yes");
    } finally {
      await server.stop();
    }
    expect(isRunning(server.pid)).toBe(false);
    await server.stop();
  });

  it("a cluster of three masters and a replica each reaches cluster_state:ok and serves keys in every slot range", async () => {
    const cluster = await startRedisCluster({ replicasPerMaster: 1 });
    const redis = new Cluster(cluster.nodes);
    try {
      expect(cluster.servers).toHaveLength(6);
      for (const server of cluster.servers) expect(String(await open(server.port).call("CLUSTER", "INFO"))).toContain("cluster_state:ok");
      const roles = await Promise.all(cluster.servers.map(async (server) => String(((await open(server.port).call("ROLE")) as unknown[])[0])));
      expect(roles.sort()).toEqual(["master", "master", "master", "slave", "slave", "slave"]);
      const keys = Array.from({ length: 30 }, (_, i) => `key-${i}`);
      for (const key of keys) await redis.set(key, key);
      expect(await Promise.all(keys.map((key) => redis.get(key)))).toEqual(keys);
    } finally {
      redis.disconnect();
      await cluster.stop();
    }
    for (const server of cluster.servers) expect(isRunning(server.pid)).toBe(false);
  });

  it("a sentinel group reports the primary, and a Sentinel client reaches it", async () => {
    const group = await startRedisSentinel({ masterName: "harness-test" });
    const redis = new Redis({ sentinels: group.sentinelNodes, name: group.masterName });
    try {
      const address = await open(group.sentinels[0]!.port).call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "harness-test");
      expect(address).toEqual(["127.0.0.1", String(group.primary.port)]);
      await redis.set("through-sentinel", "1");
      expect(await open(group.primary.port).get("through-sentinel")).toBe("1");
      expect(((await open(group.replica.port).call("ROLE")) as unknown[])[0]).toBe("slave");
    } finally {
      redis.disconnect();
      await group.stop();
    }
  });
});
