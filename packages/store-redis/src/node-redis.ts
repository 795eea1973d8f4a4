import type { ClientState } from "./connection.js";
import { hostAndPort } from "./connection.js";
import type { Emitter } from "./ioredis.js";
import { watchEvents } from "./ioredis.js";
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
    setGet: (key, data, ttlMs) => bytes.set(key, Buffer.from(data), { expiration: { type: "PX", value: ttlMs }, GET: true }),
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

/** node-redis's public fields that say where a client connects and whether it can send now. */
interface NodeRedisFields extends Partial<Emitter> {
  readonly isReady?: unknown;
  readonly options?: { readonly url?: unknown; readonly socket?: { readonly host?: unknown; readonly port?: unknown } } | null;
}

/** The connection state of a node-redis client or cluster. */
export function nodeRedisState(client: NodeRedisClient): ClientState {
  const fields = client as unknown as NodeRedisFields;
  return {
    // A client that does not say is taken as ready: its errors are then shown as they are.
    ready: () => fields.isReady !== false,
    address: () => nodeRedisAddress(fields.options),
    watch: (onError, onReady) => watchEvents(fields, onError, onReady),
  };
}

/** `host:port` from a node-redis client's `socket` or `url` options (never its user or password). */
function nodeRedisAddress(options: NodeRedisFields["options"]): string | undefined {
  const { host, port } = options?.socket ?? {};
  if (typeof host === "string") return hostAndPort(host, typeof port === "number" ? port : 6379);
  const url = options?.url;
  if (typeof url !== "string" || !URL.canParse(url)) return undefined;
  const { hostname, port: urlPort } = new URL(url);
  return hostname === "" ? undefined : hostAndPort(hostname.replace(/^\[|\]$/g, ""), urlPort === "" ? 6379 : urlPort);
}
