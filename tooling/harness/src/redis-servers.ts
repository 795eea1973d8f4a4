import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import type { OwnProcess } from "./own-process.js";
import { freePort, freePorts, spawnOwnProcess } from "./own-process.js";
import { redisAnswers } from "./resolve.js";
import { waitFor } from "./test-helpers.js";

export interface OwnRedis extends OwnProcess {
  readonly url: string;
  /** Stops the server (if it still runs) and starts it again on the same port over the same files. */
  restart(): Promise<void>;
}

export type RedisNode = { host: string; port: number };

const HOST = "127.0.0.1";
const SLOTS = 16_384;
const READY_TIMEOUT_MS = 15_000;

/** A redis-server of our own on a free loopback port, in `options.dir` or a temp dir that stop() deletes. */
export async function startRedisServer(options: { args?: string[]; dir?: string } = {}): Promise<OwnRedis> {
  return startOwnRedis(await freePort(), options.args ?? [], options.dir);
}

/**
 * A Redis Cluster of `masters` (default 3) with `replicasPerMaster` (default 0)
 * replicas each, ready once every node says cluster_state:ok and each replica is in sync.
 */
export async function startRedisCluster(options: { masters?: number; replicasPerMaster?: number } = {}) {
  const { masters = 3, replicasPerMaster = 0 } = options;
  const size = masters * (1 + replicasPerMaster);
  return group("cluster", 2 * size, async (root, ports, servers) => {
    for (let i = 0; i < size; i++) {
      // The cluster bus gets a port of its own: port + 10000, the default, may be above 65535 or taken.
      const [port, bus] = [ports[2 * i] as number, String(ports[2 * i + 1])];
      const args = ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000", "--cluster-port", bus];
      servers.push(await startOwnRedis(port, args, join(root, String(port))));
    }
    await withClients(servers, async (clients) => {
      const ids = await Promise.all(
        clients.slice(0, masters).map(async (client, i) => {
          // Distinct epochs, as redis-cli --cluster create sets them, so no collision has to be resolved.
          await client.call("CLUSTER", "SET-CONFIG-EPOCH", String(i + 1));
          const [first, end] = [Math.floor((i * SLOTS) / masters), Math.floor(((i + 1) * SLOTS) / masters)];
          await client.call("CLUSTER", "ADDSLOTSRANGE", String(first), String(end - 1));
          return String(await client.call("CLUSTER", "MYID"));
        }),
      );
      for (let i = 1; i < size; i++) await clients[0]?.call("CLUSTER", "MEET", HOST, String(ports[2 * i]), String(ports[2 * i + 1]));
      for (let i = masters; i < size; i++) {
        const [client, master] = [clients[i] as Redis, ids[(i - masters) % masters] as string];
        await waitFor(`replica ${i} to learn its master`, async () => String(await client.call("CLUSTER", "NODES")).includes(master));
        await client.call("CLUSTER", "REPLICATE", master);
      }
      await waitFor("every node to report cluster_state:ok", async () => {
        const infos = (await Promise.all(clients.map((client) => client.call("CLUSTER", "INFO")))).map(String);
        const synced = await Promise.all(clients.slice(masters).map((client) => client.info("replication")));
        return infos.every((info) => info.includes("cluster_state:ok") && info.includes(`cluster_known_nodes:${size}`)) &&
          synced.every((info) => info.includes("master_link_status:up"));
      }, 30_000);
    });
    return { nodes: servers.map(({ port }): RedisNode => ({ host: HOST, port })), servers };
  });
}

/**
 * A primary, one replica in sync with it, and `sentinels` (default 1) Sentinels
 * monitoring it as `masterName`, ready once each Sentinel knows the primary, the
 * replica and the other Sentinels.
 */
export async function startRedisSentinel(options: { sentinels?: number; masterName?: string } = {}) {
  const { sentinels: count = 1, masterName = "session-store" } = options;
  return group("sentinel", 2 + count, async (root, ports, servers) => {
    const [primaryPort, replicaPort, ...sentinelPorts] = ports as [number, number, ...number[]];
    const primary = await startOwnRedis(primaryPort, [], join(root, "primary"));
    servers.push(primary);
    const replica = await startOwnRedis(replicaPort, ["--replicaof", HOST, String(primaryPort)], join(root, "replica"));
    servers.push(replica);
    await withClients([replica], ([client]) =>
      waitFor("the replica to sync", async () => (await (client as Redis).info("replication")).includes("master_link_status:up")),
    );
    const quorum = Math.floor(count / 2) + 1;
    for (const port of sentinelPorts) {
      const dir = join(root, `sentinel-${port}`);
      await mkdir(dir);
      const timing = `sentinel down-after-milliseconds ${masterName} 1000\nsentinel failover-timeout ${masterName} 5000`;
      await writeFile(join(dir, "sentinel.conf"), `sentinel monitor ${masterName} ${HOST} ${primaryPort} ${quorum}\n${timing}\n`);
      servers.push(await startOwnRedis(port, ["--sentinel"], dir, join(dir, "sentinel.conf")));
    }
    const sentinels = servers.slice(2);
    await withClients(sentinels, (clients) =>
      waitFor("every sentinel to know the primary, its replica and each other", async () => {
        const views = await Promise.all(clients.map((client) => client.call("SENTINEL", "MASTER", masterName) as Promise<string[]>));
        return views.every((view) => {
          const field = (name: string) => view[view.indexOf(name) + 1];
          return field("port") === String(primaryPort) && field("num-slaves") === "1" && field("num-other-sentinels") === String(count - 1);
        });
      }, 30_000),
    );
    return { masterName, primary, replica, sentinels, sentinelNodes: sentinels.map(({ port }): RedisNode => ({ host: HOST, port })) };
  });
}

/** Servers started together in one temp dir: all stopped, and the dir deleted, by stop() or when starting fails. */
async function group<T>(kind: string, portCount: number, start: (root: string, ports: number[], servers: OwnRedis[]) => Promise<T>) {
  const root = await mkdtemp(join(tmpdir(), `session-store-redis-${kind}-`));
  const servers: OwnRedis[] = [];
  const stop = async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await rm(root, { recursive: true, force: true });
  };
  try {
    return { ...(await start(root, await freePorts(portCount), servers)), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** One redis-server process on `port` whose files live in `dir`, kept across restarts. */
async function startOwnRedis(port: number, args: readonly string[], givenDir?: string, config?: string): Promise<OwnRedis> {
  const dir = givenDir ?? (await mkdtemp(join(tmpdir(), "session-store-redis-")));
  await mkdir(dir, { recursive: true });
  const logfile = join(dir, "redis.log");
  // Later arguments override earlier ones, so `args` may turn persistence back on.
  const argv = [...(config ? [config] : []), "--port", String(port), "--bind", HOST, "--dir", dir, "--logfile", logfile];
  // No 5 s wait for more replicas before a full sync.
  argv.push("--save", "", "--appendonly", "no", "--repl-diskless-sync-delay", "0", ...args);
  const launch = async () => {
    const server = spawnOwnProcess("redis-server", argv, port);
    try {
      // PONG, not LOADING: an append-only file is loaded by then.
      await waitFor(`redis-server on ${HOST}:${port} to answer PING`, () => {
        if (server.exited()) throw new Error(`redis-server on ${HOST}:${port} exited`);
        return redisAnswers(`redis://${HOST}:${port}`);
      }, READY_TIMEOUT_MS);
    } catch (error) {
      await server.kill();
      const log = (await readFile(logfile, "utf8").catch(() => "")).trim().split("\n").slice(-5).join("\n");
      throw new Error(`${(error as Error).message}\n${log}`, { cause: error });
    }
    return server;
  };
  let current = await launch().catch(async (error: unknown) => {
    if (!givenDir) await rm(dir, { recursive: true, force: true });
    throw error;
  });
  return {
    get pid() {
      return current.pid;
    },
    port,
    url: `redis://${HOST}:${port}`,
    kill: (signal) => current.kill(signal),
    async stop() {
      await current.stop();
      if (!givenDir) await rm(dir, { recursive: true, force: true });
    },
    pause: () => current.pause(),
    resume: () => current.resume(),
    async restart() {
      await current.stop();
      current = await launch();
    },
  };
}

/** Admin clients to `servers` for the duration of `work`. */
async function withClients<T>(servers: readonly OwnRedis[], work: (clients: Redis[]) => Promise<T>): Promise<T> {
  const clients = servers.map(({ port }) => new Redis({ host: HOST, port, maxRetriesPerRequest: 0, retryStrategy: () => null }));
  for (const client of clients) client.on("error", () => undefined);
  try {
    return await work(clients);
  } finally {
    for (const client of clients) client.disconnect();
  }
}
