import type { Argument, Commands, NodeRedisClient, NodeRedisCluster, NodeRedisNode } from "./options.js";
import { runScript } from "./run-script.js";

/** node-redis's code for a RESP blob string (`RESP_TYPES.BLOB_STRING`): mapped to Buffer, replies come back as bytes. */
const BLOB_STRING = 36;

/**
 * The commands on a node-redis client or cluster (`redis` / `@redis/client` 5 or 6).
 * node-redis writes commands on a later tick, so every byte argument is copied now.
 */
export function nodeRedisCommands(client: NodeRedisClient): Commands {
  const bytes = client.withTypeMapping({ [BLOB_STRING]: Buffer });
  return {
    run: (script, key, args) => {
      const options = { keys: [key], arguments: args.map(commandArgument) };
      return runScript(
        script,
        (sha) => bytes.evalSha(sha, options),
        (source) => bytes.eval(source, options),
      );
    },
    get: (key) => bytes.get(key),
    zrem: (key, members) => client.zRem(key, [...members]),
    del: (key) => client.del(key),
    // Every node-redis client and cluster has ping(); NodeRedisClient leaves it out to stay small.
    ping: () => (client as unknown as { ping(): Promise<unknown> }).ping(),
    scan: (pattern, count) => scanMasters(client, pattern, count),
  };
}

/** SCAN on every master of a cluster, or on the client itself. */
async function* scanMasters(client: NodeRedisClient, pattern: string, count: number): AsyncIterable<readonly string[]> {
  const cluster = client as unknown as Partial<NodeRedisCluster>;
  const nodes: NodeRedisNode[] = [];
  if (Array.isArray(cluster.masters) && typeof cluster.nodeClient === "function") {
    for (const master of cluster.masters) nodes.push(await (cluster as NodeRedisCluster).nodeClient(master));
  } else {
    nodes.push(client as unknown as NodeRedisNode);
  }
  for (const node of nodes) {
    let cursor = "0";
    do {
      const reply = await node.scan(cursor, { MATCH: pattern, COUNT: count });
      cursor = String(reply.cursor);
      yield reply.keys;
    } while (cursor !== "0");
  }
}

function commandArgument(arg: Argument): string | Buffer {
  if (arg instanceof Uint8Array) return Buffer.from(arg);
  return typeof arg === "number" ? String(arg) : arg;
}
