import type { Writable } from "node:stream";
import type { IoRedisClient } from "./options.js";

/** The public fields of an ioredis `Redis` (v5 and v6) that say how it sends a command now. */
interface SendState {
  readonly isCluster?: unknown;
  readonly status?: unknown;
  readonly stream?: Partial<Writable> | null;
  readonly options?: { readonly enableAutoPipelining?: unknown } | null;
}

/**
 * The socket of a ready, single-node ioredis `Redis`, or undefined for anything
 * else (a Cluster, a client still connecting, another kind of client). Such a
 * client writes a command to this socket before the command method returns.
 */
export function readyStream(client: IoRedisClient): Writable | undefined {
  const state = client as SendState;
  const stream = state.stream;
  if (state.isCluster !== false || state.status !== "ready" || !stream || stream.writable !== true) return undefined;
  return typeof stream.cork === "function" && typeof stream.uncork === "function" ? (stream as Writable) : undefined;
}

/** Whether the client batches commands itself (ioredis auto-pipelining), writing them later. */
export function pipelinesLater(client: IoRedisClient): boolean {
  return Boolean((client as SendState).options?.enableAutoPipelining);
}
