// @ts-check
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { Redis } from "ioredis";
import { startRedisServer, stopRedisServerByPid } from "./server.js";

/** The loopback ports of the three masters unless told otherwise. */
export const DEFAULT_CLUSTER_PORTS = Object.freeze([7101, 7102, 7103]);

const SLOTS = 16_384;
const POLL_INTERVAL_MS = 50;
const STATE_FILE = "cluster.json";

/**
 * Starts a Redis Cluster of masters only (no replicas), one redis-server per port,
 * each in its own folder under `dir` (a new temp dir by default). Resolves once
 * every node's `CLUSTER INFO` says `cluster_state:ok`, or rejects at the deadline
 * after stopping what it started.
 * @param {import("./index.js").RedisClusterOptions} [options]
 * @returns {Promise<import("./index.js").RedisCluster>}
 */
export async function startRedisCluster(options = {}) {
  const { ports = DEFAULT_CLUSTER_PORTS, host = "127.0.0.1", timeoutMs = 30_000, detached = false, bin } = options;
  const deadline = Date.now() + timeoutMs;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), "redis-cluster-")));
  const args = ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000"];
  const started = await Promise.allSettled(
    ports.map((port) =>
      startRedisServer({ port, host, dir: join(dir, String(port)), args, timeoutMs, detached, ...(bin && { bin }) }),
    ),
  );
  const servers = started.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
  const stop = async () => {
    await Promise.all(servers.map((server) => server.stop()));
    if (options.dir === undefined) await rm(dir, { recursive: true, force: true });
  };

  try {
    const failed = started.find((result) => result.status === "rejected");
    if (failed) throw failed.reason;
    await formCluster(host, ports, deadline);
    const state = { host, ports, pids: servers.map((server) => server.pid) };
    await writeFile(join(dir, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
  } catch (error) {
    await stop();
    throw error;
  }
  return { dir, nodes: ports.map((port) => ({ host, port })), servers, stop };
}

/**
 * Stops a cluster started by the command line (`cli.js start`), from the PIDs it
 * recorded in `dir`, and deletes `dir`.
 * @param {string} dir
 */
export async function stopRedisCluster(dir) {
  const state = JSON.parse(await readFile(join(dir, STATE_FILE), "utf8"));
  await Promise.all(
    state.pids.map((/** @type {number} */ pid, /** @type {number} */ i) => stopRedisServerByPid(pid, state.ports[i])),
  );
  await rm(dir, { recursive: true, force: true });
}

/**
 * Gives each node an equal share of the slots, introduces them to each other and
 * waits until every node sees the whole cluster as ok.
 * @param {string} host
 * @param {readonly number[]} ports
 * @param {number} deadline
 */
async function formCluster(host, ports, deadline) {
  const clients = ports.map((port) => {
    const client = new Redis({ host, port, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on("error", () => undefined);
    return client;
  });
  try {
    await Promise.all(
      clients.map(async (client, i) => {
        // Distinct epochs, as redis-cli --cluster create sets them, so no collision has to be resolved.
        await client.call("CLUSTER", "SET-CONFIG-EPOCH", String(i + 1));
        const first = Math.floor((i * SLOTS) / ports.length);
        const end = Math.floor(((i + 1) * SLOTS) / ports.length);
        const slots = Array.from({ length: end - first }, (_, k) => String(first + k));
        await client.call("CLUSTER", "ADDSLOTS", ...slots);
      }),
    );
    const [first] = clients;
    if (first === undefined) throw new Error("a cluster needs at least one node");
    for (const port of ports.slice(1)) await first.call("CLUSTER", "MEET", host, String(port));
    await waitForClusterOk(clients, ports.length, deadline);
  } finally {
    for (const client of clients) client.disconnect();
  }
}

/**
 * @param {Redis[]} clients
 * @param {number} size
 * @param {number} deadline
 */
async function waitForClusterOk(clients, size, deadline) {
  let last = "";
  for (;;) {
    const infos = await Promise.all(clients.map((client) => client.call("CLUSTER", "INFO")));
    const ok = infos.every((info) => {
      const text = String(info);
      return text.includes("cluster_state:ok") && text.includes(`cluster_known_nodes:${size}`);
    });
    if (ok) return;
    last = String(infos.find((info) => !String(info).includes("cluster_state:ok")) ?? infos[0]);
    if (Date.now() >= deadline) {
      const state = /cluster_state:\w+/.exec(last)?.[0] ?? "unknown";
      throw new Error(`the cluster did not reach cluster_state:ok before the deadline (${state})`);
    }
    await delay(POLL_INTERVAL_MS);
  }
}
