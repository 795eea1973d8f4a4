import type { Commands, NodeRedisClient } from "./options.js";

/** node-redis's code for a RESP blob string (`RESP_TYPES.BLOB_STRING`): mapped to Buffer, GET returns bytes. */
const BLOB_STRING = 36;

/**
 * The commands on a node-redis client or cluster (`redis` / `@redis/client` 5 or 6).
 * node-redis writes commands on a later tick, so `set` always gets a copy of the
 * caller's bytes taken now.
 */
export function nodeRedisCommands(client: NodeRedisClient): Commands {
  const bytes = client.withTypeMapping({ [BLOB_STRING]: Buffer });
  return {
    set: (key, data, ttlMs) => client.set(key, Buffer.from(data), { expiration: { type: "PX", value: ttlMs } }),
    // With the mapping above a value comes back as a Buffer, never decoded as text.
    get: (key) => bytes.get(key) as Promise<Buffer | null>,
    del: (key) => client.del(key),
    pexpire: (key, ttlMs) => client.pExpire(key, ttlMs),
  };
}
