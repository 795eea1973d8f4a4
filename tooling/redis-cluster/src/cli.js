#!/usr/bin/env node
// @ts-check
/**
 * From the shell:
 *   node tooling/redis-cluster/src/cli.js start [--dir DIR] [--ports 7101,7102,7103]
 *     starts the cluster in the background and prints {"dir", "nodes", "pids"} as JSON;
 *   node tooling/redis-cluster/src/cli.js stop DIR
 *     stops it by the PIDs recorded in DIR and deletes DIR.
 */
import { parseArgs } from "node:util";
import { DEFAULT_CLUSTER_PORTS, startRedisCluster, stopRedisCluster } from "./cluster.js";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { dir: { type: "string" }, ports: { type: "string" } },
});
const [command, target] = positionals;

if (command === "start") {
  const ports = values.ports ? values.ports.split(",").map(Number) : DEFAULT_CLUSTER_PORTS;
  const cluster = await startRedisCluster({ ports, detached: true, ...(values.dir && { dir: values.dir }) });
  const pids = cluster.servers.map((server) => server.pid);
  console.log(JSON.stringify({ dir: cluster.dir, nodes: cluster.nodes, pids }));
} else if (command === "stop" && target) {
  await stopRedisCluster(target);
} else {
  console.error("usage: cli.js start [--dir DIR] [--ports 7101,7102,7103] | cli.js stop DIR");
  process.exitCode = 2;
}
