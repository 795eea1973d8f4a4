import type { RedisClient } from "./options.js";

/** The public fields of an ioredis `Redis` (v5 and v6) that say how it sends a command. */
interface SendState {
  readonly isCluster?: unknown;
  readonly status?: unknown;
  readonly stream?: { readonly writable?: unknown } | null;
  readonly options?: { readonly enableAutoPipelining?: unknown } | null;
}

/**
 * The data as ioredis should get it for `SET`: a Buffer the caller cannot change
 * before the command is serialized.
 *
 * A ready ioredis `Redis` without auto-pipelining serializes the command into a
 * buffer of its own and writes it before `set()` returns, so a view of the
 * caller's bytes is enough and saves a copy of the whole blob. Anything else may
 * keep the command and serialize it later (the offline queue while connecting,
 * auto-pipelining, a Cluster routing it, any other client), so it gets a copy
 * taken now.
 */
export function commandBytes(client: RedisClient, data: Uint8Array): Buffer {
  const state = client as SendState;
  const sendsNow =
    state.isCluster === false &&
    state.status === "ready" &&
    state.stream?.writable === true &&
    !state.options?.enableAutoPipelining;
  if (!sendsNow) return Buffer.from(data);
  // ioredis takes only a Buffer as bytes (a plain Uint8Array would become text).
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
