import type { IoRedisClient } from "./options.js";
import { pipelinesLater, readyStream } from "./ready-stream.js";

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
export function commandBytes(client: IoRedisClient, data: Uint8Array): Buffer {
  if (readyStream(client) === undefined || pipelinesLater(client)) return Buffer.from(data);
  // ioredis takes only a Buffer as bytes (a plain Uint8Array would become text).
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
